import { ConflictError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { announceCommittedStep } from './after-commit.js';
import { notifyStep } from './notify.js';
import { imageWorkflowRepository } from './repository.js';
import type { ImageChangeUpdate, ImageWorkflowRepository } from './repository.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { changesNothing, nothingToChange } from './report.js';
import type { BuiltReport } from './report.js';
import { assertNoChangeInFlight, loadChange, nextOwners, outOfOrder } from './steps.js';
import { imageStep } from './machine.js';
import type { ImageStepName } from './machine.js';
import type { ImageChangeKind, ImageChangeRecord } from './types.js';

export interface StepOutcome {
  update: ImageChangeUpdate;
  /** Extra facts for the audit entry. */
  audit?: Record<string, unknown>;
  subject: string;
  text: string;
}

export interface StepSpec {
  id: string;
  kind: ImageChangeKind;
  /** The step's name, as the CLI and API call it: its states and permission are in machine.ts. */
  step: ImageStepName;
  /** Runs inside the transaction; throws to refuse (nothing is written). */
  apply: (tx: Repositories, repo: ImageWorkflowRepository, change: ImageChangeRecord) => Promise<StepOutcome>;
}

/**
 * One step of an image change, in one transaction: load (tenant-scoped), check the state, apply,
 * check the state it led to,
 * write with optimistic concurrency, audit, and enqueue the notification. A refusal writes nothing.
 * Once committed, the step is announced (after-commit.ts): that is how a pending revision reaches
 * its deployer.
 */
export async function runStep(store: Store, actor: Actor, spec: StepSpec): Promise<ImageChangeRecord> {
  const committed = await store.transaction(async (tx) => {
    const repo = imageWorkflowRepository(tx);
    const change = await loadChange(repo, actor, spec.id, spec.kind);
    // The table the API's nextSteps are read from decides who may take the step and from where.
    const rule = imageStep(change.kind, spec.step);
    assertCan(actor, rule.permission);
    if (!rule.from.includes(change.state)) throw outOfOrder(change, spec.step);
    const outcome = await spec.apply(tx, repo, change);
    // The paths the API sends (path.ts) say which step leads into which state: a step that leaves
    // the change anywhere its rule does not name is a bug, refused before anything is written.
    const after = outcome.update.state ?? change.state;
    if (!rule.to.includes(after)) {
      throw new Error(
        `The "${spec.step}" step of ${change.kind} ${change.id} led to ${after}, which machine.ts does not allow.`,
      );
    }
    const updated = await repo.updateChange(change.id, change.version, outcome.update);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: change.tenantId,
        action: `image.${change.kind}.${spec.step}`,
        target: `image-change:${change.id}`,
        before: { state: change.state, version: change.version, reportHash: change.reportHash },
        after: {
          state: updated.state,
          version: updated.version,
          reportHash: updated.reportHash,
          ...outcome.audit,
        },
      }),
    );
    await notifyStep(store, tx, updated, {
      step: spec.step,
      nextOwners: nextOwners(updated),
      subject: outcome.subject,
      text: outcome.text,
    });
    return updated;
  });
  // After the commit: a new pending revision goes to its deployer (see after-commit.ts).
  announceCommittedStep(store, actor, committed);
  return committed;
}

export interface OpenChangeSpec {
  kind: ImageChangeKind;
  instance: Instance;
  requests: string[];
  reason: string;
  built: BuiltReport;
  subject: string;
  text: string;
}

/**
 * The first step of a rollback or an upgrade, inside the caller's transaction: refuse a second
 * change in flight on the instance, store the request with its report and hash, audit it, and tell
 * the owners of the next step.
 */
export async function openImageChange(
  store: Store,
  tx: Repositories,
  actor: Actor,
  spec: OpenChangeSpec,
): Promise<ImageChangeRecord> {
  const { instance, kind } = spec;
  if (changesNothing(spec.built.report.review)) {
    throw new ConflictError(
      `${nothingToChange(instance.name, spec.requests, spec.built.report.review.ignored, `a ${kind} request would change nothing`)}.`,
      { remedy: `Name another target; \`ratchet image show ${instance.name}\` lists the current pins.` },
    );
  }
  const repo = imageWorkflowRepository(tx);
  await assertNoChangeInFlight(repo, instance);
  const change = await repo.insertChange({
    kind,
    tenantId: instance.tenantId,
    instanceId: instance.id,
    state: 'requested',
    requestedBy: actor.userId,
    requestedRole: actor.role,
    reason: spec.reason,
    requests: spec.requests,
    report: spec.built.report,
    reportHash: spec.built.hash,
  });
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: instance.tenantId,
      action: `image.${kind}.request`,
      target: `image-change:${change.id}`,
      before: null,
      after: {
        state: change.state,
        requests: change.requests,
        reportHash: change.reportHash,
        reason: change.reason,
      },
    }),
  );
  await notifyStep(store, tx, change, {
    step: 'request',
    nextOwners: nextOwners(change),
    subject: spec.subject,
    text: spec.text,
  });
  return change;
}
