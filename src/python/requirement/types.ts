import type { Marker } from '../marker/index.js';
import type { SpecifierSet } from '../specifier/index.js';

/** A PEP 508 dependency specification, e.g. `dbt-core[postgres]>=1.10,<1.11; python_version>="3.9"`. */
export interface Requirement {
  /** The project name as written. */
  readonly name: string;
  /** PEP 503 normalized name, the key for comparisons and lookups. */
  readonly normalizedName: string;
  /** Requested extras, PEP 685 normalized, sorted, without duplicates. */
  readonly extras: readonly string[];
  readonly specifier: SpecifierSet;
  /** PEP 508 direct reference (`name @ url`), else null. */
  readonly url: string | null;
  readonly marker: Marker | null;
  /** Canonical text: `name[extras]specifier; marker` or `name[extras] @ url ; marker`. */
  readonly text: string;
}
