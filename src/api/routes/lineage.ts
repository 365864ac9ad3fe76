/**
 * `POST /api/v1/lineage`: OpenLineage RunEvents in, like Marquez (201). Airflow's provider and
 * dbt-ol post one event per request as application/json; bulk senders post a JSON array or NDJSON.
 * Authenticated with a tenant's ingestion token (role `lineage-ingest`, docs/evidence.md).
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { ingestRunEvents } from '../../workflows/evidence/index.js';
import { actorOf } from '../access.js';
import { OverQuota, sendOverQuota } from '../quotas.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

/** A batch of a few thousand events is several MiB; larger than the API's default body limit. */
export const LINEAGE_BODY_LIMIT = 32 * 1024 * 1024;

const LINEAGE_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl'];

export function lineageRoutes(app: TypedApp, { store, quotas }: RouteDeps): void {
  // Encapsulated: the raw-text parsers below apply to this route only. The body is kept as text
  // because NDJSON (and JSON lines sent as application/json) is not one JSON document.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // Only the OpenLineage media types: anything else (text/plain, forms) is a 415.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      LINEAGE_TYPES,
      // Bytes, not text: a large batch is decoded in a worker thread (workflows/evidence/prepare.ts).
      { parseAs: 'buffer', bodyLimit: LINEAGE_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/lineage',
      {
        bodyLimit: LINEAGE_BODY_LIMIT,
        config: { roles: PERMISSIONS['lineage.ingest'] },
        schema: {
          summary: 'Ingest OpenLineage RunEvents (one, a JSON array, or NDJSON)',
          description:
            'OpenLineage 2-0-2 RunEvents as Airflow and dbt-ol send them. Content types: application/json ' +
            '(an event or an array), application/x-ndjson or application/jsonl (one event per line). All or ' +
            'nothing: a bad event is a 400 naming the event and field, and nothing is stored. Events already ' +
            'stored (same run id, event type and time) count as duplicates. Needs an ingestion token of the ' +
            "tenant that owns the events' namespaces (POST /api/v1/tenants/{tenantId}/ingestion-tokens).",
          tags: ['evidence'],
          body: z.unknown(),
          response: {
            201: z.object({ stored: z.number().int(), duplicates: z.number().int() }),
            ...problems(403, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf<Actor>(request);
        // Bytes are charged before parsing, events after parsing and before storing (issue 13).
        const body = request.body;
        const bytes = Buffer.isBuffer(body)
          ? body.byteLength
          : Number(request.headers['content-length'] ?? 0);
        const overBytes = quotas.chargeIngestBytes(actor, bytes);
        if (overBytes !== null) return sendOverQuota(request, reply, overBytes);
        try {
          const result = await ingestRunEvents(store, actor, {
            body,
            contentType: request.headers['content-type'],
            admit(events) {
              const overEvents = quotas.chargeIngestEvents(actor, events);
              if (overEvents !== null) throw new OverQuota(overEvents);
            },
          });
          return await reply.code(201).send(result);
        } catch (error) {
          if (error instanceof OverQuota) return sendOverQuota(request, reply, error.verdict);
          throw error;
        }
      },
    );
  });
}
