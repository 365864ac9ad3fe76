// Wire shapes of the image workflow (src/workflows/image/types.ts, src/impact/classify/types.ts).
import type { Revision, Role } from './types';

export type ChangeState =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'deploying'
  | 'deploy-failed'
  | 'deployed'
  | 'resolved'
  | 'on-test'
  | 'signed-off'
  | 'completed';

export interface TargetAvailability {
  package: string;
  requested: string;
  usable: string[];
  unusable: { version: string; reason: string }[];
  available: boolean;
}

export interface PackageMove {
  name: string;
  from: string;
  to: string;
  requested: boolean;
}

export interface Violation {
  package: string;
  version: string;
  requires: string;
  found: string | null;
}

export type Verdict = 'breaks' | 'fixes' | 'unaffected' | 'still-broken' | 'unknown';

export interface EvidenceRun {
  runId: string;
  at: string;
  outcome: string;
  imageRevision: number;
  codeRevision: string | null;
  side: 'current' | 'target';
}

/** One job of a pipeline, judged alone (docs/evidence.md "Verdicts"). */
export interface JobImpact {
  job: string;
  owners: string[];
  verdict: Verdict;
  basis: string;
  reason: string;
}

export interface PipelineImpact {
  pipeline: string;
  /** Everyone who owns one of its jobs; empty when nobody is known. */
  owners: string[];
  jobs: JobImpact[];
  project: string | null;
  verdict: Verdict;
  basis: string;
  reason: string;
  evidence: EvidenceRun[];
}

export interface AffectedUser {
  user: string;
  verdicts: Verdict[];
  pipelines: string[];
  shouldForwardFix: boolean;
}

export interface ImpactReport {
  pipelines: PipelineImpact[];
  counts: Record<Verdict, number>;
  affectedUsers: AffectedUser[];
  summary: string;
}

export interface ChangeReport {
  kind: 'upgrade' | 'rollback';
  instance: { id: string; name: string };
  python: string;
  source: string;
  currentRevision: number | null;
  requests: string[];
  recommendation: string;
  availability: TargetAvailability[];
  review: {
    feasible: boolean;
    changes: PackageMove[];
    added: { name: string; version: string }[];
    conflictsIfAlone: Violation[];
    explanation: string;
  };
  impact: ImpactReport | null;
  impactSummary: string;
  blockers: string[];
  /** The review's trial step (issue 16); absent in older reports. */
  trial?: { id: string | null; skipped: string | null; projects: string[] };
}

/** A deprecation dbt reported (its D0xx event). */
export interface DbtDeprecation {
  name: string;
  code: string;
  message: string;
}

export type TrialVerdict = 'breaks' | 'fixes' | 'unaffected' | 'still-broken';

/** One project of a trial (src/trial/types.ts ProjectTrialResult). */
export interface ProjectTrialResult {
  name: string;
  owners: string[];
  commit: string | null;
  current: { ok: boolean; error: string | null };
  candidate: { ok: boolean; error: string | null; deprecations: DbtDeprecation[] };
  verdict: TrialVerdict;
}

/** A trial job (src/workflows/trial/trials.ts TrialView). */
export interface Trial {
  id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { done: number; total: number; step: string };
  result: {
    changes: { name: string; from: string | null; to: string | null }[];
    projects: ProjectTrialResult[];
    logs: Record<string, { current: string[]; candidate: string[] }>;
  } | null;
  error: string | null;
}

/** The report's evidence for one dbt project: the trial's prediction and the observed runs. */
export interface ProjectEvidence {
  project: string;
  entries: {
    source: 'predicted' | 'observed';
    verdict: Verdict;
    owners: string[];
    pipeline: string | null;
    reason: string;
    error: string | null;
    deprecations: DbtDeprecation[];
    commit: string | null;
  }[];
}

export interface DeploymentStage {
  instanceId: string;
  instanceName: string;
  purpose: 'test' | 'production' | 'target';
  revision: number | null;
  status: 'waiting' | 'pending' | 'deployed' | 'failed';
  attempts: number;
}

export interface ChangeNote {
  at: string;
  byUserId: string;
  byRole: Role;
  step: string;
  text: string;
}

export interface ImageChange {
  id: string;
  kind: 'upgrade' | 'rollback';
  tenantId: string;
  instanceId: string;
  state: ChangeState;
  requestedBy: string;
  requestedRole: Role;
  reason: string;
  requests: string[];
  report: ChangeReport;
  reportHash: string;
  approvedBy: string | null;
  approvedHash: string | null;
  decisionReason: string | null;
  urgent: boolean;
  acceptedBy: string | null;
  acceptedHash: string | null;
  stages: DeploymentStage[];
  notes: ChangeNote[];
  createdAt: string;
  updatedAt: string;
  /** On the one-request view only: the review's trial and the merged evidence. */
  trial?: Trial | null;
  evidence?: ProjectEvidence[];
}

export interface ImageView {
  current: Revision | null;
  inFlight: ImageChange | null;
}
