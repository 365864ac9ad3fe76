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
  /**
   * JSON of the work the trial was queued with (both images' pins and source, the changes, each
   * project's repository, folder, owners and commit; never a credential), so another server can
   * resume it. Optional: rows queued before migration 0014 have none and cannot be resumed.
   */
  work?: string | null;
  /** The server (runner) running the trial; null while nobody holds it. */
  lease_owner?: string | null;
  /** ISO time until which `lease_owner` holds the trial; renewed while it runs. */
  lease_expires_at?: string | null;
  /** How many times a server started the trial (null: never). */
  attempts?: number | null;
}

export interface TrialTables {
  trial_projects: TrialProjectsTable;
  image_trials: ImageTrialsTable;
}
