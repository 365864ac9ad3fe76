import type { Migration } from 'kysely';

/** Tables for run evidence (issue 5): OpenLineage events, namespace and ownership mappings, declared constraints. Portable types only (text, integer). Filled in by that work. */
export const evidence: Migration = {
  async up() {
    // Intentionally empty until the tables land; the name is reserved so migrations keep their order.
  },
};
