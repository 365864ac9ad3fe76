/**
 * Run evidence around the ingestion endpoint (issue 5): attribution mappings (namespaces,
 * ownership, declared constraints), ingestion tokens, the evidence listing, and the impact report.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  declareConstraints,
  getConstraints,
  getNamespaces,
  getOwnership,
  impactOfChanges,
  issueIngestionToken,
  listEvidence,
  setNamespaces,
  setOwnership,
} from '../../workflows/evidence/index.js';
import { actorOf } from '../access.js';
import { ImpactAnswerBody } from '../responses/index.js';
import { InstanceParams, TenantParams } from '../schema.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const NamespacesBody = z.object({
  instanceId: z.string(),
  namespaces: z.array(z.string()),
  version: z.number().int(),
});
const OwnershipBody = z.object({
  tenantId: z.string(),
  rules: z.array(z.object({ pattern: z.string(), user: z.string() })),
});
const Constraint = z.object({ project: z.string(), package: z.string(), specifier: z.string() });
const ConstraintsBody = z.object({ tenantId: z.string(), constraints: z.array(Constraint) });
const JsonObject = z.record(z.string(), z.unknown());

const ImpactQuerystring = z.object({
  /** Repeatable: `?change=dbt-core==1.10.*&change=dbt-snowflake==1.10.*`. */
  change: z.union([z.string(), z.array(z.string())]),
  windowDays: z.coerce.number().int().optional(),
});
const EvidenceQuerystring = z.object({
  windowDays: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().optional(),
  offset: z.coerce.number().int().optional(),
});

export function evidenceRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/instances/:instanceId/namespaces',
    {
      config: { roles: PERMISSIONS['evidence.read'] },
      schema: {
        summary: "The OpenLineage namespaces whose events count as this instance's evidence",
        tags: ['evidence'],
        params: InstanceParams,
        response: { 200: NamespacesBody, ...problems(403, 404) },
      },
    },
    async (request) => getNamespaces(store, actorOf<Actor>(request), request.params.instanceId),
  );

  app.put(
    '/api/v1/instances/:instanceId/namespaces',
    {
      config: { roles: PERMISSIONS['evidence.configure'] },
      schema: {
        summary: "Replace an instance's OpenLineage namespaces (audited)",
        description:
          'A namespace belongs to one instance of a tenant; `expectedVersion` guards against lost updates (409).',
        tags: ['evidence'],
        params: InstanceParams,
        body: z.object({ namespaces: z.array(z.string()), expectedVersion: z.number().int().optional() }),
        response: { 200: NamespacesBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      setNamespaces(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        namespaces: request.body.namespaces,
        ...(request.body.expectedVersion !== undefined
          ? { expectedVersion: request.body.expectedVersion }
          : {}),
      }),
  );

  app.get(
    '/api/v1/tenants/:tenantId/ownership',
    {
      config: { roles: PERMISSIONS['evidence.read'] },
      schema: {
        summary: 'Ownership rules: job-name globs to users, first match wins',
        tags: ['evidence'],
        params: TenantParams,
        response: { 200: OwnershipBody, ...problems(403, 404) },
      },
    },
    async (request) => getOwnership(store, actorOf<Actor>(request), request.params.tenantId),
  );

  app.put(
    '/api/v1/tenants/:tenantId/ownership',
    {
      config: { roles: PERMISSIONS['evidence.configure'] },
      schema: {
        summary: "Replace a tenant's ownership rules (audited)",
        description:
          'Used when an Airflow DAG names no owner: `{ "rules": [{ "pattern": "finance_*", "user": "ana" }] }`.',
        tags: ['evidence'],
        params: TenantParams,
        body: z.object({ rules: z.array(z.object({ pattern: z.string(), user: z.string() })) }),
        response: { 200: OwnershipBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      setOwnership(store, actorOf<Actor>(request), {
        tenant: request.params.tenantId,
        rules: request.body.rules,
      }),
  );

  app.get(
    '/api/v1/tenants/:tenantId/constraints',
    {
      config: { roles: PERMISSIONS['evidence.read'] },
      schema: {
        summary: "Constraints the tenant's dbt projects declare",
        tags: ['evidence'],
        params: TenantParams,
        response: { 200: ConstraintsBody, ...problems(403, 404) },
      },
    },
    async (request) => getConstraints(store, actorOf<Actor>(request), request.params.tenantId),
  );

  // Encapsulated so the YAML parser applies to the upload route only.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post(
      '/api/v1/tenants/:tenantId/constraints',
      {
        config: { roles: PERMISSIONS['evidence.configure'] },
        schema: {
          summary: "Declare a dbt project's constraints (audited; replaces the project's previous ones)",
          description:
            'Body: a dbt_project.yml (Content-Type: application/yaml; its `require-dbt-version` bounds dbt-core), or ' +
            'JSON `{ "project", "dbtProjectYml" }`, or JSON `{ "project": "finance", "constraints": { "dbt-core": ">=1.11" } }`. ' +
            'A target version outside them is a certain break in impact reports.',
          tags: ['evidence'],
          params: TenantParams,
          body: z.union([z.string(), JsonObject]),
          response: { 201: ConstraintsBody.extend({ project: z.string() }), ...problems(403, 404, 415) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const input =
          typeof body === 'string'
            ? { tenant: request.params.tenantId, dbtProjectYml: body }
            : { ...body, tenant: request.params.tenantId };
        const result = await declareConstraints(store, actorOf<Actor>(request), input as never);
        return reply.code(201).send(result);
      },
    );
  });

  app.post(
    '/api/v1/tenants/:tenantId/ingestion-tokens',
    {
      config: { roles: PERMISSIONS['lineage.token.create'] },
      schema: {
        summary: 'Create an ingestion token: it may only post OpenLineage events for this tenant',
        description:
          'Creates a `lineage-ingest` service account and returns its token ONCE. Configure the emitter with ' +
          'OPENLINEAGE__TRANSPORT__URL=<ratchet>, ENDPOINT=api/v1/lineage and AUTH__API_KEY=<token>.',
        tags: ['evidence'],
        params: TenantParams,
        body: z.object({
          label: z.string().optional(),
          expiresInDays: z.number().int().optional(),
        }),
        response: {
          201: z.object({
            token: z.string(),
            userId: z.string(),
            tokenId: z.string(),
            expiresAt: z.string(),
          }),
          ...problems(403, 404),
        },
      },
    },
    async (request, reply) => {
      const issued = await issueIngestionToken(store, actorOf<Actor>(request), {
        tenant: request.params.tenantId,
        ...request.body,
      });
      return reply.code(201).send({
        token: issued.token,
        userId: issued.user.id,
        tokenId: issued.info.id,
        expiresAt: issued.info.expiresAt,
      });
    },
  );

  app.get(
    '/api/v1/instances/:instanceId/evidence',
    {
      config: { roles: PERMISSIONS['evidence.read'] },
      schema: {
        summary: "An instance's stored runs per pipeline and job (paged)",
        tags: ['evidence'],
        params: InstanceParams,
        querystring: EvidenceQuerystring,
        response: {
          200: z.object({
            instanceId: z.string(),
            since: z.string(),
            jobs: z.array(
              z.object({
                pipeline: z.string(),
                jobName: z.string(),
                owner: z.string().nullable(),
                project: z.string().nullable(),
                events: z.number(),
                successes: z.number(),
                failures: z.number(),
                firstEventAt: z.string(),
                lastEventAt: z.string(),
              }),
            ),
            nextOffset: z.number().nullable(),
          }),
          ...problems(403, 404),
        },
      },
    },
    async (request) =>
      listEvidence(store, actorOf<Actor>(request), { instance: request.params.instanceId, ...request.query }),
  );

  app.get(
    '/api/v1/instances/:instanceId/impact',
    {
      config: { roles: PERMISSIONS['evidence.read'], quota: 'report' },
      schema: {
        summary: 'The blast radius of an image change, from run evidence: who it fixes, breaks, leaves alone',
        description:
          '`change` (repeatable) is a package and its PEP 440 target, e.g. `dbt-core==1.10.*`; `from` is the pin of the ' +
          'current image revision; `moves` is false when that pin already satisfies the target. `report` is null when the ' +
          'instance has no evidence at all (unknown, never safe), or when no package moves (nothing to judge). ' +
          '`reportHash` binds an acceptance to exactly this report.',
        tags: ['evidence'],
        params: InstanceParams,
        querystring: ImpactQuerystring,
        response: {
          200: ImpactAnswerBody,
          ...problems(403, 404, 429),
        },
      },
    },
    async (request) => {
      const { change, windowDays } = request.query;
      return impactOfChanges(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        changes: Array.isArray(change) ? change : [change],
        ...(windowDays !== undefined ? { windowDays } : {}),
      });
    },
  );
}
