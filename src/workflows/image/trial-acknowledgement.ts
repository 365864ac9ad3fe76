/*
 * Approving a change its trial says breaks a project (issue 16). The trial is part of the review:
 * approval waits while it runs; a trial that predicts breaks, or did not finish, needs an explicit
 * acknowledgement (`acknowledgeBreaks`), which goes into the change's history and audit entry.
 */
import { ConflictError, PolicyError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Repositories } from '../../store/index.js';
import { reviewTrialOf } from './trial-step.js';
import { stepNote } from './steps.js';
import type { ImageChangeNote, ImageChangeRecord, TrialAcknowledgement } from './types.js';

const LABEL = { rollback: 'Rollback request', upgrade: 'Upgrade request' } as const;

function firstLine(text: string | null): string {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Checks the review's trial before an approval. Returns the acknowledgement to record (null when
 * none was needed); throws when the trial still runs, or predicts breaks and `acknowledge` is not true.
 */
export async function assertTrialAcknowledged(
  tx: Repositories,
  change: ImageChangeRecord,
  acknowledge: boolean | undefined,
): Promise<TrialAcknowledgement | null> {
  const trial = await reviewTrialOf(tx, change);
  if (trial === null) return null;
  const label = `${LABEL[change.kind]} ${change.id}`;
  const trialUrl = `/api/v1/instances/${change.instanceId}/image/trials/${trial.id}`;
  const remedy = `If the change must go ahead anyway, approve again with acknowledgeBreaks: true (ratchet ${change.kind} approve ${change.id} --acknowledge-breaks); otherwise reject it and ask the owners to fix forward.`;
  if (trial.state === 'queued' || trial.state === 'running') {
    throw new ConflictError(
      `${label} cannot be approved yet: its trial ${trial.id} is ${trial.state} (${trial.progress.step}, ${String(trial.progress.done)} of ${String(trial.progress.total)}), and its prediction is part of the review.`,
      {
        remedy: `Wait for the trial to finish (GET ${trialUrl}), then approve; or cancel it and approve with acknowledgeBreaks: true.`,
        extra: { trialId: trial.id, trialState: trial.state },
      },
    );
  }
  if (trial.state !== 'succeeded' || trial.result === null) {
    if (acknowledge === true) return { trialId: trial.id, trialState: trial.state, projects: [] };
    throw new PolicyError(
      `${label} cannot be approved without acknowledgement: its trial ${trial.id} ${trial.state === 'cancelled' ? 'was cancelled' : `failed (${firstLine(trial.error)})`}, so nothing predicts what the change does to the registered projects.`,
      {
        policy: 'trial-breaks-acknowledgement',
        remedy,
        extra: { trialId: trial.id, trialState: trial.state },
      },
    );
  }
  const breaks = trial.result.projects.filter((p) => p.verdict === 'breaks');
  if (breaks.length === 0) return null;
  if (acknowledge === true) {
    return { trialId: trial.id, trialState: trial.state, projects: breaks.map((p) => p.name) };
  }
  throw new PolicyError(
    `${label} cannot be approved without acknowledgement: its trial ${trial.id} predicts the change breaks ${breaks
      .map((p) => `${p.name} (${firstLine(p.candidate.error)})`)
      .join('; ')}.`,
    {
      policy: 'trial-breaks-acknowledgement',
      remedy,
      extra: { trialId: trial.id, breaks: breaks.map((p) => p.name) },
    },
  );
}

/** The history entry an acknowledged approval leaves: who, when, which projects. */
export function acknowledgementNote(actor: Actor, at: string, ack: TrialAcknowledgement): ImageChangeNote {
  const text =
    ack.projects.length > 0
      ? `Approved although trial ${String(ack.trialId)} predicts the change breaks ${ack.projects.join(', ')}; the approver acknowledged it.`
      : `Approved although trial ${String(ack.trialId)} ${ack.trialState === 'cancelled' ? 'was cancelled' : 'failed'} (no prediction); the approver acknowledged it.`;
  return stepNote(actor, at, 'acknowledge-breaks', text);
}
