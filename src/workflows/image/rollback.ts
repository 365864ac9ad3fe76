import { ConflictError, InputError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { normalizeName, parseRequirement } from '../../python/index.js';
import type { Store } from '../../store/index.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { buildReport } from './report.js';
import type { BuiltReport } from './report.js';
import { readRepo } from './repository.js';
import {
  AcceptInput,
  ImageChangeRefInput,
  DecideInput,
  ReopenInput,
  RequestRollbackInput,
  ResolveInput,
} from './schema.js';
import {
  actorOfUser,
  assertApprovable,
  assertNoChangeInFlight,
  loadChange,
  startStage,
  stepNote,
  waitingStage,
} from './steps.js';
import { imageStep, REQUEST_PERMISSION } from './machine.js';
import { openImageChange, runStep } from './transition.js';
import { acknowledgementNote, assertTrialAcknowledged } from './trial-acknowledgement.js';
import { startReviewTrial } from './trial-guidance.js';
import {
  keptReviewTrial,
  planReviewTrial,
  queueReviewTrial,
  settleReviewTrial,
  withTrialStep,
} from './trial-step.js';
import type { PlannedReviewTrial } from './trial-step.js';
import type { DeploymentStage, ImageChangeRecord } from './types.js';

export const DEFAULT_PIN_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

function requirementOf(pkg: string, target: string): string {
  const text = /^[=<>!~]/.test(target) ? `${pkg}${target}` : `${pkg}==${target}`;
  try {
    parseRequirement(text);
  } catch (error) {
    throw new InputError(
      `"${target}" is not a version or version range for ${pkg}: ${(error as Error).message}`,
      {
        remedy: 'Name an exact version (1.10.15) or a range like ==1.10.*.',
      },
    );
  }
  return text;
}

/**
 * Step 1-2 of the policy's "Rollback Process (Last Resort)": a customer admin names the package and
 * target and why; Ratchet answers with the recommended approach (forward fix) and validates
 * automatically, storing the report with its content hash.
 */
export async function requestRollback(
  store: Store,
  actor: Actor,
  input: RequestRollbackInput,
): Promise<ImageChangeRecord> {
  // The same permission GET /api/v1/me reports (request-rights.ts): the form and the check agree.
  assertCan(actor, REQUEST_PERMISSION.rollback);
  const parsed = parseInput(RequestRollbackInput, input, 'rollback request');
  const requirement = requirementOf(parsed.package, parsed.target);
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const current = await store.repos.revisions.current(instance.id, 'image');
  const pinned = (current?.content as { packages?: { name: string }[] } | undefined)?.packages ?? [];
  if (!pinned.some((p) => normalizeName(p.name) === normalizeName(parsed.package))) {
    throw new InputError(
      `${parsed.package} is not pinned in ${instance.name}'s image, so it cannot be rolled back.`,
      {
        remedy: `Name one of the image's packages: ${pinned.map((p) => p.name).join(', ')}.`,
      },
    );
  }
  // Check before planning so a second request is refused fast; checked again under the writer lock.
  await assertNoChangeInFlight(readRepo(store), instance);
  const reviewed = await buildReport(store, actor, {
    kind: 'rollback',
    instance,
    requests: [requirement],
    keep: [],
  });
  // The trial of the rolled-back image is a step of the review (issue 16), queued with the request.
  const planned = await planReviewTrial(store, instance, [requirement], reviewed);
  const opened = await store.transaction(async (tx) => {
    const { built, planned: settled } = await settleReviewTrial(tx, instance, reviewed, planned);
    const change = await openImageChange(store, tx, actor, {
      kind: 'rollback',
      instance,
      requests: [requirement],
      reason: parsed.reason,
      built,
      subject: `Rollback requested on ${instance.name}: ${requirement}`,
      text: `${built.report.recommendation}\n\nReview: ${built.report.review.explanation}\nImpact: ${built.report.impactSummary}`,
    });
    await queueReviewTrial(tx, actor, change, settled);
    return { change, settled };
  });
  startReviewTrial(store, opened.change, opened.settled);
  return opened.change;
}

/** Step 3: a provider engineer approves; impossible while the report shows a blocker. */
export async function approveRollback(
  store: Store,
  actor: Actor,
  input: DecideInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'approve').permission);
  const parsed = parseInput(DecideInput, input, 'rollback approval');
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'approve',
    apply: async (tx, _repo, change) => {
      assertApprovable(change, 'Reject it with a reason, or refresh the report after the index changes.');
      const ack = await assertTrialAcknowledged(tx, change, parsed.acknowledgeBreaks);
      return {
        update: {
          state: 'approved',
          approvedBy: actor.userId,
          approvedHash: change.reportHash,
          decisionReason: parsed.reason,
          urgent: parsed.urgent === true,
          ...(ack === null ? {} : { notes: [...change.notes, acknowledgementNote(actor, tx.now(), ack)] }),
        },
        audit: {
          urgent: parsed.urgent === true,
          reason: parsed.reason,
          ...(ack === null ? {} : { acknowledgedBreaks: ack }),
        },
        subject: `Rollback ${change.id} approved${parsed.urgent === true ? ' (urgent: production first)' : ''}`,
        text: `A provider engineer approved the rollback: ${parsed.reason}. A customer admin must now accept responsibility for downstream effects, bound to report ${change.reportHash}.${ack !== null && ack.projects.length > 0 ? ` The approver acknowledged that the trial predicts it breaks ${ack.projects.join(', ')}.` : ''}`,
      };
    },
  });
}

export async function rejectRollback(
  store: Store,
  actor: Actor,
  input: DecideInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'reject').permission);
  const parsed = parseInput(DecideInput, input, 'rollback rejection');
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'reject',
    apply: (_tx, _repo, change) =>
      Promise.resolve({
        update: { state: 'rejected', decisionReason: parsed.reason },
        audit: { reason: parsed.reason },
        subject: `Rollback ${change.id} rejected`,
        text: `The rollback was rejected: ${parsed.reason}. The recommended approach stands: affected users fix forward.`,
      }),
  });
}

/**
 * Step 4-5: the customer admin accepts responsibility for downstream effects, bound to the report
 * hash they saw; then the new image revision is created and handed to the deployer (test instance
 * first unless the approval was marked urgent).
 */
export async function acceptRollback(
  store: Store,
  actor: Actor,
  input: AcceptInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'accept').permission);
  const parsed = parseInput(AcceptInput, input, 'rollback acceptance');
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'accept',
    apply: async (tx, _repo, change) => {
      if (parsed.reportHash !== change.reportHash) {
        throw new ConflictError(
          `The report of rollback request ${change.id} changed since you read it (you accepted ${parsed.reportHash.slice(0, 12)}, it is now ${change.reportHash.slice(0, 12)}): acceptance must be renewed.`,
          {
            policy: 'rollback-acceptance-bound-to-report',
            remedy: 'Read the current report, then accept again with its hash.',
            extra: { acceptedHash: parsed.reportHash, reportHash: change.reportHash },
          },
        );
      }
      const approver = await tx.users.get(change.approvedBy ?? '');
      if (approver === null)
        throw new ConflictError(
          `The approver of ${change.id} no longer exists; ask a provider engineer to approve again.`,
        );
      const instance = await tx.instances.get(change.instanceId);
      const stages: DeploymentStage[] = [];
      if (instance?.testInstanceId && !change.urgent) {
        const test = await tx.instances.get(instance.testInstanceId);
        if (test !== null) stages.push(waitingStage(test, 'test'));
      }
      stages.push(
        waitingStage(
          { id: change.instanceId, name: change.report.instance.name },
          stages.length > 0 ? 'production' : 'target',
        ),
      );
      const started = await startStage(tx, change, stages, 0, actorOfUser(approver));
      return {
        update: {
          state: 'deploying',
          acceptedBy: actor.userId,
          acceptedHash: parsed.reportHash,
          stages: started,
        },
        audit: { acceptedHash: parsed.reportHash, stages: started },
        subject: `Rollback ${change.id} accepted; deploying to ${started[0]!.instanceName}`,
        text: `The customer accepted responsibility for downstream effects (report ${parsed.reportHash}). Image revision ${String(started[0]!.revision)} of ${started[0]!.instanceName} is with the deployer.`,
      };
    },
  });
}

/**
 * Regenerates the report (new evidence, index change). A changed hash voids any acceptance in
 * progress: the customer must accept the new report.
 */
export async function refreshRollback(
  store: Store,
  actor: Actor,
  input: ImageChangeRefInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'refresh').permission);
  const parsed = parseInput(ImageChangeRefInput, input, 'report refresh');
  const rebuilt = await rebuiltReport(store, actor, parsed.id);
  const before = await loadChange(readRepo(store), actor, parsed.id, 'rollback');
  const instance = await resolveInstance(store.repos, actor, before.instanceId);
  // A trial that is running or succeeded stays the review's; none, a skipped or a failed one is
  // tried again (planned here, outside the step's transaction: it reads the package source).
  const kept = await keptReviewTrial(store.repos, before);
  const planned = kept === null ? await planReviewTrial(store, instance, before.requests, rebuilt) : null;
  let trial: PlannedReviewTrial | null = null;
  const refreshed = await runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'refresh',
    apply: async (tx, _repo, latest) => {
      let built = kept === null ? rebuilt : withTrialStep(rebuilt, kept);
      if (planned !== null) {
        const settled = await settleReviewTrial(tx, instance, rebuilt, planned);
        built = settled.built;
        await queueReviewTrial(tx, actor, latest, settled.planned);
        trial = settled.planned;
      }
      const hash = built.hash;
      const blocked = built.report.blockers.length > 0;
      return {
        update: {
          report: built.report,
          reportHash: hash,
          // An approval of a report that is no longer approvable falls back to review.
          ...(latest.state === 'approved' && blocked
            ? { state: 'requested' as const, approvedBy: null, approvedHash: null }
            : {}),
        },
        audit: { previousHash: latest.reportHash, changed: hash !== latest.reportHash },
        subject: `Rollback ${latest.id}: report ${hash === latest.reportHash ? 'unchanged' : 'changed'}`,
        text:
          hash === latest.reportHash
            ? 'The report was regenerated; nothing changed.'
            : `The report changed (now ${hash}); acceptance must be given for the new report.`,
      };
    },
  });
  if (trial !== null) startReviewTrial(store, refreshed, trial);
  return refreshed;
}

/**
 * Step 6: the customer validates and confirms resolution. Places a rollback pin (default 14 days)
 * on each requested package and opens a forward-fix follow-up, so the rollback neither silently
 * comes back nor is forgotten.
 */
export async function confirmRollback(
  store: Store,
  actor: Actor,
  input: ResolveInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'confirm').permission);
  const parsed = parseInput(ResolveInput, input, 'rollback confirmation');
  const days = parsed.pinDays ?? DEFAULT_PIN_DAYS;
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'confirm',
    apply: async (tx, repo, change) => {
      const expiresAt = new Date(new Date(tx.now()).getTime() + days * DAY_MS).toISOString();
      const pins = [];
      for (const moved of change.report.review.changes.filter((c) => c.requested)) {
        // The pin and its forward-fix follow-up are about the same package held at the same version.
        const held = {
          tenantId: change.tenantId,
          instanceId: change.instanceId,
          package: moved.name,
          pinnedVersion: moved.to,
          changeId: change.id,
        };
        const pin = await repo.insertPin({ ...held, expiresAt });
        await repo.insertFollowUp(held);
        pins.push(pin);
      }
      const note = stepNote(actor, tx.now(), 'confirm', parsed.note ?? 'Resolved.');
      return {
        update: { state: 'resolved', notes: [...change.notes, note] },
        audit: {
          pins: pins.map((p) => ({ package: p.package, version: p.pinnedVersion, expiresAt: p.expiresAt })),
        },
        subject: `Rollback ${change.id} resolved; ${pins.map((p) => p.package).join(', ')} pinned until ${expiresAt}`,
        text: `The customer confirmed resolution. Upgrades of ${pins.map((p) => `${p.package} (held at ${p.pinnedVersion})`).join(', ')} are refused until ${expiresAt}; a forward-fix follow-up is open until the package moves forward again.`,
      };
    },
  });
}

/** The rollback request's report built again from the instance's image and evidence as they are now. */
async function rebuiltReport(store: Store, actor: Actor, id: string): Promise<BuiltReport> {
  const change = await loadChange(readRepo(store), actor, id, 'rollback');
  const instance = await resolveInstance(store.repos, actor, change.instanceId);
  return buildReport(store, actor, { kind: 'rollback', instance, requests: change.requests, keep: [] });
}

/** The customer reports the rollback did not resolve it: the request reopens with the new information. */
export async function reopenRollback(
  store: Store,
  actor: Actor,
  input: ReopenInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('rollback', 'reopen').permission);
  const parsed = parseInput(ReopenInput, input, 'rollback reopening');
  // The review starts again from today's image, which now holds the rollback: the old report
  // described the state before it and must not be approved into a second, identical revision.
  const rebuilt = await rebuiltReport(store, actor, parsed.id);
  const change = await loadChange(readRepo(store), actor, parsed.id, 'rollback');
  const instance = await resolveInstance(store.repos, actor, change.instanceId);
  const planned = await planReviewTrial(store, instance, change.requests, rebuilt);
  let trial: PlannedReviewTrial | null = null;
  const reopened = await runStep(store, actor, {
    id: parsed.id,
    kind: 'rollback',
    step: 'reopen',
    apply: async (tx, _repo, latest) => {
      const { built, planned: settled } = await settleReviewTrial(tx, instance, rebuilt, planned);
      await queueReviewTrial(tx, actor, latest, settled);
      trial = settled;
      const note = stepNote(actor, tx.now(), 'reopen', parsed.information);
      return {
        update: {
          state: 'requested',
          report: built.report,
          reportHash: built.hash,
          notes: [...latest.notes, note],
          approvedBy: null,
          approvedHash: null,
          acceptedBy: null,
          acceptedHash: null,
        },
        audit: { information: parsed.information, reportHash: built.hash },
        subject: `Rollback ${latest.id} reopened: not resolved`,
        text: `The customer reports the rollback did not resolve the issue: ${parsed.information}. A provider engineer reviews it again.`,
      };
    },
  });
  if (trial !== null) startReviewTrial(store, reopened, trial);
  return reopened;
}
