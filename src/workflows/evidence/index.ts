import type { Actor } from '../../domain/roles/index.js';
import type { ImpactReport, PackageChange } from '../../impact/index.js';
import type { Store } from '../../store/index.js';

export interface ImpactQuery {
  readonly instanceId: string;
  readonly packages: readonly PackageChange[];
  /** Evidence window in days; default 30. */
  readonly windowDays?: number;
}

/**
 * The blast radius of an image change on one instance, from stored run evidence, or null when the
 * instance has no evidence yet ("no evidence" is never read as "safe").
 *
 * TODO(#5): read stored OpenLineage evidence; until then there is none.
 */
export async function impactForChange(
  _store: Store,
  _actor: Actor,
  _query: ImpactQuery,
): Promise<ImpactReport | null> {
  return null;
}
