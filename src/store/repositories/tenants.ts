import { ConflictError } from '../../domain/errors/index.js';
import type { Tenant } from '../../domain/tenancy/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { TenantRepository, TenantsTable } from '../types.js';
import type { RepositoryContext } from './context.js';
import { newId, staleRow } from './context.js';

function toTenant(row: TenantsTable): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function tenantRepository({ db, now }: RepositoryContext): TenantRepository {
  async function get(id: string): Promise<Tenant | null> {
    const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toTenant(row);
  }

  return {
    async insert(input) {
      const at = now();
      const row: TenantsTable = {
        id: newId('ten'),
        slug: input.slug,
        name: input.name,
        version: 1,
        created_at: at,
        updated_at: at,
      };
      try {
        await db.insertInto('tenants').values(row).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(`A tenant with slug "${input.slug}" already exists.`, {
          remedy: 'Choose another slug.',
          extra: { slug: input.slug },
        });
      }
      return toTenant(row);
    },
    get,
    async getBySlug(slug) {
      const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row === undefined ? null : toTenant(row);
    },
    async list() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('slug').execute();
      return rows.map(toTenant);
    },
    async update(id, expectedVersion, changes) {
      const result = await db
        .updateTable('tenants')
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          version: expectedVersion + 1,
          updated_at: now(),
        })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw staleRow('Tenant', id, expectedVersion);
      return (await get(id))!;
    },
  };
}
