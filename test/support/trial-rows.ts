/**
 * A trial row written straight into `image_trials`, for tests that need a trial in a given state
 * without running one (a real trial runs uv and dbt: src/api/routes/trial.test.ts).
 */
import type { Store } from '../../src/store/index.js';
import type { ImageTrialsTable } from '../../src/store/tables/trial.js';

export interface TrialRowOf {
  readonly id: string;
  readonly instance: { readonly id: string; readonly tenantId: string };
  readonly state: ImageTrialsTable['state'];
  readonly createdBy: string;
}

/**
 * The row of a trial of `dbt-core==1.10.*` on `instance`, created and updated now, at version 1,
 * with no result or error; `extra` sets any other column (progress, lease, work, attempts...).
 */
export function trialRow(of: TrialRowOf, extra: Partial<ImageTrialsTable> = {}): ImageTrialsTable {
  const at = new Date().toISOString();
  return {
    id: of.id,
    tenant_id: of.instance.tenantId,
    instance_id: of.instance.id,
    state: of.state,
    requests: '["dbt-core==1.10.*"]',
    progress: '{"done":0,"total":1,"step":"queued"}',
    result: null,
    error: null,
    created_by: of.createdBy,
    created_at: at,
    updated_at: at,
    version: 1,
    ...extra,
  };
}

/** Writes trial rows (see `trialRow`). */
export async function insertTrialRows(store: Store, rows: readonly ImageTrialsTable[]): Promise<void> {
  await store.db
    .insertInto('image_trials')
    .values([...rows])
    .execute();
}
