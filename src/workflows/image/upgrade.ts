import { ConflictError, PolicyError } from '../../domain/errors/index.js';
import { assertCan, can } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import { normalizeName, parseRequirement } from '../../python/index.js';
import { appliesAtRoot, targetEnvironment } from '../../resolver/image/index.js';
import type { Store, UserRepository } from '../../store/index.js';
import { readableTime } from '../../domain/time/index.js';
import { impactForChange } from '../evidence/index.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { buildReport } from './report.js';
import { imageWorkflowRepository, readRepo } from './repository.js';
import type { ImageWorkflowRepository } from './repository.js';
import { DecideInput, PromoteInput, RequestUpgradeInput, SignOffInput } from './schema.js';
import {
  actorOfUser,
  assertApprovable,
  assertNoChangeInFlight,
  deployedImageBefore,
  startStage,
  stepNote,
  waitingStage,
} from './steps.js';
import { imageStep, REQUEST_PERMISSION } from './machine.js';
import { openImageChange, runStep } from './transition.js';
import { acknowledgementNote, assertTrialAcknowledged } from './trial-acknowledgement.js';
import { startReviewTrial } from './trial-guidance.js';
import { planReviewTrial, queueReviewTrial, settleReviewTrial } from './trial-step.js';
import type { ImageChangeRecord, RollbackPin } from './types.js';

/** Who asked for and who accepted the rollback that holds a pin, by name (issue 17: not ids). */
interface PinOrigin {
  requestedBy: string;
  acceptedBy: string | null;
}

async function pinOrigins(
  repo: ImageWorkflowRepository,
  users: Pick<UserRepository, 'get'>,
  pins: readonly RollbackPin[],
): Promise<Map<string, PinOrigin>> {
  const nameOf = async (id: string | null): Promise<string | null> =>
    id === null ? null : ((await users.get(id))?.name ?? 'a deleted user');
  const origins = new Map<string, PinOrigin>();
  for (const pin of pins) {
    if (origins.has(pin.changeId)) continue;
    const change = await repo.getChange(pin.changeId);
    if (change === null) continue;
    origins.set(pin.changeId, {
      requestedBy: (await nameOf(change.requestedBy)) ?? 'a deleted user',
      acceptedBy: await nameOf(change.acceptedBy),
    });
  }
  return origins;
}

function pinConflict(
  pins: readonly RollbackPin[],
  origins: ReadonlyMap<string, PinOrigin>,
  instanceName: string,
): ConflictError {
  const list = pins
    .map((p) => {
      const origin = origins.get(p.changeId);
      const who =
        origin === undefined
          ? ''
          : `, requested by ${origin.requestedBy}${origin.acceptedBy === null ? '' : `, accepted by ${origin.acceptedBy}`}`;
      return `${p.package} (held at ${p.pinnedVersion} by rollback ${p.changeId}${who}, confirmed ${readableTime(p.createdAt)}, until ${readableTime(p.expiresAt)})`;
    })
    .join(', ');
  return new ConflictError(
    `Upgrading ${list} on ${instanceName} is refused while the rollback pin holds, so the rollback does not silently come back.`,
    {
      policy: 'rollback-pin',
      remedy:
        'Fix forward in the affected code first (see the open follow-up), and upgrade after the pin expires.',
      extra: {
        pins: pins.map((p) => ({
          package: p.package,
          version: p.pinnedVersion,
          expiresAt: p.expiresAt,
          changeId: p.changeId,
          ...origins.get(p.changeId),
        })),
      },
    },
  );
}

async function assertNotPinned(
  repo: ImageWorkflowRepository,
  users: Pick<UserRepository, 'get'>,
  instanceId: string,
  instanceName: string,
  at: string,
  packages: readonly string[],
): Promise<string[]> {
  const active = await repo.activePins(instanceId, at);
  const names = new Set(packages.map(normalizeName));
  const hit = active.filter((p) => names.has(normalizeName(p.package)));
  if (hit.length > 0) throw pinConflict(hit, await pinOrigins(repo, users, hit), instanceName);
  return active.map((p) => p.package);
}

/**
 * A customer admin (or provider engineer) asks for an upgrade; Ratchet plans it with the resolver
 * (co-upgrades included) and stores the diff and availability check for the provider's approval.
 * Refused while a rollback pin holds any package it would move.
 */
export async function requestUpgrade(
  store: Store,
  actor: Actor,
  input: RequestUpgradeInput,
): Promise<ImageChangeRecord> {
  // The same permission GET /api/v1/me reports (request-rights.ts): the form and the check agree.
  assertCan(actor, REQUEST_PERMISSION.upgrade);
  const parsed = parseInput(RequestUpgradeInput, input, 'upgrade request');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  // A request whose marker is false for the image asks for nothing (pip ignores it), so no pin refuses it.
  const current = await store.repos.revisions.current(instance.id, 'image');
  const env =
    current === null ? null : targetEnvironment({ python: (current.content as ImageContent).python });
  const requested = parsed.requirements
    .map((text) => parseRequirement(text))
    .filter((requirement) => env === null || appliesAtRoot(requirement.marker, env))
    .map((requirement) => requirement.normalizedName);
  const at = store.now().toISOString();
  const keep = await assertNotPinned(
    readRepo(store),
    store.repos.users,
    instance.id,
    instance.name,
    at,
    requested,
  );
  await assertNoChangeInFlight(readRepo(store), instance);
  const reviewed = await buildReport(store, actor, {
    kind: 'upgrade',
    instance,
    requests: parsed.requirements,
    keep,
  });
  const planned = await planReviewTrial(store, instance, parsed.requirements, reviewed);
  const opened = await store.transaction(async (tx) => {
    const repo = imageWorkflowRepository(tx);
    await assertNotPinned(
      repo,
      tx.users,
      instance.id,
      instance.name,
      tx.now(),
      reviewed.report.review.changes.map((c) => c.name),
    );
    const { built, planned: settled } = await settleReviewTrial(tx, instance, reviewed, planned);
    const change = await openImageChange(store, tx, actor, {
      kind: 'upgrade',
      instance,
      requests: parsed.requirements,
      reason: parsed.reason,
      built,
      subject: `Upgrade requested on ${instance.name}: ${parsed.requirements.join(', ')}`,
      text: `${built.report.recommendation}\n\nPlan: ${built.report.review.explanation}`,
    });
    await queueReviewTrial(tx, actor, change, settled);
    return { change, settled };
  });
  startReviewTrial(store, opened.change, opened.settled);
  return opened.change;
}

/**
 * A provider engineer approves: the upgrade goes to the test instance first ("Test before promoting
 * to production"); an instance without a test instance waits for the provider admin's override.
 */
export async function approveUpgrade(
  store: Store,
  actor: Actor,
  input: DecideInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('upgrade', 'approve').permission);
  const parsed = parseInput(DecideInput, input, 'upgrade approval');
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'upgrade',
    step: 'approve',
    apply: async (tx, _repo, change) => {
      assertApprovable(change, 'Reject it with a reason, or request another target.');
      const ack = await assertTrialAcknowledged(tx, change, parsed.acknowledgeBreaks);
      const instance = (await tx.instances.get(change.instanceId))!;
      const base = {
        approvedBy: actor.userId,
        approvedHash: change.reportHash,
        decisionReason: parsed.reason,
        ...(ack === null ? {} : { notes: [...change.notes, acknowledgementNote(actor, tx.now(), ack)] }),
      };
      const acknowledged = ack === null ? {} : { acknowledgedBreaks: ack };
      const test = instance.testInstanceId === null ? null : await tx.instances.get(instance.testInstanceId);
      if (instance.kind === 'production' && test === null) {
        return {
          update: { ...base, state: 'approved' },
          audit: acknowledged,
          subject: `Upgrade ${change.id} approved; ${instance.name} has no test instance`,
          text: 'Production without a test instance needs an explicit provider-admin override (promote --override-no-test-instance).',
        };
      }
      const first = test !== null ? waitingStage(test, 'test') : waitingStage(instance, 'target');
      const stages = await startStage(tx, change, [first], 0, actor);
      return {
        update: { ...base, state: 'deploying', stages },
        audit: { stages, ...acknowledged },
        subject: `Upgrade ${change.id} approved; deploying to ${first.instanceName}`,
        text: `Revision ${String(stages[0]!.revision)} of ${first.instanceName} is with the deployer.`,
      };
    },
  });
}

export async function rejectUpgrade(
  store: Store,
  actor: Actor,
  input: DecideInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('upgrade', 'reject').permission);
  const parsed = parseInput(DecideInput, input, 'upgrade rejection');
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'upgrade',
    step: 'reject',
    apply: (_tx, _repo, change) =>
      Promise.resolve({
        update: { state: 'rejected', decisionReason: parsed.reason },
        subject: `Upgrade ${change.id} rejected`,
        text: parsed.reason,
      }),
  });
}

/**
 * A customer admin signs off on the test instance. With run evidence, every pipeline that
 * succeeded before and now breaks on test must be acknowledged by name; without evidence the
 * sign-off alone suffices.
 */
export async function signOffUpgrade(
  store: Store,
  actor: Actor,
  input: SignOffInput,
): Promise<ImageChangeRecord> {
  assertCan(actor, imageStep('upgrade', 'signoff').permission);
  const parsed = parseInput(SignOffInput, input, 'upgrade sign-off');
  const change = await readRepo(store).getChange(parsed.id);
  const testStage = change?.stages.find((s) => s.purpose === 'test');
  const before =
    testStage === undefined || testStage.revision === null
      ? null
      : await deployedImageBefore(store.repos.revisions, testStage.instanceId, testStage.revision);
  // Judged against what the test instance ran before the upgrade: "breaks" is then a pipeline that
  // succeeded there before and has not succeeded since (the classifier's current side is `before`).
  const impact =
    change !== null && testStage !== undefined && before !== null
      ? await impactForChange(store, actor, {
          instanceId: testStage.instanceId,
          packages: change.report.review.changes.map((c) => ({ name: c.name, from: c.from, to: c.to })),
          currentRevision: before,
        })
      : null;
  const breaking = impact?.pipelines.filter((p) => p.verdict === 'breaks').map((p) => p.pipeline) ?? [];
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'upgrade',
    step: 'signoff',
    apply: (tx, _repo, latest) => {
      const missing = breaking.filter((p) => !(parsed.acknowledge ?? []).includes(p));
      if (missing.length > 0) {
        throw new PolicyError(
          `Sign-off refused: these pipelines succeeded before and fail on the test instance: ${missing.join(', ')}.`,
          {
            policy: 'test-before-production',
            remedy: 'Fix them forward, or acknowledge each by name in the sign-off.',
            extra: { unacknowledged: missing },
          },
        );
      }
      const note = stepNote(actor, tx.now(), 'signoff', parsed.note ?? 'Validated on the test instance.');
      return Promise.resolve({
        update: { state: 'signed-off', notes: [...latest.notes, note] },
        audit: { acknowledged: parsed.acknowledge ?? [], evidence: impact !== null },
        subject: `Upgrade ${latest.id} signed off on the test instance`,
        text: 'It may now be promoted to production.',
      });
    },
  });
}

/**
 * Promotes to production: after the test sign-off, or (no test instance) with the provider admin's
 * explicit, audited override.
 */
export async function promoteUpgrade(
  store: Store,
  actor: Actor,
  input: PromoteInput,
): Promise<ImageChangeRecord> {
  const parsed = parseInput(PromoteInput, input, 'upgrade promotion');
  const override = parsed.overrideNoTestInstance === true;
  assertCan(actor, imageStep('upgrade', override ? 'override' : 'promote').permission);
  return runStep(store, actor, {
    id: parsed.id,
    kind: 'upgrade',
    step: override ? 'override' : 'promote',
    apply: async (tx, _repo, change) => {
      const approver = await tx.users.get(change.approvedBy ?? '');
      const executor =
        override || approver === null || !can(actorOfUser(approver), 'revision.record.image')
          ? actor
          : actorOfUser(approver);
      const stage = waitingStage({ id: change.instanceId, name: change.report.instance.name }, 'production');
      const stages = await startStage(tx, change, [...change.stages, stage], change.stages.length, executor);
      return {
        update: { state: 'deploying', stages },
        audit: { override, reason: parsed.reason ?? null },
        subject: `Upgrade ${change.id} promoted to ${stage.instanceName}${override ? ' (provider-admin override: no test instance)' : ''}`,
        text: `Revision ${String(stages.at(-1)!.revision)} of ${stage.instanceName} is with the deployer.`,
      };
    },
  });
}
