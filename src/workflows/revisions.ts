import { ConflictError, InputError, NotFoundError, PolicyError } from '../domain/errors/index.js';
import type { Layer } from '../domain/layers/index.js';
import {
  assertImageRevisionIsForward,
  assertPlatformVersionIncreases,
  findPackageDowngrades,
  rollbackRefusal,
} from '../domain/policy/index.js';
import { compareSemver } from '../domain/semver/index.js';
import { nextDeploymentStatus, parseRevisionContent } from '../domain/revisions/index.js';
import type { DeploymentEvent, ImageContent, PlatformContent, Revision } from '../domain/revisions/index.js';
import { assertCan, assertTenantVisible } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Instance } from '../domain/tenancy/index.js';
import { compareVersions, isValidVersion } from '../python/version/index.js';
import type { Repositories, Store } from '../store/index.js';
import { auditedBy } from './audit.js';
import { resolveInstance } from './references.js';
import {
  AttemptRollbackInput,
  CurrentRevisionInput,
  ListRevisionsInput,
  MarkRevisionInput,
  parseInput,
  RecordRevisionInput,
  RevisionRefInput,
} from './schema.js';
import type { RecordRevisionOptions } from './types.js';

function revisionTarget(instanceId: string, layer: Layer, number: number): string {
  return `revision:${instanceId}/${layer}/${number}`;
}

async function checkPlatformForward(
  tx: Repositories,
  instance: Instance,
  content: PlatformContent,
): Promise<void> {
  // Failed releases never reached the platform, so re-releasing their version is a retry, not a downgrade.
  const released = (await tx.revisions.list(instance.id, 'platform')).filter((r) => r.status !== 'failed');
  let highest: string | null = null;
  for (const revision of released) {
    const version = (revision.content as PlatformContent).version;
    if (highest === null || compareSemver(version, highest) > 0) highest = version;
  }
  assertPlatformVersionIncreases(highest, content.version);
}

async function checkImageForward(
  tx: Repositories,
  instance: Instance,
  content: ImageContent,
  rollbackOf: number | null,
  viaRollbackRequest: boolean,
): Promise<void> {
  const invalid = content.packages.filter((pin) => !isValidVersion(pin.version));
  if (invalid.length > 0) {
    throw new InputError(
      `Not PEP 440 versions: ${invalid.map((p) => `${p.name}==${p.version}`).join(', ')}.`,
      {
        remedy: 'Pin every package to an exact PEP 440 version, e.g. dbt-core 1.11.2.',
      },
    );
  }
  const history = (await tx.revisions.list(instance.id, 'image')).filter((r) => r.status !== 'failed');
  if (rollbackOf !== null && viaRollbackRequest && !history.some((r) => r.number === rollbackOf)) {
    throw new InputError(`Image revision ${rollbackOf} does not exist, so it cannot be restored.`);
  }
  const current = await tx.revisions.current(instance.id, 'image');
  assertImageRevisionIsForward({
    history: history.map((r) => ({ number: r.number, content: r.content as ImageContent })),
    currentNumber: current?.number ?? null,
    content,
    rollbackOf,
    downgrades:
      current === null
        ? []
        : findPackageDowngrades(current.content as ImageContent, content, compareVersions),
    viaRollbackRequest,
  });
}

/**
 * `recordRevision` inside a caller's transaction, for workflows that record a revision together with
 * their own rows (the image rollback request passes `viaRollbackRequest: true` after review).
 */
export async function recordRevisionInTransaction(
  tx: Repositories,
  actor: Actor,
  input: RecordRevisionInput,
  options: RecordRevisionOptions = {},
): Promise<Revision> {
  const parsed = parseInput(RecordRevisionInput, input, 'revision');
  assertCan(actor, `revision.record.${parsed.layer}`);
  const content = parseRevisionContent(parsed.layer, parsed.content);
  const rollbackOf = parsed.rollbackOf ?? null;
  const viaRollbackRequest = options.viaRollbackRequest === true;

  const instance = await resolveInstance(tx, actor, parsed.instance);
  const latest = await tx.revisions.latestNumber(instance.id, parsed.layer);
  if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== latest) {
    throw new ConflictError(
      `You expected revision ${parsed.expectedRevision} to be the latest ${parsed.layer} revision of ${instance.name}, but it is ${latest}: someone else recorded a change; reload and retry.`,
      {
        remedy: `Review revision ${latest}, then record yours with expectedRevision ${latest}.`,
        extra: { expectedRevision: parsed.expectedRevision, latestRevision: latest },
      },
    );
  }
  const current = await tx.revisions.current(instance.id, parsed.layer);
  if (parsed.layer === 'image') {
    await checkImageForward(tx, instance, content as ImageContent, rollbackOf, viaRollbackRequest);
  } else if (rollbackOf !== null) {
    // Only image rollbacks exist at all; on the other layers `rollbackOf` is a rollback attempt.
    throw rollbackRefusal({
      layer: parsed.layer,
      instanceName: instance.name,
      toRevision: rollbackOf,
      currentRevision: current?.number ?? null,
    });
  }
  if (parsed.layer === 'platform') await checkPlatformForward(tx, instance, content as PlatformContent);
  // After the stale and downgrade checks: those refusals say more than "use the workflow".
  if (options.onboardingOnly === true && parsed.layer !== 'image')
    await assertOnboarding(tx, instance, parsed.layer);

  const revision = await tx.revisions.append(
    {
      instanceId: instance.id,
      tenantId: instance.tenantId,
      layer: parsed.layer,
      actorUserId: actor.userId,
      actorRole: actor.role,
      reason: parsed.reason,
      content,
      rollbackOf,
    },
    latest,
  );
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: instance.tenantId,
      action: 'revision.record',
      target: revisionTarget(instance.id, revision.layer, revision.number),
      before: { latestRevision: latest, currentRevision: current?.number ?? null },
      after: {
        number: revision.number,
        status: revision.status,
        reason: revision.reason,
        content: revision.content,
        rollbackOf: revision.rollbackOf,
      },
    }),
  );
  return revision;
}

/**
 * Records the next revision of one layer of an instance, `pending` until a deployer confirms it.
 * Refuses (PolicyError) a platform version that does not increase and, outside the rollback-request
 * workflow, an image revision that restores older pins or downgrades a package.
 */
export async function recordRevision(
  store: Store,
  actor: Actor,
  input: RecordRevisionInput,
  options: RecordRevisionOptions = {},
): Promise<Revision> {
  // Validate before taking the writer lock: bad input must not queue behind other writers.
  const parsed = parseInput(RecordRevisionInput, input, 'revision');
  assertCan(actor, `revision.record.${parsed.layer}`);
  parseRevisionContent(parsed.layer, parsed.content);
  return store.transaction((tx) => recordRevisionInTransaction(tx, actor, parsed, options));
}

/**
 * A revision recorded directly by a person (`POST .../layers/{layer}/revisions`), not by a
 * workflow: as `recordRevision`, and on the platform and infrastructure layers only as the
 * instance's first revision of the layer (onboarding); later ones come from their workflows.
 */
export async function recordDirectRevision(
  store: Store,
  actor: Actor,
  input: RecordRevisionInput,
): Promise<Revision> {
  return recordRevision(store, actor, input, { onboardingOnly: true });
}

/**
 * Platform and infrastructure revisions come from their workflows: a published release rolled out
 * test instance first (`platform rollout`), a change both parties signed off (`infra apply`). A
 * direct revision only records what an instance already runs when it is onboarded: its first one.
 */
async function assertOnboarding(
  tx: Repositories,
  instance: Instance,
  layer: 'platform' | 'infrastructure',
): Promise<void> {
  // A failed revision never ran: onboarding may be recorded again after one.
  const ran = (await tx.revisions.list(instance.id, layer)).filter((r) => r.status !== 'failed');
  const latest = ran.at(-1);
  if (latest === undefined) return;
  if (layer === 'platform') {
    throw new PolicyError(
      `${instance.name} already runs platform revision ${latest.number}: a later platform version reaches it only as a published release, rolled out to its test instance first.`,
      {
        policy: 'platform-via-release',
        remedy:
          'Publish the release (ratchet platform release <version>) and roll it out (ratchet platform rollout <version> <instance>). A direct revision only records what an instance runs when it is onboarded.',
        extra: { layer, latestRevision: latest.number },
      },
    );
  }
  throw new PolicyError(
    `${instance.name} already has infrastructure revision ${latest.number}: a later change is applied only as a planned change that a provider and a customer tested and signed off.`,
    {
      policy: 'infrastructure-tested-by-both',
      remedy:
        'Plan the change (ratchet infra plan), record both sign-offs (ratchet infra signoff), then apply it (ratchet infra apply --acknowledge-irreversible). A direct revision only records what an instance runs when it is onboarded.',
      extra: { layer, latestRevision: latest.number },
    },
  );
}

async function markRevision(
  store: Store,
  actor: Actor,
  input: MarkRevisionInput,
  event: DeploymentEvent,
): Promise<Revision> {
  assertCan(actor, 'revision.deploy');
  const parsed = parseInput(MarkRevisionInput, input, 'revision reference');
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const revision = await tx.revisions.get(instance.id, parsed.layer, parsed.number);
    if (revision === null) throw revisionNotFound(instance, parsed.layer, parsed.number);
    const status = nextDeploymentStatus(revision.status, event);
    if (status === 'deployed') {
      const current = await tx.revisions.current(instance.id, parsed.layer);
      if (current !== null && current.number > revision.number) {
        // Deploying an older pending revision over a newer deployed one would be a rollback.
        throw new ConflictError(
          `Revision ${revision.number} is older than the deployed revision ${current.number}; it can no longer be deployed.`,
          { remedy: 'Mark it failed and record a new revision instead.', extra: { current: current.number } },
        );
      }
    }
    const updated = await tx.revisions.setStatus(
      revision.id,
      parsed.expectedVersion ?? revision.version,
      status,
    );
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: `revision.${status}`,
        target: revisionTarget(instance.id, parsed.layer, parsed.number),
        before: { status: revision.status, version: revision.version },
        after: { status: updated.status, version: updated.version },
      }),
    );
    return updated;
  });
}

/** The deployer confirms the revision is live: it becomes the layer's current revision. */
export function markRevisionDeployed(
  store: Store,
  actor: Actor,
  input: MarkRevisionInput,
): Promise<Revision> {
  return markRevision(store, actor, input, 'deployed');
}

/** The deployer reports the revision did not go live; the current revision stays as it was. */
export function markRevisionFailed(store: Store, actor: Actor, input: MarkRevisionInput): Promise<Revision> {
  return markRevision(store, actor, input, 'failed');
}

function revisionNotFound(instance: Instance, layer: Layer, number: number): NotFoundError {
  return new NotFoundError(`Revision ${number} of the ${layer} layer of ${instance.name} was not found.`, {
    remedy: 'List the revisions to see which exist.',
  });
}

/** The instance's revisions, oldest first, grouped by layer (infrastructure, image, platform order). */
/** A revision as listed: who recorded it by name, not just by role (issue 7: "who, when, why"). */
export type ListedRevision = Revision & { actorName: string | null };

export async function listRevisions(
  store: Store,
  actor: Actor,
  input: ListRevisionsInput,
): Promise<ListedRevision[]> {
  assertCan(actor, 'revision.read');
  const parsed = parseInput(ListRevisionsInput, input, 'revision query');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const revisions = await store.repos.revisions.list(instance.id, parsed.layer);
  // A handful of distinct recorders per instance: one lookup each. A deleted user shows as null.
  const ids = [...new Set(revisions.map((r) => r.actorUserId))];
  const users = await Promise.all(ids.map((id) => store.repos.users.get(id)));
  const names = new Map(ids.map((id, i) => [id, users[i]?.name ?? null]));
  return revisions.map((revision) => ({ ...revision, actorName: names.get(revision.actorUserId) ?? null }));
}

export async function getRevision(store: Store, actor: Actor, input: RevisionRefInput): Promise<Revision> {
  assertCan(actor, 'revision.read');
  const parsed = parseInput(RevisionRefInput, input, 'revision reference');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const revision = await store.repos.revisions.get(instance.id, parsed.layer, parsed.number);
  if (revision === null) throw revisionNotFound(instance, parsed.layer, parsed.number);
  assertTenantVisible(actor, revision.tenantId, `Revision ${parsed.number}`);
  return revision;
}

/** The layer's current revision: the last deployed one; null before the first deployment. */
export async function getCurrentRevision(
  store: Store,
  actor: Actor,
  input: CurrentRevisionInput,
): Promise<Revision | null> {
  assertCan(actor, 'revision.read');
  const parsed = parseInput(CurrentRevisionInput, input, 'revision query');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  return store.repos.revisions.current(instance.id, parsed.layer);
}

/**
 * "Roll this layer back to revision N": always refused with the policy's explanation. Infrastructure
 * and platform never go back; an image goes back only through a rollback request (last resort).
 * Nothing is written.
 */
export async function attemptRollback(
  store: Store,
  actor: Actor,
  input: AttemptRollbackInput,
): Promise<never> {
  assertCan(actor, 'rollback.attempt');
  const parsed = parseInput(AttemptRollbackInput, input, 'rollback');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const target = await store.repos.revisions.get(instance.id, parsed.layer, parsed.toRevision);
  if (target === null) throw revisionNotFound(instance, parsed.layer, parsed.toRevision);
  const current = await store.repos.revisions.current(instance.id, parsed.layer);
  throw rollbackRefusal({
    layer: parsed.layer,
    instanceName: instance.name,
    toRevision: parsed.toRevision,
    currentRevision: current?.number ?? null,
  });
}
