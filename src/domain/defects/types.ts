/**
 * The defect process of rollback-strategy.txt, "Defect Resolution Process": the customer reports, the
 * provider triages and determines severity, a hotfix ships as a new forward release, the customer is
 * notified and confirms.
 */
export type DefectState =
  'reported' | 'triaged' | 'fix-in-progress' | 'fix-in-test' | 'deployed' | 'resolved' | 'closed';

/** Why a defect was closed without a fix; shown to the customer with the reason. */
export type DefectCloseOutcome = 'not-a-defect' | 'duplicate';

export type Severity = 1 | 2 | 3 | 4;

/** One severity's definition and its SLA targets (minutes from the report). */
export interface SeverityDefinition {
  severity: Severity;
  name: string;
  definition: string;
  responseMinutes: number;
  resolutionMinutes: number;
}

export type SlaClockName = 'response' | 'resolution';

/** One SLA clock of a defect as of `now`. */
export interface SlaClock {
  clock: SlaClockName;
  targetAt: string;
  /** When the clock stopped (triage for response; deployment or closing for resolution); null while running. */
  metAt: string | null;
  breached: boolean;
}

export interface Defect {
  id: string;
  tenantId: string;
  instanceId: string;
  reporterUserId: string;
  title: string;
  observed: string;
  since: string;
  suggestedSeverity: Severity;
  severity: Severity | null;
  assigneeUserId: string | null;
  regressedIn: string | null;
  state: DefectState;
  closeOutcome: DefectCloseOutcome | null;
  closeReason: string | null;
  duplicateOf: string | null;
  fixedByRelease: string | null;
  reopenCount: number;
  reportedAt: string;
  triagedAt: string | null;
  deployedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  version: number;
}
