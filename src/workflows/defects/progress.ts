import type { Defect } from '../../domain/defects/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { PlatformContent } from '../../domain/revisions/index.js';
import { compareSemver } from '../../domain/semver/index.js';
import type { OutboxRepository } from '../../delivery/outbox/index.js';
import type { Repositories } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { hotfixDeployedMessage } from './notifications.js';

async function currentPlatformVersion(tx: Repositories, instanceId: string | null): Promise<string | null> {
  if (instanceId === null) return null;
  const current = await tx.revisions.current(instanceId, 'platform');
  return current === null ? null : (current.content as PlatformContent).version;
}

function runs(version: string | null, release: string): boolean {
  return version !== null && compareSemver(version, release) >= 0;
}

/**
 * Moves a defect with a fixing release as far as deployments allow: fix-in-progress until the release
 * (or a later one, versions only increase) runs on the affected instance's test instance, fix-in-test
 * until it runs on the affected instance, then deployed, which notifies the reporter in the same
 * transaction ("The customer is notified upon successful deployment and resolution").
 */
export async function progressDefect(
  tx: Repositories,
  outbox: OutboxRepository,
  actor: Actor,
  defect: Defect,
  release: string,
): Promise<Defect> {
  const instance = await tx.instances.get(defect.instanceId);
  if (instance === null) return defect;
  const onInstance = await currentPlatformVersion(tx, instance.id);
  const onTest = await currentPlatformVersion(tx, instance.testInstanceId);
  const state = runs(onInstance, release)
    ? 'deployed'
    : runs(onTest, release)
      ? 'fix-in-test'
      : 'fix-in-progress';
  if (state === defect.state && defect.fixedByRelease === release) return defect;
  const now = tx.now();
  const updated = await tx.defects.update(
    defect,
    { state, fixed_by_release: release, ...(state === 'deployed' ? { deployed_at: now } : {}) },
    now,
  );
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: defect.tenantId,
      action: `defect.${state}`,
      target: `defect:${defect.id}`,
      before: { state: defect.state, fixedByRelease: defect.fixedByRelease },
      after: { state, fixedByRelease: release },
    }),
  );
  if (state === 'deployed') {
    const reporter = await tx.users.get(defect.reporterUserId);
    if (reporter !== null)
      await outbox.enqueue(tx.db, hotfixDeployedMessage(updated, reporter, release, instance.name));
  }
  return updated;
}

/** After `release` went live on an instance: every linked, unfinished defect it affects moves on. */
export async function advanceDefectsOnRollout(
  tx: Repositories,
  outbox: OutboxRepository,
  actor: Actor,
  tenantId: string,
): Promise<Defect[]> {
  const moved: Defect[] = [];
  for (const defect of await tx.defects.listAwaitingRollout(tenantId)) {
    const updated = await progressDefect(tx, outbox, actor, defect, defect.fixedByRelease!);
    if (updated !== defect) moved.push(updated);
  }
  return moved;
}
