/** Row types of migration 0005-platform: platform releases, defects and infrastructure changes (issue 6). */

export interface PlatformReleasesTable {
  id: string;
  /** SemVer, unique: a release version is published once and only ever increases. */
  version: string;
  /** JSON object: component -> version (airflow, python, ...). */
  components: string;
  notes: string;
  /** JSON array of defect ids this release fixes (a hotfix); `[]` for a regular release. */
  fixes: string;
  /** JSON array of instance ids a hotfix is limited to; null = every instance. */
  targets: string | null;
  published_by: string;
  published_at: string;
}

export interface PlatformRolloutsTable {
  id: string;
  release_id: string;
  instance_id: string;
  tenant_id: string;
  /** The platform revision the rollout recorded on the instance (history stays in `revisions`). */
  revision_number: number;
  /** Set when a provider admin overrode the test-first rule: the audited reason. */
  override_reason: string | null;
  actor_user_id: string;
  created_at: string;
}

export interface DefectsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  reporter_user_id: string;
  title: string;
  observed: string;
  /** When the customer first saw it (ISO text). */
  since: string;
  /** 1-4 as suggested by the reporter: the response clock's target; `severity` (triage) sets resolution's. */
  suggested_severity: number;
  severity: number | null;
  assignee_user_id: string | null;
  regressed_in: string | null;
  state: string;
  close_outcome: string | null;
  close_reason: string | null;
  duplicate_of: string | null;
  fixed_by_release: string | null;
  reopen_count: number;
  reported_at: string;
  triaged_at: string | null;
  deployed_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  updated_at: string;
  version: number;
}

/** One row per (defect, clock) once a breach was announced: the on-call group hears of it once. */
export interface DefectSlaBreachesTable {
  defect_id: string;
  clock: string;
  target_at: string;
  notified_at: string;
}

/** Stored severity configuration; a severity without a row uses the built-in default. */
export interface SeverityDefinitionsTable {
  severity: number;
  name: string;
  definition: string;
  response_minutes: number;
  resolution_minutes: number;
  version: number;
  updated_at: string;
}

export interface InfrastructureChangesTable {
  id: string;
  tenant_id: string;
  title: string;
  why: string;
  /** JSON object: what the change sets, e.g. `{"kubernetes":"1.31"}`. */
  changes: string;
  risk: string;
  window_start: string;
  window_end: string;
  /** JSON array of instance ids. */
  instance_ids: string;
  state: string;
  planned_by: string;
  applied_by: string | null;
  applied_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface InfrastructureSignoffsTable {
  change_id: string;
  user_id: string;
  user_name: string;
  party: string;
  role: string;
  note: string;
  created_at: string;
}

export interface PlatformTables {
  platform_releases: PlatformReleasesTable;
  platform_rollouts: PlatformRolloutsTable;
  defects: DefectsTable;
  defect_sla_breaches: DefectSlaBreachesTable;
  severity_definitions: SeverityDefinitionsTable;
  infrastructure_changes: InfrastructureChangesTable;
  infrastructure_signoffs: InfrastructureSignoffsTable;
}
