/**
 * Every route in /openapi.json × every caller, against a table written by hand. A route that is in
 * the OpenAPI document but not in this table fails the test: a new route cannot ship unguarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/support/engines.js';
import { createScratchDatabase, storeOptionsFor } from '../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../test/support/scratch-postgres.js';
import { insertTrialRows, trialRow } from '../../test/support/trial-rows.js';
import { createOutboxRepository } from '../delivery/outbox/index.js';
import { signWebhookBody } from '../delivery/signing/index.js';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

type Caller =
  | 'provider-admin'
  | 'provider-engineer'
  | 'provider-support'
  | 'customer-admin'
  | 'customer-member'
  | 'foreign-customer'
  | 'lineage-ingest'
  | 'anonymous';

const CALLERS: readonly Caller[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
  'customer-admin',
  'customer-member',
  'foreign-customer',
  'lineage-ingest',
  'anonymous',
];

/** allow: passes access control (any answer but 401/403/404); hidden: 404 (another tenant's thing). */
type Outcome = 'allow' | 'forbid' | 'hidden';

interface Row {
  /** Expected outcome for each signed-in caller; anonymous is always 401 unless `anonymous` says otherwise. */
  expect: Record<Exclude<Caller, 'anonymous'>, Outcome>;
  /**
   * Public routes only (`config: { public: true }`, `security: []` in OpenAPI): what an anonymous
   * caller gets. A public route must have it, and only public routes may.
   */
  anonymous?: Outcome;
  /** Builds the request for a caller; may prepare state (a fresh token to revoke...). */
  request: (
    ctx: Context,
    caller: Caller,
  ) => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;
}

interface Context {
  server: TestServer;
  admin: string;
  acmeUserId: string;
  nextSlug: () => string;
}

const ALL: Row['expect'] = {
  'provider-admin': 'allow',
  'provider-engineer': 'allow',
  'provider-support': 'allow',
  'customer-admin': 'allow',
  'customer-member': 'allow',
  'foreign-customer': 'allow',
  // Acme's ingestion token (issue 5): it may post OpenLineage events and nothing a person may do.
  'lineage-ingest': 'forbid',
};
const ALL_OWN_TENANT: Row['expect'] = { ...ALL, 'foreign-customer': 'hidden' };
const PROVIDERS: Row['expect'] = {
  ...ALL,
  'customer-admin': 'forbid',
  'customer-member': 'forbid',
  'foreign-customer': 'forbid',
};
const PROVIDER_CHANGE: Row['expect'] = { ...PROVIDERS, 'provider-support': 'forbid' };
const ADMINS: Row['expect'] = {
  ...PROVIDER_CHANGE,
  'provider-engineer': 'forbid',
  'customer-admin': 'allow',
  'foreign-customer': 'hidden',
};

/** A notification parked as failed, as the delivery worker leaves one after its last retry. */
async function parkedDelivery(ctx: Context): Promise<string> {
  const { store } = ctx.server;
  const outbox = createOutboxRepository({ db: store.db, engine: store.engine });
  const eventId = `matrix-${ctx.nextSlug()}`;
  await outbox.enqueue(store.db, {
    topic: 'matrix.test',
    eventId,
    receivers: [{ id: 'on-call', channel: 'provider-on-call' }],
    subject: 'matrix',
    text: 'matrix',
    data: {},
  });
  const claimed = await outbox.claimDue({
    now: new Date(Date.now() + 1000),
    limit: 50,
    workerId: 'matrix',
    leaseMs: 60_000,
  });
  const entry = claimed.find((candidate) => candidate.eventId === eventId)!;
  await outbox.markFailed(entry.id, 'matrix', 'receiver down');
  return entry.id;
}

/** A registered project of acme-prod (written directly: registering needs RATCHET_PROJECT_REPOS). */
async function seededProject(ctx: Context): Promise<string> {
  const { store } = ctx.server;
  const instance = (await store.repos.instances.findByName('acme-prod', ctx.server.seed.tenants.acme.id))[0]!;
  const name = ctx.nextSlug();
  await store.db
    .insertInto('trial_projects')
    .values({
      id: `prj_${name}`,
      tenant_id: instance.tenantId,
      instance_id: instance.id,
      name,
      repo_url: 'https://git.example.com/acme/marts',
      path: '',
      owners: '[]',
      sealed_credential: null,
      created_at: new Date().toISOString(),
      version: 1,
    })
    .execute();
  return name;
}

/** A finished trial of acme-prod (the real ones run dbt: src/api/routes/trial.test.ts). */
async function seededTrial(ctx: Context): Promise<string> {
  const { store } = ctx.server;
  const instance = (await store.repos.instances.findByName('acme-prod', ctx.server.seed.tenants.acme.id))[0]!;
  const id = `trl_${ctx.nextSlug()}`;
  await insertTrialRows(store, [
    trialRow(
      { id, instance, state: 'failed', createdBy: ctx.acmeUserId },
      { progress: '{"done":0,"total":2,"step":"queued"}', error: 'matrix' },
    ),
  ]);
  return id;
}

const ACME_PROD = '/api/v1/instances/acme%2Facme-prod';

/** A fresh acme instance: its layers have no revision yet (onboarding). */
async function freshInstance(ctx: Context): Promise<string> {
  const created = await ctx.server.call('POST', '/api/v1/tenants/acme/instances', {
    token: ctx.admin,
    body: { name: ctx.nextSlug(), kind: 'test' },
  });
  expect(created.status, created.text).toBe(201);
  return `/api/v1/instances/${String(created.json.id)}`;
}

/** The path of a pending infrastructure revision: a fresh instance's onboarding revision. */
async function pendingInfrastructure(ctx: Context): Promise<string> {
  const instance = await freshInstance(ctx);
  const response = await ctx.server.call('POST', `${instance}/layers/infrastructure/revisions`, {
    token: ctx.admin,
    body: {
      expectedRevision: 0,
      reason: 'matrix',
      content: { changes: { kubernetes: '1.31' }, description: 'matrix' },
    },
  });
  expect(response.status, response.text).toBe(201);
  return `${instance}/layers/infrastructure/revisions/${String(response.json.number)}`;
}

// Image workflow (issue 4): one rollback request on acme-prod and one upgrade request on acme-test,
// created once by Acme's customer admin, so each step route meets a real, tenant-scoped request.
let imageRequests: Promise<{ rollback: string; upgrade: string }> | null = null;
function imageRequestIds(ctx: Context): Promise<{ rollback: string; upgrade: string }> {
  imageRequests ??= (async () => {
    const token = ctx.server.seed.users.bea.token;
    const rollback = await ctx.server.call('POST', `${ACME_PROD}/image/rollback-requests`, {
      token,
      body: { package: 'dbt-core', target: '==1.10.*', reason: 'matrix' },
    });
    const upgrade = await ctx.server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-test/image/upgrade-requests',
      {
        token,
        body: { requirements: ['dbt-core>=1.11.1'], reason: 'matrix' },
      },
    );
    return { rollback: rollback.json.id as string, upgrade: upgrade.json.id as string };
  })();
  return imageRequests;
}
// Deployers (issue 4): a fresh instance with a webhook deployer, for the public callback route.
const MATRIX_DEPLOY_SECRET = 'matrix-deploy-secret-0123';
let webhookInstanceId: Promise<string> | null = null;
function webhookInstance(ctx: Context): Promise<string> {
  webhookInstanceId ??= (async () => {
    const created = await ctx.server.call('POST', '/api/v1/tenants/acme/instances', {
      token: ctx.admin,
      body: { name: ctx.nextSlug(), kind: 'test' },
    });
    expect(created.status, created.text).toBe(201);
    const id = String(created.json.id);
    const configured = await ctx.server.call('PUT', `/api/v1/instances/${id}/deployer`, {
      token: ctx.admin,
      body: { kind: 'webhook', url: 'http://127.0.0.1:9/deploy', secret: MATRIX_DEPLOY_SECRET },
    });
    expect(configured.status, configured.text).toBe(200);
    return id;
  })();
  return webhookInstanceId;
}
const ONLY_ENGINEER: Row['expect'] = { ...PROVIDER_CHANGE, 'provider-admin': 'forbid' };
const ONLY_CUSTOMER_ADMIN: Row['expect'] = {
  ...PROVIDER_CHANGE,
  'provider-admin': 'forbid',
  'provider-engineer': 'forbid',
  'customer-admin': 'allow',
  'foreign-customer': 'hidden',
};
const ENGINEER_OR_CUSTOMER_ADMIN: Row['expect'] = { ...ONLY_CUSTOMER_ADMIN, 'provider-engineer': 'allow' };
const IMAGE_STEP_BODIES: Record<string, unknown> = {
  approve: { reason: 'matrix' },
  reject: { reason: 'matrix' },
  accept: { reportHash: '0'.repeat(64) },
  refresh: {},
  confirm: {},
  reopen: { information: 'matrix' },
  signoff: {},
};
function imageStep(kind: 'rollback' | 'upgrade', step: string, expect: Row['expect']): Row {
  return {
    expect,
    request: async (ctx, caller) => {
      const ids = await imageRequestIds(ctx);
      const body =
        step === 'promote'
          ? caller === 'provider-admin'
            ? { overrideNoTestInstance: true }
            : {}
          : IMAGE_STEP_BODIES[step];
      return { path: `/api/v1/${kind}-requests/${ids[kind]}/${step}`, body };
    },
  };
}
function imageGet(suffix: string): Row {
  return {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => {
      await imageRequestIds(ctx);
      return { path: `${ACME_PROD}/image${suffix}` };
    },
  };
}

// Issue 6: platform releases, defects, infrastructure changes.
const CUSTOMERS_OWN_TENANT: Row['expect'] = {
  'provider-admin': 'forbid',
  'provider-engineer': 'forbid',
  'provider-support': 'forbid',
  'customer-admin': 'allow',
  'customer-member': 'allow',
  'foreign-customer': 'hidden',
  'lineage-ingest': 'forbid',
};
const ONLY_PROVIDER_ADMIN: Row['expect'] = { ...PROVIDER_CHANGE, 'provider-engineer': 'forbid' };
const SIGNOFF: Row['expect'] = { ...ALL_OWN_TENANT, 'provider-support': 'forbid' };

async function seededDefect(ctx: Context): Promise<string> {
  const row = await ctx.server.store.db
    .selectFrom('defects')
    .select('id')
    .where('tenant_id', '=', ctx.server.seed.tenants.acme.id)
    .orderBy('reported_at')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A fresh acme-prod defect reported by Ana (the matrix's customer-member), so she may confirm it. */
async function anasDefect(ctx: Context): Promise<string> {
  const reported = await ctx.server.call('POST', '/api/v1/defects', {
    token: ctx.server.seed.users.ana.token,
    body: {
      instance: 'acme/acme-prod',
      title: 'matrix',
      observed: 'matrix defect body',
      since: '2025-01-01',
    },
  });
  expect(reported.status, reported.text).toBe(201);
  return String(reported.json.id);
}

let infraWindow = 0;
/** A fresh change planned by the other provider than `caller` (nobody signs off their own change). */
async function plannedChange(ctx: Context, caller: Caller): Promise<string> {
  const planner = caller === 'provider-engineer' ? ctx.admin : ctx.server.seed.users.providerEngineer.token;
  const start = Date.parse('2031-01-01T00:00:00Z') + ++infraWindow * 86_400_000;
  const planned = await ctx.server.call('POST', '/api/v1/infrastructure/changes', {
    token: planner,
    body: {
      title: 'matrix',
      why: 'matrix',
      changes: { kubernetes: '1.99' },
      risk: 'low',
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + 3_600_000).toISOString(),
      instances: ['acme/acme-test'],
    },
  });
  expect(planned.status, planned.text).toBe(201);
  return String(planned.json.id);
}

async function seededChange(ctx: Context): Promise<string> {
  const row = await ctx.server.store.db
    .selectFrom('infrastructure_changes')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return row.id;
}

// Run evidence (issue 5): mappings are configured by admins and provider engineers.
const EVIDENCE_CONFIGURE: Row['expect'] = {
  ...PROVIDER_CHANGE,
  'customer-admin': 'allow',
  'foreign-customer': 'hidden',
};
const INGEST_ONLY: Row['expect'] = {
  'provider-admin': 'forbid',
  'provider-engineer': 'forbid',
  'provider-support': 'forbid',
  'customer-admin': 'forbid',
  'customer-member': 'forbid',
  'foreign-customer': 'forbid',
  'lineage-ingest': 'allow',
};

const TABLE: Record<string, Row> = {
  'POST /api/v1/lineage': {
    expect: INGEST_ONLY,
    request: async () => ({
      path: '/api/v1/lineage',
      body: {
        eventType: 'COMPLETE',
        eventTime: '2025-11-01T09:00:00Z',
        producer: 'https://github.com/apache/airflow/tree/providers-openlineage/2.3.0',
        run: { runId: '0193a000-0000-7000-8000-0000000a7e1c' },
        job: { namespace: 'acme-prod-airflow', name: 'matrix_dag' },
      },
    }),
  },
  'GET /api/v1/instances/{instanceId}/namespaces': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/namespaces` }),
  },
  'PUT /api/v1/instances/{instanceId}/namespaces': {
    expect: EVIDENCE_CONFIGURE,
    request: async () => ({
      path: `${ACME_PROD}/namespaces`,
      body: { namespaces: ['acme-prod-airflow', 'acme-prod-dbt'] },
    }),
  },
  'GET /api/v1/tenants/{tenantId}/ownership': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme/ownership' }),
  },
  'PUT /api/v1/tenants/{tenantId}/ownership': {
    expect: EVIDENCE_CONFIGURE,
    request: async () => ({
      path: '/api/v1/tenants/acme/ownership',
      body: {
        rules: [
          { pattern: 'finance_*', user: 'ana' },
          { pattern: 'marketing_*', user: 'bea' },
          { pattern: 'ops_*', user: 'dan' },
        ],
      },
    }),
  },
  'GET /api/v1/tenants/{tenantId}/constraints': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme/constraints' }),
  },
  'POST /api/v1/tenants/{tenantId}/constraints': {
    expect: EVIDENCE_CONFIGURE,
    request: async () => ({
      path: '/api/v1/tenants/acme/constraints',
      body: { project: 'matrix', constraints: { 'dbt-core': '>=1.0' } },
    }),
  },
  'POST /api/v1/tenants/{tenantId}/ingestion-tokens': {
    expect: ADMINS,
    request: async () => ({ path: '/api/v1/tenants/acme/ingestion-tokens', body: { label: 'matrix' } }),
  },
  'GET /api/v1/instances/{instanceId}/evidence': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/evidence` }),
  },
  'GET /api/v1/instances/{instanceId}/outcomes': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/outcomes` }),
  },
  'GET /api/v1/instances/{instanceId}/impact': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/impact?change=dbt-core%3D%3D1.10.*` }),
  },
  'GET /api/v1/instances/{instanceId}/image': imageGet(''),
  'GET /api/v1/instances/{instanceId}/image/diff': imageGet('/diff'),
  'GET /api/v1/instances/{instanceId}/image/requirements.txt': imageGet('/requirements.txt'),
  'GET /api/v1/instances/{instanceId}/image/pylock.toml': imageGet('/pylock.toml'),
  'GET /api/v1/instances/{instanceId}/image/pins': imageGet('/pins'),
  'GET /api/v1/instances/{instanceId}/image/follow-ups': imageGet('/follow-ups'),
  'GET /api/v1/instances/{instanceId}/image/rollback-requests': imageGet('/rollback-requests'),
  'GET /api/v1/instances/{instanceId}/image/upgrade-requests': imageGet('/upgrade-requests'),
  'POST /api/v1/instances/{instanceId}/image/source': {
    expect: PROVIDER_CHANGE,
    request: async () => ({ path: `${ACME_PROD}/image/source`, body: { source: 'not-a-source' } }),
  },
  'POST /api/v1/instances/{instanceId}/image/import': {
    expect: PROVIDER_CHANGE,
    // Admitted callers are refused by policy (acme-prod's image was recorded through Ratchet).
    request: async () => ({
      path: `${ACME_PROD}/image/import`,
      body: { lock: 'dbt-core==1.10.15\n', python: '3.12', source: 'not-a-source' },
    }),
  },
  'POST /api/v1/instances/{instanceId}/image/rollback-requests': {
    expect: { ...ONLY_CUSTOMER_ADMIN },
    request: async (ctx) => {
      await imageRequestIds(ctx);
      return {
        path: `${ACME_PROD}/image/rollback-requests`,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'matrix' },
      };
    },
  },
  'POST /api/v1/instances/{instanceId}/image/upgrade-requests': {
    expect: ENGINEER_OR_CUSTOMER_ADMIN,
    request: async (ctx) => {
      await imageRequestIds(ctx);
      return {
        path: '/api/v1/instances/acme%2Facme-test/image/upgrade-requests',
        body: { requirements: ['dbt-core>=1.11.1'], reason: 'matrix' },
      };
    },
  },
  'GET /api/v1/rollback-requests/{id}': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/rollback-requests/${(await imageRequestIds(ctx)).rollback}` }),
  },
  'GET /api/v1/changes/{kind}/{id}/activity': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({
      path: `/api/v1/changes/rollback/${(await imageRequestIds(ctx)).rollback}/activity`,
    }),
  },
  'GET /api/v1/upgrade-requests/{id}': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/upgrade-requests/${(await imageRequestIds(ctx)).upgrade}` }),
  },
  'POST /api/v1/rollback-requests/{id}/approve': imageStep('rollback', 'approve', ONLY_ENGINEER),
  'POST /api/v1/rollback-requests/{id}/reject': imageStep('rollback', 'reject', ONLY_ENGINEER),
  'POST /api/v1/rollback-requests/{id}/accept': imageStep('rollback', 'accept', ONLY_CUSTOMER_ADMIN),
  'POST /api/v1/rollback-requests/{id}/refresh': imageStep('rollback', 'refresh', ENGINEER_OR_CUSTOMER_ADMIN),
  'POST /api/v1/rollback-requests/{id}/confirm': imageStep('rollback', 'confirm', ONLY_CUSTOMER_ADMIN),
  'POST /api/v1/rollback-requests/{id}/reopen': imageStep('rollback', 'reopen', ONLY_CUSTOMER_ADMIN),
  'POST /api/v1/upgrade-requests/{id}/approve': imageStep('upgrade', 'approve', ONLY_ENGINEER),
  'POST /api/v1/upgrade-requests/{id}/reject': imageStep('upgrade', 'reject', ONLY_ENGINEER),
  'POST /api/v1/upgrade-requests/{id}/signoff': imageStep('upgrade', 'signoff', ONLY_CUSTOMER_ADMIN),
  'POST /api/v1/upgrade-requests/{id}/promote': imageStep('upgrade', 'promote', {
    ...ENGINEER_OR_CUSTOMER_ADMIN,
    'provider-admin': 'allow',
  }),
  'POST /api/v1/instances/{instanceId}/image/deployment/confirm': {
    expect: PROVIDER_CHANGE,
    request: async () => ({ path: '/api/v1/instances/acme%2Facme-test/image/deployment/confirm', body: {} }),
  },
  'POST /api/v1/instances/{instanceId}/image/deployment/fail': {
    expect: PROVIDER_CHANGE,
    request: async () => ({ path: '/api/v1/instances/acme%2Facme-test/image/deployment/fail', body: {} }),
  },
  'POST /api/v1/instances/{instanceId}/image/deployment/retry': {
    expect: PROVIDER_CHANGE,
    request: async () => ({ path: '/api/v1/instances/acme%2Facme-test/image/deployment/retry', body: {} }),
  },
  'GET /api/v1/instances/{instanceId}/deployer': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/deployer` }),
  },
  'PUT /api/v1/instances/{instanceId}/deployer': {
    expect: PROVIDER_CHANGE,
    request: async () => ({ path: `${ACME_PROD}/deployer`, body: { kind: 'record' } }),
  },
  // Trials (issue 16): customer admins manage their own tenant's projects; 400 past access control
  // (no RATCHET_PROJECT_REPOS here, no project registered to try).
  'POST /api/v1/instances/{instanceId}/projects': {
    expect: { ...PROVIDER_CHANGE, 'customer-admin': 'allow', 'foreign-customer': 'hidden' },
    request: async () => ({
      path: `${ACME_PROD}/projects`,
      body: { name: 'marts', repo: 'https://git.example.com/acme/marts' },
    }),
  },
  'GET /api/v1/instances/{instanceId}/projects': {
    expect: { ...PROVIDERS, 'customer-admin': 'allow', 'foreign-customer': 'hidden' },
    request: async () => ({ path: `${ACME_PROD}/projects` }),
  },
  'DELETE /api/v1/instances/{instanceId}/projects/{name}': {
    expect: { ...PROVIDER_CHANGE, 'customer-admin': 'allow', 'foreign-customer': 'hidden' },
    request: async (ctx) => ({ path: `${ACME_PROD}/projects/${await seededProject(ctx)}` }),
  },
  'POST /api/v1/instances/{instanceId}/image/trials': {
    expect: { ...PROVIDER_CHANGE, 'customer-admin': 'allow', 'foreign-customer': 'hidden' },
    request: async () => ({ path: `${ACME_PROD}/image/trials`, body: { set: ['dbt-core==1.10.*'] } }),
  },
  'GET /api/v1/instances/{instanceId}/image/trials': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/image/trials` }),
  },
  'GET /api/v1/instances/{instanceId}/image/trials/{trialId}': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `${ACME_PROD}/image/trials/${await seededTrial(ctx)}` }),
  },
  'POST /api/v1/instances/{instanceId}/image/trials/{trialId}/cancel': {
    expect: { ...PROVIDER_CHANGE, 'customer-admin': 'allow', 'foreign-customer': 'hidden' },
    request: async (ctx) => ({
      path: `${ACME_PROD}/image/trials/${await seededTrial(ctx)}/cancel`,
      body: {},
    }),
  },
  // Public: a bearer token neither helps nor hurts; a correctly signed callback passes access
  // control for everyone (409 here: nothing waits on that revision). Bad signatures: deployers.test.ts.
  'POST /api/v1/deployments/callback': {
    expect: { ...ALL, 'lineage-ingest': 'allow' },
    anonymous: 'allow',
    request: async (ctx) => {
      const instanceId = await webhookInstance(ctx);
      const body = { instanceId, revision: 1, status: 'deployed' };
      const signature = signWebhookBody(MATRIX_DEPLOY_SECRET, JSON.stringify(body));
      return { path: '/api/v1/deployments/callback', body, headers: { 'ratchet-signature': signature } };
    },
  },
  'GET /api/v1/tenants': { expect: ALL, request: async () => ({ path: '/api/v1/tenants' }) },
  'POST /api/v1/tenants': {
    expect: { ...PROVIDER_CHANGE, 'provider-engineer': 'forbid' },
    request: async (ctx) => ({ path: '/api/v1/tenants', body: { slug: ctx.nextSlug(), name: 'Matrix' } }),
  },
  'GET /api/v1/tenants/{tenantId}': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme' }),
  },
  'GET /api/v1/tenants/{tenantId}/instances': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme/instances' }),
  },
  'POST /api/v1/tenants/{tenantId}/instances': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: '/api/v1/tenants/acme/instances',
      body: { name: ctx.nextSlug(), kind: 'test' },
    }),
  },
  'GET /api/v1/instances': { expect: ALL, request: async () => ({ path: '/api/v1/instances' }) },
  'GET /api/v1/instances/{instanceId}': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: ACME_PROD }),
  },
  'GET /api/v1/instances/{instanceId}/status': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/status` }),
  },
  'GET /api/v1/fleet/status': { expect: ALL, request: async () => ({ path: '/api/v1/fleet/status' }) },
  'GET /api/v1/instances/{instanceId}/layers/{layer}/revisions': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/layers/image/revisions` }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions': {
    expect: PROVIDER_CHANGE,
    // Onboarding a fresh instance: the only direct infrastructure revision the policy allows.
    request: async (ctx) => ({
      path: `${await freshInstance(ctx)}/layers/infrastructure/revisions`,
      body: {
        expectedRevision: 0,
        reason: 'matrix',
        content: { changes: { kubernetes: '1.31' }, description: 'm' },
      },
    }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions/{number}/deployed': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: `${await pendingInfrastructure(ctx)}/deployed`,
      body: {},
    }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions/{number}/failed': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: `${await pendingInfrastructure(ctx)}/failed`,
      body: {},
    }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/rollback': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/layers/platform/rollback`, body: { toRevision: 1 } }),
  },
  'GET /api/v1/policy': { expect: ALL, request: async () => ({ path: '/api/v1/policy' }) },
  'GET /api/v1/audit': { expect: PROVIDERS, request: async () => ({ path: '/api/v1/audit' }) },
  'GET /api/v1/deliveries/failed': {
    expect: PROVIDERS,
    request: async () => ({ path: '/api/v1/deliveries/failed' }),
  },
  'POST /api/v1/deliveries/{deliveryId}/requeue': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({ path: `/api/v1/deliveries/${await parkedDelivery(ctx)}/requeue`, body: {} }),
  },
  'POST /api/v1/audit/verify': {
    expect: PROVIDERS,
    request: async () => ({ path: '/api/v1/audit/verify', body: {} }),
  },
  'GET /api/v1/me': {
    expect: { ...ALL, 'lineage-ingest': 'allow' },
    request: async () => ({ path: '/api/v1/me' }),
  },
  'POST /api/v1/users': {
    expect: ADMINS,
    request: async (ctx) => ({
      path: '/api/v1/users',
      body: { name: `user ${ctx.nextSlug()}`, role: 'customer-member', tenant: 'acme' },
    }),
  },
  'POST /api/v1/tokens': {
    expect: ADMINS,
    request: async (ctx) => ({ path: '/api/v1/tokens', body: { userId: ctx.acmeUserId } }),
  },
  'DELETE /api/v1/tokens/{id}': {
    expect: ADMINS,
    request: async (ctx) => {
      const issued = await ctx.server.call('POST', '/api/v1/tokens', {
        token: ctx.admin,
        body: { userId: ctx.acmeUserId, label: 'to revoke' },
      });
      expect(issued.status, issued.text).toBe(201);
      return { path: `/api/v1/tokens/${(issued.json.info as { id: string }).id}` };
    },
  },
  'GET /api/v1/platform/releases': {
    expect: ALL,
    request: async () => ({ path: '/api/v1/platform/releases' }),
  },
  'POST /api/v1/platform/releases': {
    expect: PROVIDER_CHANGE,
    request: async () => ({
      path: '/api/v1/platform/releases',
      body: { version: `9.${++infraWindow}.0`, components: { airflow: '9' } },
    }),
  },
  'POST /api/v1/platform/releases/{version}/rollouts': {
    expect: PROVIDER_CHANGE,
    // A downgrade: a 409 policy answer for the roles that may roll out.
    request: async () => ({
      path: '/api/v1/platform/releases/3.3.0/rollouts',
      body: { instance: 'acme/acme-prod' },
    }),
  },
  'GET /api/v1/platform/status': { expect: ALL, request: async () => ({ path: '/api/v1/platform/status' }) },
  'GET /api/v1/defects': { expect: ALL, request: async () => ({ path: '/api/v1/defects' }) },
  'POST /api/v1/defects': {
    expect: CUSTOMERS_OWN_TENANT,
    request: async () => ({
      path: '/api/v1/defects',
      body: {
        instance: 'acme/acme-prod',
        title: 'matrix',
        observed: 'matrix defect body',
        since: '2025-01-01',
      },
    }),
  },
  'GET /api/v1/defects/severities': {
    expect: ALL,
    request: async () => ({ path: '/api/v1/defects/severities' }),
  },
  'PUT /api/v1/defects/severities/{severity}': {
    expect: ONLY_PROVIDER_ADMIN,
    request: async () => ({
      path: '/api/v1/defects/severities/4',
      body: { name: 'Low', definition: 'Cosmetic', responseMinutes: 4320, resolutionMinutes: 86400 },
    }),
  },
  'POST /api/v1/defects/sla-checks': {
    expect: PROVIDERS,
    request: async () => ({ path: '/api/v1/defects/sla-checks', body: {} }),
  },
  'GET /api/v1/defects/{id}': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/defects/${await seededDefect(ctx)}` }),
  },
  'POST /api/v1/defects/{id}/triage': {
    expect: PROVIDERS,
    request: async (ctx) => ({
      path: `/api/v1/defects/${await anasDefect(ctx)}/triage`,
      body: { severity: 3 },
    }),
  },
  'POST /api/v1/defects/{id}/start-fix': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({ path: `/api/v1/defects/${await seededDefect(ctx)}/start-fix`, body: {} }),
  },
  'POST /api/v1/defects/{id}/link': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: `/api/v1/defects/${await seededDefect(ctx)}/link`,
      body: { release: '3.4.0' },
    }),
  },
  'POST /api/v1/defects/{id}/close': {
    expect: PROVIDERS,
    request: async (ctx) => ({
      path: `/api/v1/defects/${await anasDefect(ctx)}/close`,
      body: { as: 'not-a-defect', reason: 'matrix closing' },
    }),
  },
  'POST /api/v1/defects/{id}/resolve': {
    expect: CUSTOMERS_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/defects/${await anasDefect(ctx)}/resolve`, body: {} }),
  },
  'POST /api/v1/defects/{id}/reopen': {
    expect: CUSTOMERS_OWN_TENANT,
    request: async (ctx) => ({
      path: `/api/v1/defects/${await anasDefect(ctx)}/reopen`,
      body: { reason: 'matrix reopen' },
    }),
  },
  'GET /api/v1/infrastructure/changes': {
    expect: ALL,
    request: async () => ({ path: '/api/v1/infrastructure/changes' }),
  },
  'POST /api/v1/infrastructure/changes': {
    expect: PROVIDER_CHANGE,
    request: async () => {
      const start = Date.parse('2032-01-01T00:00:00Z') + ++infraWindow * 86_400_000;
      return {
        path: '/api/v1/infrastructure/changes',
        body: {
          title: 'matrix',
          why: 'matrix',
          changes: { kubernetes: '1.99' },
          risk: 'low',
          windowStart: new Date(start).toISOString(),
          windowEnd: new Date(start + 3_600_000).toISOString(),
          instances: ['acme/acme-prod'],
        },
      };
    },
  },
  'GET /api/v1/infrastructure/changes/{id}': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/infrastructure/changes/${await seededChange(ctx)}` }),
  },
  'POST /api/v1/infrastructure/changes/{id}/signoffs': {
    expect: SIGNOFF,
    request: async (ctx, caller) => ({
      path: `/api/v1/infrastructure/changes/${await plannedChange(ctx, caller)}/signoffs`,
      body: {},
    }),
  },
  'POST /api/v1/infrastructure/changes/{id}/apply': {
    expect: PROVIDER_CHANGE,
    request: async (ctx, caller) => ({
      path: `/api/v1/infrastructure/changes/${await plannedChange(ctx, caller)}/apply`,
      body: { acknowledgeIrreversible: true },
    }),
  },
  'POST /api/v1/infrastructure/changes/{id}/undo': {
    expect: ALL_OWN_TENANT,
    request: async (ctx) => ({ path: `/api/v1/infrastructure/changes/${await seededChange(ctx)}/undo` }),
  },
};

// Issue 13: on both engines (PostgreSQL answered 500 where SQLite answered 4xx).
describe.each(engines)('authorization matrix (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  let ctx: Context;
  const tokens = new Map<Caller, string>();
  let routes: string[] = [];

  beforeAll(async () => {
    // The lazily created fixtures belong to one server.
    imageRequests = null;
    webhookInstanceId = null;
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_matrix');
    server = await startTestServer(storeOptionsFor(database));
    const { users } = server.seed;
    const admin = users.providerAdmin.token;
    let counter = 0;
    ctx = {
      server,
      admin,
      acmeUserId: users.ana.user.id,
      nextSlug: () => `matrix-${++counter}`,
    };
    const demo = [users.providerAdmin, users.providerEngineer, users.bea, users.ana];
    for (const { user, token } of demo) {
      if (user.tenantId === null || user.tenantId === server.seed.tenants.acme.id)
        tokens.set(user.role, token);
    }
    tokens.set('foreign-customer', users.globexAdmin.token);
    const ingestion = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
      token: admin,
      body: { label: 'matrix' },
    });
    expect(ingestion.status, ingestion.text).toBe(201);
    tokens.set('lineage-ingest', String(ingestion.json.token));
    for (const role of ['provider-support', 'customer-admin', 'customer-member'] as const) {
      if (tokens.has(role)) continue;
      const user = await server.call('POST', '/api/v1/users', {
        token: admin,
        body: { name: `a ${role}`, role, ...(role.startsWith('customer') ? { tenant: 'acme' } : {}) },
      });
      expect(user.status, user.text).toBe(201);
      const token = await server.call('POST', '/api/v1/tokens', {
        token: admin,
        body: { userId: user.json.id },
      });
      tokens.set(role, String(token.json.token));
    }
    const openapi = await server.call('GET', '/openapi.json');
    const paths = openapi.json.paths as Record<string, Record<string, unknown>>;
    routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  it('has a row for every route in the OpenAPI document, and no stale rows', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((route) => !(route in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('documents the allowed roles on every operation', async () => {
    const openapi = await server.call('GET', '/openapi.json');
    const paths = openapi.json.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>;
    const publicRoutes: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods) as [string, { security?: unknown[] }][]) {
        // A public route authenticates otherwise (a signature): it names no roles, its row says so.
        if (operation.security?.length === 0) publicRoutes.push(`${method.toUpperCase()} ${path}`);
        else expect((operation as { 'x-roles'?: string[] })['x-roles']?.length).toBeGreaterThan(0);
      }
    }
    expect(publicRoutes.sort()).toEqual(
      Object.keys(TABLE)
        .filter((route) => TABLE[route]!.anonymous !== undefined)
        .sort(),
    );
  });

  it.each(Object.keys(TABLE))('%s: every caller gets the expected answer', async (route) => {
    const row = TABLE[route]!;
    const method = route.split(' ')[0]!;
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const caller of CALLERS) {
      const { path, body, headers } = await row.request(ctx, caller);
      const token = tokens.get(caller);
      const response = await server.call(method, path, {
        ...(token ? { token } : {}),
        ...(headers ? { headers } : {}),
        body,
      });
      const outcome =
        response.status === 401
          ? 'unauthenticated'
          : response.status === 403
            ? 'forbid'
            : response.status === 404
              ? 'hidden'
              : response.status >= 500
                ? `error ${response.status}`
                : 'allow';
      answers[caller] = outcome;
      expected[caller] = caller === 'anonymous' ? (row.anonymous ?? 'unauthenticated') : row.expect[caller];
    }
    expect(answers).toEqual(expected);
  });

  // Issue 13: access control passing is not enough; what a customer reads must not name another
  // tenant. Runs after the table (so its state exists) over every GET route, listings included.
  it("a customer's answer from every GET route holds no other tenant's ids, names or emails", async () => {
    const { users, tenants, instances } = server.seed;
    const globexToken = users.globexAdmin.token;
    // Give Globex a hotfixed defect, so a release's `fixes` and `targets` name Globex things.
    const reported = await server.call('POST', '/api/v1/defects', {
      token: globexToken,
      body: {
        instance: 'globex/globex-prod',
        title: 'globex only',
        observed: 'globex defect',
        since: '2025-01-01',
      },
    });
    expect(reported.status, reported.text).toBe(201);
    const defectId = String(reported.json.id);
    const triaged = await server.call('POST', `/api/v1/defects/${defectId}/triage`, {
      token: ctx.admin,
      body: { severity: 2 },
    });
    expect(triaged.status, triaged.text).toBe(200);
    const published = await server.call('POST', '/api/v1/platform/releases', {
      token: ctx.admin,
      body: { version: '99.0.0', components: { airflow: '99' }, fixes: [defectId] },
    });
    expect(published.status, published.text).toBe(201);
    expect(published.json.targets).toEqual([instances.globexProd.id]);

    const globexId = tenants.globex.id;
    const db = server.store.db;
    const foreignUsers = await db
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('tenant_id', '=', globexId)
      .execute();
    const foreignInstances = await db
      .selectFrom('instances')
      .select(['id', 'name'])
      .where('tenant_id', '=', globexId)
      .execute();
    const foreignDefects = await db
      .selectFrom('defects')
      .select('id')
      .where('tenant_id', '=', globexId)
      .execute();
    // Ids and emails are unique enough to search as text; names are searched as whole JSON strings.
    const needles = [
      globexId,
      ...foreignUsers.flatMap((user) => [user.id, ...(user.email ? [user.email] : [])]),
      ...foreignInstances.map((instance) => instance.id),
      ...foreignDefects.map((defect) => defect.id),
    ];
    const names = [
      tenants.globex.name,
      tenants.globex.slug,
      ...foreignUsers.map((u) => u.name),
      ...foreignInstances.map((i) => i.name),
    ];
    expect(needles.length).toBeGreaterThan(4);

    const leaks: string[] = [];
    const reads = Object.keys(TABLE).filter((route) => route.startsWith('GET '));
    expect(reads.length).toBeGreaterThan(20);
    for (const route of reads) {
      for (const caller of ['customer-admin', 'customer-member'] as const) {
        const { path } = await TABLE[route]!.request(ctx, caller);
        const response = await server.call('GET', path, { token: tokens.get(caller)! });
        const found = [
          ...needles.filter((needle) => response.text.includes(needle)),
          ...names.filter((name) => response.text.includes(JSON.stringify(name))),
        ];
        if (found.length > 0) leaks.push(`${caller} ${route}: ${found.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
