import type { Repositories } from '../types.js';
import { auditRepository } from './audit.js';
import type { RepositoryContext } from './context.js';
import { defectRepository } from './defects.js';
import { deployerRepository } from './deployers.js';
import { evidenceRepository } from './evidence.js';
import { idempotencyRepository } from './idempotency.js';
import { imageChangeRepository } from './image-changes.js';
import { imageSourceRepository } from './image-sources.js';
import { imageTrialRepository } from './image-trials.js';
import { infrastructureChangeRepository } from './infrastructure.js';
import { instanceRepository } from './instances.js';
import { outboxRepository } from './outbox.js';
import { platformRepository } from './platform.js';
import { revisionRepository } from './revisions.js';
import { tenantRepository } from './tenants.js';
import { apiTokenRepository } from './tokens.js';
import { trialProjectRepository } from './trial-projects.js';
import { userRepository } from './users.js';

export type { RepositoryContext } from './context.js';
export { newId, staleRow } from './context.js';
export { auditRepository } from './audit.js';
export { defectRepository } from './defects.js';
export { deployerRepository } from './deployers.js';
export { countRunEvents, evidenceRepository, runEventRow } from './evidence.js';
export { idempotencyRepository } from './idempotency.js';
export { imageChangeRepository } from './image-changes.js';
export { imageSourceRepository } from './image-sources.js';
export { imageTrialRepository } from './image-trials.js';
export { infrastructureChangeRepository } from './infrastructure.js';
export { instanceRepository } from './instances.js';
export { idempotencyKeyOf, outboxRepository } from './outbox.js';
export { platformRepository } from './platform.js';
export { revisionRepository } from './revisions.js';
export { tenantRepository } from './tenants.js';
export { apiTokenRepository } from './tokens.js';
export { trialProjectRepository } from './trial-projects.js';
export { userRepository } from './users.js';

/**
 * Binds every repository to one handle. A new feature adds `its-table.ts` exporting
 * `xRepository(ctx)`, a field on `Repositories` (store/types.ts) and one line here.
 */
export function createRepositories(ctx: RepositoryContext): Repositories {
  return {
    db: ctx.db,
    tenants: tenantRepository(ctx),
    instances: instanceRepository(ctx),
    revisions: revisionRepository(ctx),
    users: userRepository(ctx),
    tokens: apiTokenRepository(ctx),
    audit: auditRepository(ctx),
    idempotency: idempotencyRepository(ctx),
    platform: platformRepository(ctx),
    defects: defectRepository(ctx),
    infrastructureChanges: infrastructureChangeRepository(ctx),
    trialProjects: trialProjectRepository(ctx),
    imageTrials: imageTrialRepository(ctx),
    evidence: evidenceRepository(ctx),
    deployers: deployerRepository(ctx),
    imageSources: imageSourceRepository(ctx),
    imageChanges: imageChangeRepository(ctx),
    outbox: outboxRepository(ctx),
    now: ctx.now,
  };
}
