/*
 * The report's per-project evidence (issue 16): what the trial predicts (dbt run on today's and the
 * candidate image, before anything is deployed) beside what runs observed (the run evidence), each
 * entry labelled with where it comes from. Pure: the workflow passes both in.
 */
import type { ImpactReport, Verdict } from './types.js';

export type EvidenceSource = 'predicted' | 'observed';

/** A trial's verdict for one project, as the trial reports it (src/trial's ProjectTrialResult). */
export interface PredictedProject {
  readonly name: string;
  readonly owners: readonly string[];
  readonly commit: string | null;
  readonly current: { readonly ok: boolean; readonly error: string | null };
  readonly candidate: {
    readonly ok: boolean;
    readonly error: string | null;
    readonly deprecations: readonly {
      readonly code: string;
      readonly name: string;
      readonly message: string;
    }[];
  };
  readonly verdict: Exclude<Verdict, 'unknown'>;
}

export interface ProjectEvidenceEntry {
  readonly source: EvidenceSource;
  readonly verdict: Verdict;
  readonly owners: readonly string[];
  /** Observed: the pipeline whose runs these are; predicted: null. */
  readonly pipeline: string | null;
  /** One plain sentence: the classifier's reason, or what the trial ran. */
  readonly reason: string;
  /** Predicted: the error with the change (or today's, when it fails on both sides). */
  readonly error: string | null;
  readonly deprecations: PredictedProject['candidate']['deprecations'];
  /** Predicted: the commit the trial ran. */
  readonly commit: string | null;
}

export interface ProjectEvidence {
  readonly project: string;
  /** Predicted first, then observed pipelines by name. */
  readonly entries: readonly ProjectEvidenceEntry[];
}

const PREDICTED_REASON: Record<PredictedProject['verdict'], string> = {
  breaks: 'The trial ran it on both images: it works on today’s image and fails on the candidate.',
  fixes: 'The trial ran it on both images: it fails on today’s image and works on the candidate.',
  unaffected: 'The trial ran it on both images: it works on both.',
  'still-broken': 'The trial ran it on both images: it fails on both.',
};

/**
 * Merges the trial's predictions with the observed pipelines, grouped by dbt project (a pipeline
 * with no known project stands alone under its own name). Either side may be missing.
 */
export function mergeProjectEvidence(
  impact: ImpactReport | null,
  predicted: readonly PredictedProject[] | null,
): ProjectEvidence[] {
  const groups = new Map<string, ProjectEvidenceEntry[]>();
  const add = (project: string, entry: ProjectEvidenceEntry): void => {
    groups.set(project, [...(groups.get(project) ?? []), entry]);
  };
  for (const p of predicted ?? []) {
    add(p.name, {
      source: 'predicted',
      verdict: p.verdict,
      owners: [...p.owners],
      pipeline: null,
      reason: PREDICTED_REASON[p.verdict],
      error: p.candidate.error ?? p.current.error,
      deprecations: p.candidate.deprecations,
      commit: p.commit,
    });
  }
  const observed = [...(impact?.pipelines ?? [])].sort((a, b) => a.pipeline.localeCompare(b.pipeline));
  for (const pipeline of observed) {
    add(pipeline.project ?? pipeline.pipeline, {
      source: 'observed',
      verdict: pipeline.verdict,
      owners: [...pipeline.owners],
      pipeline: pipeline.pipeline,
      reason: pipeline.reason,
      error: null,
      deprecations: [],
      commit: pipeline.currentCode,
    });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, entries]) => ({ project, entries }));
}
