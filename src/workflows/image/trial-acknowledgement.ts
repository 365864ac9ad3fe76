/*
 * Approving a change its trial says breaks a project (issue 16). The trial is part of the review:
 * approval waits while it runs; a trial that predicts breaks, or did not finish, needs an explicit
 * acknowledgement (`acknowledgeBreaks`), which goes into the change's history and audit entry.
 */
import { ConflictError, PolicyError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Repositories } from '../../store/index.js';
import type { TrialView } from '../trial/index.js';
import { reviewTrialOf } from './trial-step.js';
import { stepNote } from './steps.js';
import type { ImageChangeNote, ImageChangeRecord, TrialAcknowledgement } from './types.js';

type ProjectTrialResult = NonNullable<TrialView['result']>['projects'][number];

const LABEL = { rollback: 'Rollback request', upgrade: 'Upgrade request' } as const;

function firstLine(text: string | null): string {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * What the review's trial means for an approval: nothing (no trial, or it predicts no break), wait
 * (it still runs), or an acknowledgement of the projects it says break (none named when it gave no
 * prediction). The approval's check and the approve step the API offers both read this.
 */
export type TrialVerdictForApproval =
  | { need: 'nothing' }
  | { need: 'wait'; trial: TrialView }
  | { need: 'acknowledgement'; trial: TrialView; breaks: ProjectTrialResult[] };

export function trialVerdictForApproval(trial: TrialView | null): TrialVerdictForApproval {
  if (trial === null) return { need: 'nothing' };
  if (trial.state === 'queued' || trial.state === 'running') return { need: 'wait', trial };
  if (trial.state !== 'succeeded' || trial.result === null) {
    return { need: 'acknowledgement', trial, breaks: [] };
  }
  const breaks = trial.result.projects.filter((p) => p.verdict === 'breaks');
  return breaks.length === 0 ? { need: 'nothing' } : { need: 'acknowledgement', trial, breaks };
}

/**
 * The sentence an approver ticks before approving (sent as `acknowledgeBreaks: true`); null when
 * the approval needs none (or cannot be given yet: the trial runs).
 */
export function acknowledgementStatement(verdict: TrialVerdictForApproval): string | null {
  if (verdict.need !== 'acknowledgement') return null;
  if (verdict.breaks.length === 0) {
    return `The trial ${verdict.trial.state === 'cancelled' ? 'was cancelled' : 'failed'}: I approve without its prediction.`;
  }
  return `I acknowledge that the trial predicts this change breaks ${verdict.breaks.map((p) => p.name).join(', ')}.`;
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
  const verdict = trialVerdictForApproval(await reviewTrialOf(tx, change));
  if (verdict.need === 'nothing') return null;
  const { trial } = verdict;
  const label = `${LABEL[change.kind]} ${change.id}`;
  const trialUrl = `/api/v1/instances/${change.instanceId}/image/trials/${trial.id}`;
  const remedy = `If the change must go ahead anyway, approve again with acknowledgeBreaks: true (ratchet ${change.kind} approve ${change.id} --acknowledge-breaks); otherwise reject it and ask the owners to fix forward.`;
  if (verdict.need === 'wait') {
    throw new ConflictError(
      `${label} cannot be approved yet: its trial ${trial.id} is ${trial.state} (${trial.progress.step}, ${String(trial.progress.done)} of ${String(trial.progress.total)}), and its prediction is part of the review.`,
      {
        remedy: `Wait for the trial to finish (GET ${trialUrl}), then approve; or cancel it and approve with acknowledgeBreaks: true.`,
        extra: { trialId: trial.id, trialState: trial.state },
      },
    );
  }
  const { breaks } = verdict;
  if (acknowledge === true) {
    return { trialId: trial.id, trialState: trial.state, projects: breaks.map((p) => p.name) };
  }
  if (breaks.length === 0) {
    throw new PolicyError(
      `${label} cannot be approved without acknowledgement: its trial ${trial.id} ${trial.state === 'cancelled' ? 'was cancelled' : `failed (${firstLine(trial.error)})`}, so nothing predicts what the change does to the registered projects.`,
      {
        policy: 'trial-breaks-acknowledgement',
        remedy,
        extra: { trialId: trial.id, trialState: trial.state },
      },
    );
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
