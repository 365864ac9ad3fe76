/**
 * Row types of migration 0004-evidence (issue 5): stored OpenLineage run events with the evidence
 * extracted from them, ownership rules and declared constraints. Namespace mappings are
 * `instances.namespaces`.
 */
export interface RunEventsTable {
  tenant_id: string;
  /** runId|eventType|eventTime: unique per tenant. */
  idempotency_key: string;
  instance_id: string;
  run_id: string;
  event_type: string | null;
  /** UTC ISO (`toISOString`), so it sorts as text. */
  event_time: string;
  namespace: string;
  job_name: string;
  pipeline: string;
  pipeline_run_id: string;
  parent_job_name: string | null;
  parent_run_id: string | null;
  project: string | null;
  integration: string | null;
  image_revision: number | null;
  image_revision_source: string | null;
  code_revision: string | null;
  owner: string | null;
  owner_source: string | null;
  /** 'success' | 'failure'; null while the run is not finished. */
  outcome: string | null;
  error_message: string | null;
  producer: string;
  received_at: string;
  /** The event as received (JSON), kept for audits and re-extraction. */
  event: string;
}

export interface OwnershipRulesTable {
  tenant_id: string;
  /** First match wins: rules are read in position order. */
  position: number;
  pattern: string;
  user_name: string;
  created_at: string;
}

export interface DeclaredConstraintsTable {
  tenant_id: string;
  project: string;
  package: string;
  specifier: string;
  created_at: string;
}

export interface EvidenceTables {
  run_events: RunEventsTable;
  ownership_rules: OwnershipRulesTable;
  declared_constraints: DeclaredConstraintsTable;
}
