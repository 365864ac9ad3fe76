import { ConflictError } from '../../domain/errors/index.js';
import { normalizeEmail } from '../../domain/users/index.js';
import type { User } from '../../domain/users/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { UserRepository, UsersTable } from '../types.js';
import type { RepositoryContext } from './context.js';
import { newId } from './context.js';

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    tenantId: row.tenant_id,
    version: row.version,
    createdAt: row.created_at,
  };
}

export function userRepository({ db, now }: RepositoryContext): UserRepository {
  return {
    async insert(input) {
      const row: UsersTable = {
        id: newId('usr'),
        name: input.name,
        email: input.email === null ? null : normalizeEmail(input.email),
        role: input.role,
        tenant_id: input.tenantId,
        version: 1,
        created_at: now(),
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Unique per tenant (or among provider users): the clash is with a user the caller's scope
        // holds, never with another tenant's (issue 13).
        throw new ConflictError(
          `A user with email ${String(row.email)} already exists ${row.tenant_id === null ? 'among provider users' : 'in this tenant'}.`,
          { remedy: 'Use another email address, or issue a token for the existing user.' },
        );
      }
      return toUser(row);
    },
    async get(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toUser(row);
    },
    async list(tenantId) {
      let query = db.selectFrom('users').selectAll();
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toUser);
    },
    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
