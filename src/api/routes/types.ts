import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/index.js';
import type { Quotas } from '../quotas.js';

/** What every route module receives. */
export interface RouteDeps {
  store: Store;
  /** Per-tenant ingestion and report quotas (issue 13). */
  quotas: Quotas;
}

/** The server with zod type inference on route schemas. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
