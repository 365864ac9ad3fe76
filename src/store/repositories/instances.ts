import { ConflictError } from '../../domain/errors/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { InstanceRepository, InstancesTable } from '../types.js';
import type { RepositoryContext } from './context.js';
import { newId } from './context.js';

function toInstance(row: InstancesTable): Instance {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    kind: row.kind,
    testInstanceId: row.test_instance_id,
    namespaces: JSON.parse(row.namespaces) as string[],
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function instanceRepository({ db, now }: RepositoryContext): InstanceRepository {
  return {
    async insert(input) {
      const at = now();
      const row: InstancesTable = {
        id: newId('ins'),
        tenant_id: input.tenantId,
        name: input.name,
        kind: input.kind,
        test_instance_id: input.testInstanceId,
        namespaces: JSON.stringify(input.namespaces),
        version: 1,
        created_at: at,
        updated_at: at,
      };
      try {
        await db.insertInto('instances').values(row).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(`The tenant already has an instance named "${input.name}".`, {
          remedy: 'Choose another instance name.',
          extra: { name: input.name },
        });
      }
      return toInstance(row);
    },
    async get(id) {
      const row = await db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toInstance(row);
    },
    async findByName(name, tenantId) {
      let query = db.selectFrom('instances').selectAll().where('name', '=', name);
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      const rows = await query.orderBy('id').execute();
      return rows.map(toInstance);
    },
    async list(tenantId) {
      let query = db.selectFrom('instances').selectAll();
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      const rows = await query.orderBy('tenant_id').orderBy('name').execute();
      return rows.map(toInstance);
    },
  };
}
