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
}

export interface ImageView {
  current: Revision | null;
  inFlight: ImageChange | null;
}
