import type { Migration } from 'kysely';

/** Tables for the image workflow (issue 4): image change requests, rollback requests, rollback pins, deployments. Portable types only (text, integer). Filled in by that work. */
export const imageWorkflow: Migration = {
  async up() {
    // Intentionally empty until the tables land; the name is reserved so migrations keep their order.
  },
};
