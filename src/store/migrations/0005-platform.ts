import type { Migration } from 'kysely';

/** Tables for platform releases, defects and infrastructure changes (issue 6). Portable types only (text, integer). Filled in by that work. */
export const platform: Migration = {
  async up() {
    // Intentionally empty until the tables land; the name is reserved so migrations keep their order.
  },
};
