import type { RunEventType } from '../openlineage/index.js';

/** Terminal outcome of a run; null while the run is not finished (START, RUNNING, OTHER, absent). */
export type RunOutcome = 'success' | 'failure';

/** Where the image revision of a run came from, most trusted first. */
export type RevisionSource = 'facet' | 'tag' | 'deployment';

/**
 * Where the owners of an event came from: the Airflow task's owner, the `ownership` facet, the
 * DAG's owners, or a tenant's ownership rule (the fallback, applied last also at report time).
 */
export type OwnerSource = 'airflow-task' | 'ownership-facet' | 'airflow' | 'ownership-rule';

/** What one RunEvent says about the pipeline, the code and the image it ran with. */
export interface RunEvidence {
  /** runId + eventType + eventTime: the same event sent twice is stored once. */
  readonly idempotencyKey: string;
  readonly runId: string;
  readonly eventType: RunEventType | null;
  /** Normalised to UTC (`toISOString`), so evidence sorts as text. */
  readonly eventTime: string;
  readonly instanceId: string;
  readonly namespace: string;
  readonly jobName: string;
  /** The root Airflow DAG id when known, else the job name. */
  readonly pipeline: string;
  /** The run that groups this event with its siblings: the root run, else the parent run, else itself. */
  readonly pipelineRunId: string;
  readonly parentJobName: string | null;
  readonly parentRunId: string | null;
  readonly project: string | null;
  /** `jobType.integration` (AIRFLOW, DBT, ...), else inferred from the producer, else null. */
  readonly integration: string | null;
  readonly imageRevision: number | null;
  readonly imageRevisionSource: RevisionSource | null;
  readonly codeRevision: string | null;
  /** People, sorted; empty when the event names nobody (Airflow's default `airflow` names nobody). */
  readonly owners: readonly string[];
  readonly ownerSource: OwnerSource | null;
  readonly outcome: RunOutcome | null;
  readonly errorMessage: string | null;
  readonly producer: string;
}
