/** The rendered image revision, by file name (PEP 751 names the lock file `pylock.toml`). */
export interface DeployFiles {
  'requirements.txt': string;
  'pylock.toml': string;
}

export interface DeployRequest {
  instanceId: string;
  /** The revision number being deployed. */
  revision: number;
  files: DeployFiles;
  /** Who asked, why, the rollback request id...: passed through to the deploy target as JSON. */
  metadata: Record<string, unknown>;
}

/**
 * `deployed` and `failed` are final answers; the `awaiting-*` ones mean the instance moves only
 * when someone confirms (record) or the target calls back (webhook).
 */
export type DeployResult =
  | { status: 'deployed' }
  | { status: 'failed'; reason: string }
  | { status: 'awaiting-confirmation' }
  | { status: 'awaiting-callback' };

export type DeployerKind = 'record' | 'webhook' | 'command';

/** The step "the image configuration is updated and deployed", chosen per instance. */
export interface Deployer {
  readonly kind: DeployerKind;
  deploy(request: DeployRequest): Promise<DeployResult>;
}
