/**
 * The trial (issue 16): registered dbt projects and trial jobs. Conventions as in store/types.ts:
 * text and integer only, JSON as text, ISO timestamps.
 */

export interface TrialProjectsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  name: string;
  /** Matched against RATCHET_PROJECT_REPOS when registered and again before every checkout. */
  repo_url: string;
  /** The dbt project's folder inside the repository; '' for its root. */
  path: string;
  /** JSON array of owner e-mail addresses. */
  owners: string;
  /** A read-only credential sealed with the store's SecretBox (bound to the project id); null for none. */
  sealed_credential: string | null;
  created_at: string;
  version: number;
}

export interface ImageTrialsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** JSON array of the requested changes (`dbt-core==1.10.*`). */
  requests: string;
  /** JSON `{ done, total, step }`. */
  progress: string;
  /** JSON of the trial's result (projects, environments, logs) once it finished. */
  result: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface TrialTables {
  trial_projects: TrialProjectsTable;
  image_trials: ImageTrialsTable;
}
