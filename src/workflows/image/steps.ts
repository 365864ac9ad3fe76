import { ConflictError, NotFoundError, PolicyError } from '../../domain/errors/index.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import { canSeeTenant } from '../../domain/roles/index.js';
import type { ImageContent, PackagePin } from '../../domain/revisions/index.js';
import type { User } from '../../domain/users/index.js';
import { normalizeName } from '../../python/index.js';
import type { Repositories } from '../../store/index.js';
import { recordRevisionInTransaction } from '../revisions.js';
import { imageWorkflowRepository } from './repository.js';
import type { ImageWorkflowRepository } from './repository.js';
import { NEXT_STEPS } from './machine.js';
import type { DeploymentStage, ImageChangeKind, ImageChangeNote, ImageChangeRecord } from './types.js';

/** How refusals and revision reasons name a change: "Rollback request rbr_…", "Upgrade request upg_…". */
function requestLabel(kind: ImageChangeKind): string {
  return kind === 'rollback' ? 'Rollback request' : 'Upgrade request';
}

export function nextOwners(change: ImageChangeRecord): readonly Role[] {
  return NEXT_STEPS[change.kind][change.state]?.roles ?? [];
}

/** An image change step taken in the wrong state: says which step is missing and who owns it. */
export function outOfOrder(change: ImageChangeRecord, attempted: string): ConflictError {
  const next = NEXT_STEPS[change.kind][change.state];
  const label = requestLabel(change.kind);
  const waiting =
    next === undefined
      ? `it is ${change.state} and takes no further steps`
      : `it is ${change.state} and waits for "${next.step}" by ${next.roles.join(' or ')} (policy: "${next.policy}")`;
  return new ConflictError(`${label} ${change.id} cannot "${attempted}" now: ${waiting}.`, {
    policy: 'image-change-order',
    remedy:
      next === undefined
        ? 'Submit a new request if the image needs another change.'
        : `Ask ${next.roles.join(' or ')} to ${next.step} first.`,
    extra: {
      changeId: change.id,
      state: change.state,
      attempted,
      nextStep: next?.step ?? null,
      nextRoles: next?.roles ?? [],
    },
  });
}

/** Loads a change the actor may see; another tenant's change is "not found" (no existence leak). */
export async function loadChange(
  repo: Pick<ImageWorkflowRepository, 'getChange'>,
  actor: Actor,
  id: string,
  kind: ImageChangeKind,
): Promise<ImageChangeRecord> {
  const change = await repo.getChange(id);
  if (change === null || change.kind !== kind || !canSeeTenant(actor, change.tenantId)) {
    throw new NotFoundError(`${requestLabel(kind)} ${id} was not found.`, {
      remedy: `List the instance's ${kind} requests to see the ones you can reach.`,
    });
  }
  return change;
}

/**
 * Policy: "Datacoves validates the request and confirms target version availability": a report that
 * names a blocker cannot be approved. `remedy` is what the kind of change offers instead.
 */
export function assertApprovable(change: ImageChangeRecord, remedy: string): void {
  if (change.report.blockers.length === 0) return;
  throw new PolicyError(
    `${requestLabel(change.kind)} ${change.id} cannot be approved: ${change.report.blockers.join(' ')}`,
    {
      policy: change.kind === 'rollback' ? 'rollback-validation' : 'upgrade-validation',
      remedy,
      extra: { blockers: change.report.blockers },
    },
  );
}

/** A deployment stage planned on `instance`, before its image revision exists. */
export function waitingStage(
  instance: { id: string; name: string },
  purpose: DeploymentStage['purpose'],
): DeploymentStage {
  return {
    instanceId: instance.id,
    instanceName: instance.name,
    purpose,
    revision: null,
    status: 'waiting',
    attempts: 0,
  };
}

/** What a customer said at a step (confirmation, reopening, sign-off), kept on the change. */
export function stepNote(actor: Actor, at: string, step: string, text: string): ImageChangeNote {
  return { at, byUserId: actor.userId, byRole: actor.role, step, text };
}

export function actorOfUser(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

function rollbackOfFor(
  history: { number: number; content: ImageContent; status: string }[],
  pins: Map<string, string>,
  requested: string[],
  currentNumber: number | null,
): number | null {
  const candidates = history.filter((r) => r.status !== 'failed' && r.number !== currentNumber).reverse();
  const match = candidates.find((r) =>
    requested.every((name) =>
      r.content.packages.some((p) => normalizeName(p.name) === name && p.version === pins.get(name)),
    ),
  );
  return match?.number ?? candidates[0]?.number ?? currentNumber;
}

/**
 * Creates the stage's image revision (the planned changes applied to that instance's current pins)
 * and hands it to the deployer: the record deployer waits for `deploy confirm|fail`.
 * "roll back by rolling forward": a rollback is a new revision whose `rollbackOf` names the revision
 * it restores.
 */
export async function startStage(
  tx: Repositories,
  change: ImageChangeRecord,
  stages: DeploymentStage[],
  index: number,
  executor: Actor,
): Promise<DeploymentStage[]> {
  const stage = stages[index]!;
  // A change may deploy to an instance other than its own (a production change tests on its test
  // instance first); that instance may have taken its own request since this change was filed.
  const other = await imageWorkflowRepository(tx).inFlight(stage.instanceId, change.id);
  if (other !== null) throw inFlightConflict(other, stage.instanceName);
  const current = await tx.revisions.current(stage.instanceId, 'image');
  if (current === null) {
    throw new ConflictError(`${stage.instanceName} has no deployed image to change.`, {
      remedy: 'Deploy a first image revision to it, then retry.',
    });
  }
  const base = current.content as ImageContent;
  const moves = new Map<string, string>();
  for (const c of change.report.review.changes) moves.set(normalizeName(c.name), c.to);
  // Each pin carries its files: from the report (read from the source when it was built), else,
  // for a pin that did not move, what the base revision recorded.
  const reported = new Map(
    (change.report.files ?? []).map((entry) => [
      `${normalizeName(entry.name)}==${entry.version}`,
      entry.files,
    ]),
  );
  const withFiles = (pin: PackagePin): PackagePin => {
    const files = reported.get(`${normalizeName(pin.name)}==${pin.version}`) ?? pin.files;
    return files === undefined || files.length === 0
      ? { name: pin.name, version: pin.version }
      : { name: pin.name, version: pin.version, files: [...files] };
  };
  const packages = base.packages.map((pin) => {
    const to = moves.get(normalizeName(pin.name));
    return withFiles(to === undefined ? pin : { name: pin.name, version: to });
  });
  for (const added of change.report.review.added) {
    if (!packages.some((p) => normalizeName(p.name) === normalizeName(added.name)))
      packages.push(withFiles({ ...added }));
  }
  const content: ImageContent = { ...base, index: change.report.source, packages };
  const requested = change.report.review.changes.filter((c) => c.requested).map((c) => normalizeName(c.name));
  const history = (await tx.revisions.list(stage.instanceId, 'image')).map((r) => ({
    number: r.number,
    content: r.content as ImageContent,
    status: r.status,
  }));
  const rollbackOf =
    change.kind === 'rollback' ? rollbackOfFor(history, moves, requested, current.number) : null;
  const revision = await recordRevisionInTransaction(
    tx,
    executor,
    {
      instance: stage.instanceId,
      layer: 'image',
      content,
      reason: `${requestLabel(change.kind)} ${change.id}: ${change.reason}`,
      rollbackOf,
    },
    { viaRollbackRequest: change.kind === 'rollback' },
  );
  return stages.map((s, i) =>
    i === index ? { ...s, revision: revision.number, status: 'pending', attempts: s.attempts + 1 } : s,
  );
}

/** One image change per instance at a time: the second request is told which one is in flight. */
function inFlightConflict(first: ImageChangeRecord, instanceName: string): ConflictError {
  return new ConflictError(
    `${instanceName} already has an image change in flight: ${first.kind} request ${first.id} (${first.state}). One image change per instance at a time.`,
    {
      policy: 'one-image-change-in-flight',
      remedy: `Finish or reject ${first.id} first.`,
      extra: { inFlight: first.id, kind: first.kind, state: first.state },
    },
  );
}

/** Refuses a request on `instance` while another image change is in flight there. */
export async function assertNoChangeInFlight(
  repo: Pick<ImageWorkflowRepository, 'inFlight'>,
  instance: { id: string; name: string },
): Promise<void> {
  const first = await repo.inFlight(instance.id);
  if (first !== null) throw inFlightConflict(first, instance.name);
}

/**
 * The image revision an instance ran before revision `number`: the last deployed one below it
 * (failed revisions never ran). null when there is none.
 */
export async function deployedImageBefore(
  revisions: Repositories['revisions'],
  instanceId: string,
  number: number,
): Promise<number | null> {
  const earlier = (await revisions.list(instanceId, 'image')).filter(
    (r) => r.status === 'deployed' && r.number < number,
  );
  return earlier.at(-1)?.number ?? null;
}
