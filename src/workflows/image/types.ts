import type { ImpactReport } from '../../impact/index.js';
import type { PinnedFile } from '../../domain/revisions/index.js';
import type { IgnoredRequirement } from '../../resolver/image/index.js';
import type {
  ImageChange as PlannedChange,
  ImageViolation,
  TargetAvailability,
} from '../../resolver/image/index.js';
import type { Role } from '../../domain/roles/index.js';

export type ImageChangeKind = 'upgrade' | 'rollback';

/**
 * Rollback: requested -> approved -> deploying -> deployed -> resolved (rejected ends it; a failed
 * deployment parks it in deploy-failed until retried; reopening sends it back to requested).
 * Upgrade: requested -> approved? -> deploying (test) -> on-test -> signed-off -> deploying
 * (production) -> completed.
 */
export const IMAGE_CHANGE_STATES = [
  'requested',
  'approved',
  'rejected',
  'deploying',
  'deploy-failed',
  'deployed',
  'resolved',
  'on-test',
  'signed-off',
  'completed',
] as const;
export type ImageChangeState = (typeof IMAGE_CHANGE_STATES)[number];

/** States after which the instance is free for the next image change. */
export const FINISHED_STATES: readonly ImageChangeState[] = ['rejected', 'resolved', 'completed'];

export type StageStatus = 'waiting' | 'pending' | 'deployed' | 'failed';

/** One instance the change is deployed to; the test instance comes first. */
export interface DeploymentStage {
  instanceId: string;
  instanceName: string;
  purpose: 'test' | 'production' | 'target';
  /** The image revision handed to the deployer; null before it was created. */
  revision: number | null;
  status: StageStatus;
  attempts: number;
}

export interface ImageChangeNote {
  at: string;
  byUserId: string;
  byRole: Role;
  step: string;
  text: string;
}

/** The dependency review: the minimal co-changes and why (policy: "a review of potential dependency conflicts"). */
export interface DependencyReview {
  feasible: boolean;
  changes: readonly PlannedChange[];
  added: readonly { name: string; version: string }[];
  conflictsIfAlone: readonly ImageViolation[];
  explanation: string;
  /** Requests whose marker is false for the image (pip ignores them); absent in older reports. */
  ignored?: readonly IgnoredRequirement[];
}

/** Everything Ratchet validated, stored with the request; its hash binds approval and acceptance. */
export interface ImageChangeReport {
  kind: ImageChangeKind;
  instance: { id: string; name: string };
  python: string;
  source: string;
  currentRevision: number | null;
  requests: readonly string[];
  /** The policy's recommended approach, said first. */
  recommendation: string;
  availability: readonly TargetAvailability[];
  review: DependencyReview;
  /** Null = no run evidence yet; "no evidence" is never read as "safe". */
  impact: ImpactReport | null;
  impactSummary: string;
  /** Why approval is impossible right now; empty when it is possible. */
  blockers: readonly string[];
  /** The files and sha256 of every pin of the planned image; absent in older reports. */
  files?: readonly PinFiles[];
  /** The review's trial step (issue 16); absent in reports older than it. */
  trial?: ReviewTrialStep;
}

/**
 * The trial of the change's candidate image on the instance's registered dbt projects, queued with
 * the request. Only its id is in the report (the trial finishes later; a finished trial never
 * changes, so the hash that binds approval binds its verdicts too).
 */
export interface ReviewTrialStep {
  /** The trial queued for this review; null when none runs. */
  id: string | null;
  /** Why no trial runs (no registered projects, no candidate image, another trial running). */
  skipped: string | null;
  /** The projects registered when the review was opened. */
  projects: string[];
}

/** An approval given although the trial predicts breaks (or gave no prediction), in the history. */
export interface TrialAcknowledgement {
  trialId: string | null;
  trialState: string;
  /** The projects the trial says the change breaks. */
  projects: string[];
}

/** A pin's distribution files as the package source listed them when the report was built. */
export interface PinFiles {
  name: string;
  version: string;
  files: readonly PinnedFile[];
}

export interface ImageChangeRecord {
  id: string;
  kind: ImageChangeKind;
  tenantId: string;
  instanceId: string;
  state: ImageChangeState;
  requestedBy: string;
  requestedRole: Role;
  reason: string;
  requests: string[];
  report: ImageChangeReport;
  reportHash: string;
  approvedBy: string | null;
  approvedHash: string | null;
  decisionReason: string | null;
  urgent: boolean;
  acceptedBy: string | null;
  acceptedHash: string | null;
  stages: DeploymentStage[];
  notes: ImageChangeNote[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RollbackPin {
  id: string;
  instanceId: string;
  package: string;
  pinnedVersion: string;
  changeId: string;
  expiresAt: string;
  createdAt: string;
}

export interface ForwardFixFollowUp {
  id: string;
  instanceId: string;
  package: string;
  pinnedVersion: string;
  changeId: string;
  status: 'open' | 'closed';
  createdAt: string;
  closedAt: string | null;
}
