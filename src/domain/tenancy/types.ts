/** A customer organisation on the managed platform. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  /** Optimistic-concurrency version: bumped on every update. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * `test` instances exist so that changes are validated before production (rollback-strategy.txt,
 * "Recommended Approach": "Test before promoting to production").
 */
export type InstanceKind = 'test' | 'production';

/** One of a tenant's environments (a Datacoves instance). */
export interface Instance {
  id: string;
  tenantId: string;
  name: string;
  kind: InstanceKind;
  /** The test instance a production instance promotes from; null for test instances. */
  testInstanceId: string | null;
  /** OpenLineage job namespaces emitted by this instance, to attribute run evidence to it. */
  namespaces: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
