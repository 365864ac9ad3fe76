/**
 * Per-instance deployers (issue 4, "Deployers") and the hand-offs of pending image revisions to them.
 * Conventions as in store/types.ts: text and integer only, JSON as text, ISO timestamps.
 */

export interface InstanceDeployersTable {
  instance_id: string;
  tenant_id: string;
  kind: 'record' | 'webhook' | 'command';
  /**
   * JSON of the validated DeployerConfig; a webhook's secret is sealed (`sealedSecret`, see
   * store/secret-box.ts) and never returned by the API.
   */
  config: string;
  updated_at: string;
  version: number;
}

/**
 * One row per (instance, revision) handed to a non-record deployer. The primary key makes the
 * hand-off happen once per revision, whoever triggers it (a route, a callback chain, a restart).
 */
export interface DeploymentHandOffsTable {
  instance_id: string;
  revision: number;
  kind: 'webhook' | 'command';
  /** running: the deployer works on it; awaiting-callback: the webhook target accepted it; finished. */
  state: 'running' | 'awaiting-callback' | 'finished';
  /** The deployer's last answer (`deployed`, `failed: ...`), for the listing. */
  outcome: string | null;
  started_at: string;
  updated_at: string;
}

export interface DeployerTables {
  instance_deployers: InstanceDeployersTable;
  deployment_hand_offs: DeploymentHandOffsTable;
}
