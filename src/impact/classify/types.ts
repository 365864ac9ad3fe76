import type { DeclaredConstraint } from '../dbt/index.js';
import type { RunEvidence, RunOutcome } from '../evidence/index.js';

/** What a change does to a pipeline. `unknown` is never counted as safe. */
export type Verdict = 'breaks' | 'fixes' | 'unaffected' | 'still-broken' | 'unknown';

/** Why a verdict was reached; a reader weighs `constraint` (certain) above `adapted` (inferred). */
export type VerdictBasis =
  | 'constraint'
  | 'same-code'
  | 'failed-on-target'
  | 'adapted'
  | 'no-current-runs'
  | 'no-target-runs'
  | 'other-code-only'
  | 'untracked-code'
  | 'too-few-runs';

export type ChangeDirection = 'rollback' | 'upgrade' | 'change';

/** One package moving: `to` is an exact version or a PEP 440 specifier set (`==1.10.*`). */
export interface PackageChange {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

export interface ChangeRequest {
  readonly packages: readonly PackageChange[];
  /** Inferred from the versions when left out. */
  readonly direction?: ChangeDirection;
}

export interface RevisionPins {
  readonly revision: number;
  readonly packages: Readonly<Record<string, string>>;
}

/**
 * The evidence fields the classifier reads. A `RunEvidence` is one; the store selects only these
 * columns (never the raw event) when it loads an instance's runs for a report.
 */
export type ClassifiedEvidence = Pick<
  RunEvidence,
  | 'idempotencyKey'
  | 'eventTime'
  | 'runId'
  | 'parentRunId'
  | 'ownerSource'
  | 'jobName'
  | 'pipeline'
  | 'pipelineRunId'
  | 'project'
  | 'imageRevision'
  | 'codeRevision'
  | 'owners'
  | 'outcome'
>;

export interface ClassifyInput {
  readonly change: ChangeRequest;
  /**
   * Evidence of ONE instance, every event type: START and RUNNING events carry the owners and
   * facts terminal events leave out (attributeRuns); only terminal events decide outcomes.
   */
  readonly runs: readonly ClassifiedEvidence[];
  readonly revisions: readonly RevisionPins[];
  readonly currentRevision: number;
  readonly constraints?: readonly DeclaredConstraint[];
  readonly now: Date | string;
  readonly windowDays?: number;
  readonly minRuns?: number;
}

/** Which side of the change a run's revision sits on. */
export type RunSide = 'current' | 'target';

/** One pipeline run (a DAG run with its tasks and dbt runs) cited as evidence. */
export interface EvidenceRun {
  /** The pipeline run id: the root (DAG) run id when known. */
  readonly runId: string;
  /** When it ended (its latest terminal event). */
  readonly at: string;
  readonly outcome: RunOutcome;
  readonly imageRevision: number;
  readonly codeRevision: string | null;
  readonly side: RunSide;
}

/** One job (an Airflow task or DAG, a dbt run, model or query) seen in the window, judged alone. */
export interface JobImpact {
  readonly job: string;
  /** Its latest run's owners, gathered by run (docs/evidence.md "Attribution"); empty: nobody known. */
  readonly owners: readonly string[];
  readonly verdict: Verdict;
  readonly basis: VerdictBasis;
  readonly reason: string;
}

export interface PipelineImpact {
  readonly pipeline: string;
  /** Everyone who owns one of its jobs, sorted. */
  readonly owners: readonly string[];
  /** Every job seen in the window; the pipeline's verdict is derived from them (PIPELINE_ORDER). */
  readonly jobs: readonly JobImpact[];
  readonly project: string | null;
  readonly verdict: Verdict;
  readonly basis: VerdictBasis;
  /** One plain sentence a customer admin can read. */
  readonly reason: string;
  /** Code revision of the latest run on the current side, null when unreported. */
  readonly currentCode: string | null;
  /** For `adapted`: when the current code first succeeded on the current versions. */
  readonly adaptedAt: string | null;
  /** The runs the reason cites, oldest first. */
  readonly evidence: readonly EvidenceRun[];
  readonly runCounts: {
    readonly current: number;
    readonly target: number;
    readonly targetWithCurrentCode: number;
  };
  readonly excludedBy: DeclaredConstraint | null;
}

export type VerdictCounts = Readonly<Record<Verdict, number>>;

export interface GroupImpact {
  /**
   * The user (or project); null when no owner (or project) is known. For a user, each pipeline
   * counts once, with the verdict derived from the jobs that user owns in it.
   */
  readonly key: string | null;
  readonly counts: VerdictCounts;
  readonly pipelines: Readonly<Record<Verdict, readonly string[]>>;
}

export interface AffectedUser {
  readonly user: string;
  readonly verdicts: readonly Verdict[];
  readonly pipelines: readonly string[];
  /** The policy's preferred path for this user: fix their code for the newer version. */
  readonly shouldForwardFix: boolean;
}

export interface ImpactReport {
  readonly direction: ChangeDirection;
  readonly change: ChangeRequest;
  readonly currentRevision: number;
  /** Revisions whose pins equal the target versions, seen in the revision list. */
  readonly targetRevisions: readonly number[];
  readonly window: { readonly days: number; readonly since: string };
  readonly minRuns: number;
  readonly pipelines: readonly PipelineImpact[];
  readonly counts: VerdictCounts;
  readonly byUser: readonly GroupImpact[];
  readonly byProject: readonly GroupImpact[];
  readonly affectedUsers: readonly AffectedUser[];
  readonly summary: string;
  /** Excluded from `reportHash`, with `window.since`: both only say when the report was made. */
  readonly generatedAt: string;
}
