/*
 * Targeted forward-fix guidance (issue 16): once a review's trial finished, each owner of a project
 * the change would break, or that fails today and would keep failing after it (still broken), or
 * for which dbt reports deprecations with the change, gets one message with their own projects'
 * errors and deprecations and what the policy asks of them. Nobody else is told: owners of projects
 * the change leaves working without deprecations, or fixes, get nothing.
 */
import { createOutboxRepository } from '../../delivery/outbox/index.js';
import type { Receiver } from '../../delivery/outbox/index.js';
import type { Store } from '../../store/index.js';
import type { ProjectTrialResult } from '../../trial/index.js';
import { DEFAULT_IMAGE_NOTIFICATIONS, usersNamedByOwner } from './notify.js';
import type { ImageNotificationConfig } from './notify.js';
import { imageWorkflowRepository } from './repository.js';
import { dispatchReviewTrial, reviewTrialOf } from './trial-step.js';
import type { PlannedReviewTrial } from './trial-step.js';
import type { ImageChangeKind, ImageChangeRecord } from './types.js';

/** The policy's words (shared/policy/rollback-strategy.txt, "Recommended Approach"). */
export const TARGETED_FIXES =
  'Apply targeted fixes. Affected users should update their own code to accommodate the new package version, preserving environmental consistency and avoiding new failures for users who have already adapted.';

/** Whether a project's owners are told, and why. */
export function needsGuidance(project: ProjectTrialResult): boolean {
  return (
    project.verdict === 'breaks' ||
    project.verdict === 'still-broken' ||
    project.candidate.deprecations.length > 0
  );
}

function asks(kind: ImageChangeKind, project: ProjectTrialResult): string {
  if (project.verdict === 'breaks') {
    return kind === 'rollback'
      ? 'Your project works today and fails on the rolled-back image: your code was adapted to the newer version. The policy prefers targeted fixes to a rollback; tell the requester and the provider engineer reviewing it before it is approved, since a rollback that goes ahead leaves fixing this to the customer.'
      : 'Your project works today and fails on the upgraded image. Update your code for the new version now: the upgrade goes to the test instance first, and this is the failure you would see there.';
  }
  if (project.verdict === 'still-broken') {
    return kind === 'rollback'
      ? 'Your project fails today and would still fail after this rollback: the rollback does not fix it. Fix it forward, in your own code, for the version the image runs today.'
      : 'Your project fails today and would still fail after this upgrade. Fix it in your own code.';
  }
  return 'Your project keeps working, but dbt reports deprecations with the change: fix them before a later version makes them errors.';
}

function projectText(kind: ImageChangeKind, project: ProjectTrialResult): string {
  const lines = [
    `Project ${project.name}${project.commit === null ? '' : ` (commit ${project.commit.slice(0, 12)})`}: ${project.verdict}.`,
    asks(kind, project),
  ];
  if (project.current.error !== null) lines.push(`Today it fails with:\n${project.current.error}`);
  if (project.candidate.error !== null)
    lines.push(`With the change it fails with:\n${project.candidate.error}`);
  if (project.candidate.deprecations.length > 0) {
    lines.push(
      `Deprecations dbt reports with the change:\n${project.candidate.deprecations
        .map((d) => `- ${d.code} ${d.name}: ${d.message}`)
        .join('\n')}`,
    );
  }
  return lines.join('\n');
}

/**
 * One outbox message per owner of a project that needs guidance, with that owner's projects only.
 * An owner reaches the tenant's users it names, or its address as given when it names none (not
 * an address of another tenant's user). Returns how many messages were enqueued.
 */
export async function notifyTrialOwners(
  store: Store,
  changeId: string,
  trialId: string,
  config: ImageNotificationConfig = DEFAULT_IMAGE_NOTIFICATIONS,
): Promise<number> {
  return store.transaction(async (tx) => {
    const change = await imageWorkflowRepository(tx).getChange(changeId);
    // A change rejected while its trial ran asks nothing of anyone any more.
    if (change === null || change.report.trial?.id !== trialId || change.state === 'rejected') return 0;
    const trial = await reviewTrialOf(tx, change);
    if (trial === null || trial.state !== 'succeeded' || trial.result === null) return 0;
    const byOwner = new Map<string, ProjectTrialResult[]>();
    for (const project of trial.result.projects.filter(needsGuidance)) {
      for (const owner of project.owners) {
        const key = owner.trim().toLowerCase();
        if (key === '') continue;
        byOwner.set(key, [...(byOwner.get(key) ?? []), project]);
      }
    }
    if (byOwner.size === 0) return 0;
    const tenantUsers = await tx.users.list(change.tenantId);
    const outsideTenant = new Set(
      (await tx.users.list())
        .filter((u) => u.tenantId !== change.tenantId && u.email !== null)
        .map((u) => u.email!.trim().toLowerCase()),
    );
    const outbox = createOutboxRepository({ db: store.db, engine: store.engine, now: () => store.now() });
    let enqueued = 0;
    for (const [owner, projects] of byOwner) {
      const receivers = receiversOf(owner, tenantUsers, outsideTenant, config);
      if (receivers.length === 0) continue;
      const names = projects.map((p) => p.name).join(', ');
      const result = await outbox.enqueue(tx.db, {
        topic: `image.${change.kind}.trial-guidance`,
        eventId: `${change.id}:trial:${trialId}:${owner}`,
        receivers,
        subject: `Your dbt project ${names} and the ${change.kind} on ${change.report.instance.name}`,
        text: guidanceText(change, trialId, projects),
        data: {
          changeId: change.id,
          kind: change.kind,
          instanceId: change.instanceId,
          trialId,
          owner,
          projects: projects.map((p) => ({
            name: p.name,
            verdict: p.verdict,
            error: p.candidate.error ?? p.current.error,
            deprecations: p.candidate.deprecations.map((d) => d.code),
          })),
        },
      });
      enqueued += result.enqueued;
    }
    return enqueued;
  });
}

function receiversOf(
  owner: string,
  tenantUsers: Parameters<typeof usersNamedByOwner>[1],
  outsideTenant: ReadonlySet<string>,
  config: ImageNotificationConfig,
): Receiver[] {
  const named = usersNamedByOwner(owner, tenantUsers).filter((u) => u.email !== null);
  if (named.length > 0) {
    return named.map((u) => ({ id: `user:${u.id}`, channel: config.emailChannel, address: u.email! }));
  }
  if (owner.includes('@') && !outsideTenant.has(owner)) {
    return [{ id: `owner:${owner}`, channel: config.emailChannel, address: owner }];
  }
  return [];
}

function guidanceText(change: ImageChangeRecord, trialId: string, projects: ProjectTrialResult[]): string {
  return [
    `The ${change.kind} of ${change.requests.join(', ')} on ${change.report.instance.name} (request ${change.id}) was tried on your dbt projects before anyone runs it (trial ${trialId}).`,
    ...projects.map((p) => projectText(change.kind, p)),
    `What the policy asks of you: ${TARGETED_FIXES}`,
  ].join('\n\n');
}

/**
 * The runner's `onFinished` for every trial it runs: when the trial is a review's (the change whose
 * report names it), its owners get their guidance; a trial started by hand asks nothing of anyone.
 * Idempotent (the outbox keeps one message per trial and owner), so a trial finished on one server
 * and noticed again on another tells nobody twice. Returns how many messages were enqueued.
 */
export async function notifyReviewTrialOwners(store: Store, trialId: string): Promise<number> {
  const trial = await store.repos.imageTrials.get(trialId);
  if (trial === null) return 0;
  const changes = await imageWorkflowRepository(store.repos).listChanges({
    instanceId: trial.instance_id,
  });
  const change = changes.find((c) => c.report.trial?.id === trialId);
  return change === undefined ? 0 : notifyTrialOwners(store, change.id, trialId);
}

/**
 * After the request's transaction: runs the review's trial; its runner's `onFinished`
 * (notifyReviewTrialOwners) then tells the owners who must act.
 */
export function startReviewTrial(store: Store, change: ImageChangeRecord, planned: PlannedReviewTrial): void {
  void dispatchReviewTrial(store, planned).catch((error: unknown) => {
    // Off the request path: nobody awaits this, so a failure is reported rather than lost.
    process.emitWarning(`The review trial of ${change.id} could not finish: ${String(error)}`);
  });
}
