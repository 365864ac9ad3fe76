/**
 * Row types of migration 0003-image-workflow (issue 4): image change requests (upgrades and
 * rollback requests share one table, so "one image change in flight per instance" is one query),
 * rollback pins, forward-fix follow-ups, and per-instance package sources.
 */
export interface ImageChangesTable {
  id: string;
  kind: 'upgrade' | 'rollback';
  tenant_id: string;
  instance_id: string;
  state: string;
  requested_by: string;
  requested_role: string;
  reason: string;
  /** JSON: the requirement strings asked for. */
  requests: string;
  /** JSON: the stored report (availability, dependency review, impact, recommendation). */
  report: string;
  report_hash: string;
  approved_by: string | null;
  approved_hash: string | null;
  decision_reason: string | null;
  urgent: number;
  accepted_by: string | null;
  accepted_hash: string | null;
  /** JSON: deployment stages, test instance first. */
  stages: string;
  /** JSON: notes from sign-off, confirmation and reopening, oldest first. */
  notes: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RollbackPinsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  package: string;
  pinned_version: string;
  change_id: string;
  expires_at: string;
  created_at: string;
}

export interface ForwardFixFollowUpsTable {
  id: string;
  tenant_id: string;
  instance_id: string;
  package: string;
  pinned_version: string;
  change_id: string;
  status: 'open' | 'closed';
  created_at: string;
  closed_at: string | null;
  version: number;
}

export interface ImageSourcesTable {
  instance_id: string;
  tenant_id: string;
  /** A simple-index URL (`https://...`) or a find-links folder (`file:/srv/wheels`). */
  source: string;
  updated_at: string;
  version: number;
}

export interface ImageWorkflowTables {
  image_changes: ImageChangesTable;
  rollback_pins: RollbackPinsTable;
  forward_fix_follow_ups: ForwardFixFollowUpsTable;
  image_sources: ImageSourcesTable;
}
