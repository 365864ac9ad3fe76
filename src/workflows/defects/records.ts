import { NotFoundError } from '../../domain/errors/index.js';
import type { Defect } from '../../domain/defects/index.js';
import { canSeeTenant } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Repositories } from '../../store/index.js';

/** A defect the actor may see; another tenant's defect is "not found" (existence must not leak). */
export async function findVisibleDefect(repos: Repositories, actor: Actor, id: string): Promise<Defect> {
  const defect = await repos.defects.get(id);
  if (defect === null || !canSeeTenant(actor, defect.tenantId)) {
    throw new NotFoundError(`Defect "${id}" was not found.`, {
      remedy: 'List defects (ratchet defect list) to see the ones you can reach.',
    });
  }
  return defect;
}
