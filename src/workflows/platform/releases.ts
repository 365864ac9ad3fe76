import { ConflictError, NotFoundError, PolicyError } from '../../domain/errors/index.js';
import { assertDefectStep } from '../../domain/defects/index.js';
import type { Defect } from '../../domain/defects/index.js';
import {
  assertPlatformVersionIncreases,
  LAYER_POLICIES,
  PLATFORM_FORWARD_REASON,
} from '../../domain/policy/index.js';
import type { PlatformContent } from '../../domain/revisions/index.js';
import { assertCan } from '../../domain/roles/index.js';
import { ACTION_PERMISSION } from '../action-rights.js';
import type { Actor } from '../../domain/roles/index.js';
import { compareSemver } from '../../domain/semver/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import type { OutboxRepository } from '../../delivery/outbox/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { newId } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { advanceDefectsOnRollout, progressDefect } from '../defects/progress.js';
import { findVisibleDefect } from '../defects/records.js';
import { resolveInstance, resolveTenant } from '../references.js';
import { recordRevisionInTransaction } from '../revisions.js';
import { parseInput } from '../schema.js';
import { outboxOf } from '../outbox.js';
import { deployRevisionInTransaction } from './deploy.js';
import { PlatformStatusInput, PublishReleaseInput, RolloutInput } from './schema.js';
import type { InstancePlatformStatus, PlatformRelease, PlatformRollout } from './types.js';

/** Where a customer reports a defect instead of asking for a platform rollback. */
export const REPORT_DEFECT_PATH = '/api/v1/defects';

function releaseNotFound(version: string): NotFoundError {
  return new NotFoundError(`Platform release ${version} was not found.`, {
    remedy:
      'List releases (ratchet platform status, GET /api/v1/platform/releases) to see the published ones.',
  });
}

/** The highest platform version the instance ever took (failed revisions never reached it). */
async function highestPlatformVersion(tx: Repositories, instanceId: string): Promise<string | null> {
  let highest: string | null = null;
  for (const revision of await tx.revisions.list(instanceId, 'platform')) {
    if (revision.status === 'failed') continue;
    const version = (revision.content as PlatformContent).version;
    if (highest === null || compareSemver(version, highest) > 0) highest = version;
  }
  return highest;
}

async function ranRelease(tx: Repositories, instanceId: string, version: string): Promise<boolean> {
  const revisions = await tx.revisions.list(instanceId, 'platform');
  return revisions.some(
    (r) => r.status === 'deployed' && compareSemver((r.content as PlatformContent).version, version) === 0,
  );
}

/**
 * Publishes a platform release. Versions only increase ("These versions cannot be rolled back once
 * upgraded."); a release that names the defects it fixes is a hotfix, "a new forward release that
 * corrects the identified problem", limited by default to the affected instances.
 */
export async function publishRelease(
  store: Store,
  actor: Actor,
  input: PublishReleaseInput,
): Promise<PlatformRelease> {
  assertCan(actor, ACTION_PERMISSION.publishRelease);
  const parsed = parseInput(PublishReleaseInput, input, 'platform release');
  const outbox = outboxOf(store);
  return store.transaction(async (tx) => {
    const released = await tx.platform.listReleases();
    assertPlatformVersionIncreases(released.at(-1)?.version ?? null, parsed.version);
    const defects: Defect[] = [];
    for (const id of [...new Set(parsed.fixes)]) {
      const defect = await findVisibleDefect(tx, actor, id);
      assertDefectStep('link', defect.state, defect.id);
      defects.push(defect);
    }
    let targets: string[] | null = null;
    if (parsed.targets !== undefined) {
      targets = [];
      for (const ref of parsed.targets) targets.push((await resolveInstance(tx, actor, ref)).id);
    } else if (defects.length > 0) {
      targets = [...new Set(defects.map((d) => d.instanceId))];
    }
    const release: PlatformRelease = {
      id: newId('rel'),
      version: parsed.version,
      components: parsed.components,
      notes: parsed.notes,
      fixes: defects.map((d) => d.id),
      targets,
      publishedBy: actor.userId,
      publishedAt: tx.now(),
    };
    await tx.platform.insertRelease(release);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: null,
        action: 'platform.release.publish',
        target: `platform-release:${release.version}`,
        before: null,
        after: release,
      }),
    );
    for (const defect of defects) await progressDefect(tx, outbox, actor, defect, release.version);
    return release;
  });
}

function assertTargeted(release: PlatformRelease, instance: Instance, targets: Instance[]): void {
  if (release.targets === null) return;
  const allowed = new Set(release.targets);
  // Test first applies to hotfixes too: a target's test instance may take the hotfix before it.
  for (const target of targets) if (target.testInstanceId !== null) allowed.add(target.testInstanceId);
  if (allowed.has(instance.id)) return;
  throw new ConflictError(
    `Hotfix ${release.version} is limited to the instances affected by the defects it fixes; ${instance.name} is not one of them.`,
    {
      remedy: `Roll it out to its targets (${targets.map((t) => t.name).join(', ')}) only, or wait for the next regular release.`,
      policy: 'platform-forward-fix',
      extra: { targets: release.targets },
    },
  );
}

function downgradeRefusal(release: PlatformRelease, instance: Instance, highest: string): PolicyError {
  const direction = compareSemver(release.version, highest) === 0 ? 'already runs' : 'already runs the newer';
  return new PolicyError(
    `Rolling out platform release ${release.version} to ${instance.name} is refused: ${instance.name} ${direction} ${highest}, and platform versions only increase. The rollback policy says "${LAYER_POLICIES.platform.reason}" and "${PLATFORM_FORWARD_REASON}"`,
    {
      policy: 'platform-forward-fix',
      remedy: `Report the defect (ratchet defect report, POST ${REPORT_DEFECT_PATH}); the provider ships a hotfix as a new forward release above ${highest}.`,
      extra: {
        instance: instance.name,
        current: highest,
        requested: release.version,
        reportDefect: REPORT_DEFECT_PATH,
      },
    },
  );
}

function testFirstRefusal(release: PlatformRelease, instance: Instance, test: Instance | null): PolicyError {
  const where =
    test === null ? 'it has no test instance' : `its test instance ${test.name} has not run it yet`;
  return new PolicyError(
    `Rolling out platform release ${release.version} to the production instance ${instance.name} is refused: ${where}. The policy says "Test before promoting to production."`,
    {
      policy: 'test-before-production',
      remedy:
        test === null
          ? 'Give the instance a test instance, or ask a provider-admin to override with a reason (audited).'
          : `Roll ${release.version} out to ${test.name} first and validate it; a provider-admin may override with a reason (audited).`,
      extra: { release: release.version, instance: instance.name, testInstance: test?.name ?? null },
    },
  );
}

/**
 * Rolls a published release out to one instance: records a platform revision there (the instance's
 * history stays in `revisions`) and marks it deployed, in one transaction with the rollout row, the
 * audit entries, and the linked defects moving on (whose reporters are notified on deployment).
 */
export async function rolloutRelease(
  store: Store,
  actor: Actor,
  input: RolloutInput,
): Promise<PlatformRollout> {
  assertCan(actor, ACTION_PERMISSION.rollOutRelease);
  const parsed = parseInput(RolloutInput, input, 'rollout');
  if (parsed.override !== undefined) assertCan(actor, 'platform.rollout.override');
  const outbox: OutboxRepository = outboxOf(store);
  return store.transaction(async (tx) => {
    const release = await tx.platform.findRelease(parsed.release);
    if (release === null) throw releaseNotFound(parsed.release);
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const targets: Instance[] = [];
    for (const id of release.targets ?? []) {
      const target = await tx.instances.get(id);
      if (target !== null) targets.push(target);
    }
    assertTargeted(release, instance, targets);
    const highest = await highestPlatformVersion(tx, instance.id);
    if (highest !== null && compareSemver(release.version, highest) <= 0)
      throw downgradeRefusal(release, instance, highest);

    let overrideReason: string | null = null;
    if (instance.kind === 'production') {
      const test = instance.testInstanceId === null ? null : await tx.instances.get(instance.testInstanceId);
      const tested = test !== null && (await ranRelease(tx, test.id, release.version));
      if (!tested) {
        if (parsed.override === undefined) throw testFirstRefusal(release, instance, test);
        overrideReason = parsed.override.reason;
      }
    }

    const reason =
      overrideReason === null
        ? `Platform release ${release.version} rollout`
        : `Platform release ${release.version} rollout (test-first override: ${overrideReason})`;
    const recorded = await recordRevisionInTransaction(tx, actor, {
      instance: instance.id,
      layer: 'platform',
      content: { version: release.version, components: release.components } satisfies PlatformContent,
      reason,
    });
    const revision = await deployRevisionInTransaction(tx, actor, instance, recorded);
    const rollout: PlatformRollout = {
      id: newId('rol'),
      releaseVersion: release.version,
      instanceId: instance.id,
      tenantId: instance.tenantId,
      revisionNumber: revision.number,
      overrideReason,
      actorUserId: actor.userId,
      createdAt: tx.now(),
    };
    await tx.platform.insertRollout({
      id: rollout.id,
      release_id: release.id,
      instance_id: instance.id,
      tenant_id: instance.tenantId,
      revision_number: revision.number,
      override_reason: overrideReason,
      actor_user_id: actor.userId,
      created_at: rollout.createdAt,
    });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: overrideReason === null ? 'platform.rollout' : 'platform.rollout.override',
        target: `platform-release:${release.version}/${instance.id}`,
        before: { version: highest },
        after: { version: release.version, revision: revision.number, overrideReason },
      }),
    );
    await advanceDefectsOnRollout(tx, outbox, actor, instance.tenantId);
    return rollout;
  });
}

/**
 * Every release, as the caller may see it: a customer sees only its own tenant's defect ids in
 * `fixes` and its own instance ids in `targets` (issue 13: a hotfix for another tenant must not
 * reveal that tenant's defects and instances). `targets: []` then reads "not for your instances".
 */
export async function listReleases(store: Store, actor: Actor): Promise<PlatformRelease[]> {
  assertCan(actor, 'platform.read');
  const releases = await store.repos.platform.listReleases();
  if (actor.tenantId === null) return releases;
  const tenantId = actor.tenantId;
  const [defects, instances] = await Promise.all([
    store.repos.defects.idsOfTenant(tenantId),
    store.repos.instances.list(tenantId),
  ]);
  const ownDefects = new Set(defects);
  const ownInstances = new Set(instances.map((instance) => instance.id));
  return releases.map((release) => ({
    ...release,
    fixes: release.fixes.filter((id) => ownDefects.has(id)),
    targets: release.targets === null ? null : release.targets.filter((id) => ownInstances.has(id)),
  }));
}

/** Each visible instance's platform version and the releases it may take next. */
export async function platformStatus(
  store: Store,
  actor: Actor,
  input: PlatformStatusInput = {},
): Promise<InstancePlatformStatus[]> {
  assertCan(actor, 'platform.read');
  const parsed = parseInput(PlatformStatusInput, input, 'platform status query');
  const tenantId =
    parsed.tenant === undefined ? undefined : (await resolveTenant(store.repos, actor, parsed.tenant)).id;
  const scope = tenantId ?? actor.tenantId ?? undefined;
  const instances = await store.repos.instances.list(scope);
  const releases = await store.repos.platform.listReleases();
  const result: InstancePlatformStatus[] = [];
  for (const instance of instances) {
    const current = await store.repos.revisions.current(instance.id, 'platform');
    const currentVersion = current === null ? null : (current.content as PlatformContent).version;
    const available = releases
      .filter((r) => currentVersion === null || compareSemver(r.version, currentVersion) > 0)
      .filter(
        (r) =>
          r.targets === null ||
          r.targets.includes(instance.id) ||
          instances.some((t) => r.targets!.includes(t.id) && t.testInstanceId === instance.id),
      )
      .map((r) => r.version);
    result.push({
      instance: {
        id: instance.id,
        name: instance.name,
        kind: instance.kind,
        tenantId: instance.tenantId,
        testInstanceId: instance.testInstanceId,
      },
      currentVersion,
      currentRevision: current?.number ?? null,
      available,
    });
  }
  return result;
}
