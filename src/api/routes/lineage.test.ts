/**
 * Run evidence over real HTTP (issue 5): the policy's scenario posted as Airflow and dbt-ol send it,
 * the impact report it yields, replays, refusals that store nothing, and token scope.
 */
import { lastAuditEntry } from '../../../test/support/audit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMITS, scenarioEvents } from '../../workflows/evidence/scenario.js';
import { countRunEvents } from '../../workflows/evidence/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Pipeline {
  pipeline: string;
  owners: string[];
  jobs: { job: string; owners: string[]; verdict: string; basis: string; reason: string }[];
  verdict: string;
  basis: string;
  reason: string;
  currentCode: string | null;
  evidence: { runId: string; imageRevision: number; codeRevision: string | null; outcome: string }[];
}

/** The 201 body with nothing ignored, read as UTC or dropped, unless said. */
function counted(counts: Record<string, unknown>): Record<string, unknown> {
  return {
    stored: 0,
    duplicates: 0,
    ignored: 0,
    assumedUtc: 0,
    facetsDropped: 0,
    droppedFacets: [],
    ...counts,
  };
}

function byPipeline(report: Record<string, unknown>): Map<string, Pipeline> {
  return new Map((report.pipelines as Pipeline[]).map((p) => [p.pipeline, p]));
}

describe('POST /api/v1/lineage and the impact report', () => {
  let server: TestServer;
  let ingest: string;
  let globexIngest: string;
  let admin: string;
  const scenario = (): Record<string, unknown>[] =>
    scenarioEvents(19, {
      airflowNamespace: 'acme-test-airflow',
      dbtNamespace: 'acme-test-dbt',
      start: new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 20 * DAY_MS),
      before: { revision: 1, dbtVersion: '1.10.15' },
      after: { revision: 2, dbtVersion: '1.11.0' },
      explicitRevision: true,
    });
  const stored = (): Promise<number> => countRunEvents(server.store.db);
  const auditRows = (): Promise<number> => server.store.repos.audit.count();

  async function post(body: string, contentType = 'application/json', token = ingest) {
    return server.call('POST', '/api/v1/lineage', {
      token,
      rawBody: body,
      headers: { 'content-type': contentType },
    });
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = server.seed.users.providerAdmin.token;
    const issued = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
      token: server.seed.users.bea.token,
      body: { label: 'airflow' },
    });
    expect(issued.status, issued.text).toBe(201);
    ingest = String(issued.json.token);
    const globex = await server.call('POST', '/api/v1/tenants/globex/ingestion-tokens', {
      token: admin,
      body: {},
    });
    globexIngest = String(globex.json.token);
  });
  afterAll(async () => server.close());

  it('answers the demo question: rolling acme-prod back to dbt 1.10 fixes Bea and breaks Ana', async () => {
    const response = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-prod/impact?change=dbt-core%3D%3D1.10.*',
      {
        token: server.seed.users.bea.token,
      },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.json.packages).toEqual([
      { name: 'dbt-core', from: '1.11.0', to: '==1.10.*', moves: true },
    ]);
    expect(response.json.reportHash).toMatch(/^[0-9a-f]{64}$/);
    const pipelines = byPipeline(response.json.report as Record<string, unknown>);
    expect(pipelines.get('finance_daily')).toMatchObject({
      verdict: 'breaks',
      basis: 'adapted',
      owners: ['ana'],
    });
    expect(pipelines.get('marketing_attribution')).toMatchObject({ verdict: 'fixes', owners: ['bea'] });
    expect(pipelines.get('sales_rollup')?.verdict).toBe('unaffected');
    expect(pipelines.get('ops_health')).toMatchObject({ verdict: 'unaffected', owners: ['dan'] });
    expect(pipelines.get('forecast_weekly')?.verdict).toBe('unknown');
  });

  it('stores Airflow single events, an array and NDJSON, and classifies the scenario with its evidence', async () => {
    const events = scenario();
    const before = await stored();
    // Airflow's provider and dbt-ol post one event per request.
    for (const event of events.slice(0, 12)) {
      const one = await post(JSON.stringify(event));
      expect(one.status, one.text).toBe(201);
      expect(one.json).toEqual(counted({ stored: 1 }));
    }
    const array = await post(JSON.stringify(events.slice(12, 300)));
    expect(array.json).toEqual(counted({ stored: 288 }));
    const ndjson = `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
    const rest = await post(ndjson, 'application/x-ndjson');
    expect(rest.status, rest.text).toBe(201);
    expect(rest.json).toEqual(counted({ stored: events.length - 300, duplicates: 300 }));
    expect(await stored()).toBe(before + events.length);

    const impact = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-test/impact?change=dbt-core%3D%3D1.10.*&windowDays=30',
      { token: server.seed.users.ana.token },
    );
    expect(impact.status, impact.text).toBe(200);
    const report = impact.json.report as Record<string, unknown>;
    const pipelines = byPipeline(report);
    const finance = pipelines.get('finance_daily')!;
    expect(finance).toMatchObject({
      verdict: 'breaks',
      basis: 'adapted',
      owners: ['ana'],
      currentCode: COMMITS.financeAdapted,
    });
    expect(finance.evidence.map((run) => [run.imageRevision, run.codeRevision, run.outcome])).toEqual([
      [1, COMMITS.financeOld, 'success'],
      [2, COMMITS.financeOld, 'failure'],
      [2, COMMITS.financeAdapted, 'success'],
      [2, COMMITS.financeAdapted, 'success'],
    ]);
    expect(pipelines.get('marketing_attribution')).toMatchObject({
      verdict: 'fixes',
      owners: ['bea'],
      basis: 'same-code',
    });
    expect(pipelines.get('sales_rollup')?.verdict).toBe('unaffected');
    expect(pipelines.get('forecast_weekly')?.verdict).toBe('unknown');
    expect(String(report.summary)).toMatch(/^Rollback fixes 1 pipeline of bea; breaks 1 pipeline of ana/);

    const listing = await server.call('GET', '/api/v1/instances/acme%2Facme-test/evidence?limit=2', {
      token: server.seed.users.ana.token,
    });
    expect(listing.status, listing.text).toBe(200);
    expect(listing.json.jobs).toHaveLength(2);
    expect(listing.json.nextOffset).toBe(2);
    const job = (
      listing.json.jobs as { pipeline: string; jobName: string; events: number; failures: number }[]
    )[0]!;
    expect(job).toMatchObject({
      pipeline: 'finance_daily',
      jobName: 'dbt-run-finance',
      events: 38,
      failures: 2,
    });
  });

  it('stores a replayed batch once and counts the duplicates', async () => {
    const events = scenario().slice(0, 50);
    const before = await stored();
    const replay = await post(events.map((e) => JSON.stringify(e)).join('\n'), 'application/x-ndjson');
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(counted({ duplicates: 50 }));
    // The same event twice inside one batch is one row too.
    const fresh = { ...events[0]!, run: { runId: '0193a000-0000-7000-8000-0000000ba7c4' } };
    const twice = await post(JSON.stringify([fresh, fresh]));
    expect(twice.json).toEqual(counted({ stored: 1, duplicates: 1 }));
    expect(await stored()).toBe(before + 1);
  });

  const good = {
    eventType: 'COMPLETE',
    eventTime: '2025-11-01T09:00:00Z',
    producer: 'https://github.com/apache/airflow/tree/providers-openlineage/2.3.0',
    run: { runId: '0193a000-0000-7000-8000-00000000bad0' },
    job: { namespace: 'acme-test-airflow', name: 'dag' },
  };
  const refusals: [string, string, string, RegExp][] = [
    ['no run.runId', JSON.stringify({ ...good, run: {} }), 'application/json', /run\.runId/],
    [
      'no job.namespace',
      JSON.stringify({ ...good, job: { name: 'x' } }),
      'application/json',
      /job\.namespace/,
    ],
    [
      'a run id that is not a UUID',
      JSON.stringify({ ...good, run: { runId: 'run-42' } }),
      'application/json',
      /^run\.runId must be a UUID/,
    ],
    [
      'a time that is no time',
      JSON.stringify({ ...good, eventTime: 'tuesday' }),
      'application/json',
      /eventTime/,
    ],
    ['not an event', '"hello"', 'application/json', /event/],
    ['not JSON', '{"eventType":', 'application/json', /not valid JSON/],
    [
      'a bad line in NDJSON',
      `${JSON.stringify(good)}\n${JSON.stringify({ ...good, job: { namespace: 'acme-test-airflow' } })}\n`,
      'application/x-ndjson',
      /^line 2: job\.name/,
    ],
    [
      'an unknown namespace in an array',
      JSON.stringify([good, { ...good, job: { namespace: 'nobody', name: 'x' } }]),
      'application/json',
      /^event 1: job\.namespace 'nobody' belongs to no instance/,
    ],
    ['an empty batch', '[]', 'application/json', /no event/],
  ];
  it.each(refusals)(
    'refuses %s with a 400 naming the field, and stores nothing',
    async (_what, body, type, detail) => {
      const [rows, audit] = [await stored(), await auditRows()];
      const response = await post(body, type);
      expect(response.status, response.text).toBe(400);
      expect(response.contentType).toContain('application/problem+json');
      expect(String(response.json.detail)).toMatch(detail);
      expect(response.json.remedy).toEqual(expect.any(String));
      expect([await stored(), await auditRows()]).toEqual([rows, audit]);
    },
  );

  it('accepts what Marquez tolerates, and says what happened to each kind of event', async () => {
    const before = await stored();
    const runId = (n: number): string => `0193a000-0000-7000-8000-0000000c0d${String(n).padStart(2, '0')}`;
    const body = [
      // A DatasetEvent and a JobEvent (OpenLineage 2-0-2 static events): no run, nothing to store.
      {
        eventTime: '2025-11-01T09:00:00Z',
        producer: good.producer,
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
        dataset: { namespace: 'duckdb', name: 'main.orders' },
      },
      { eventTime: '2025-11-01T09:00:00Z', producer: good.producer, job: good.job },
      // What older Python clients send: a naive time, read as UTC.
      { ...good, run: { runId: runId(1) }, eventTime: '2025-11-01T09:00:00.123456' },
      // A parent facet without its run: the event is kept, the facet read as absent.
      { ...good, run: { runId: runId(2), facets: { parent: { job: { namespace: 'x', name: 'y' } } } } },
    ];
    const response = await post(body.map((e) => JSON.stringify(e)).join('\n'), 'application/x-ndjson');
    expect(response.status, response.text).toBe(201);
    expect(response.json).toEqual(
      counted({
        stored: 2,
        ignored: 2,
        assumedUtc: 1,
        facetsDropped: 1,
        droppedFacets: [{ event: 'line 4', field: 'run.facets.parent.run', message: expect.any(String) }],
      }),
    );
    expect(await stored()).toBe(before + 2);
    const only = await post(JSON.stringify(body[0]));
    expect(only.json).toEqual(counted({ ignored: 1 }));
  });

  it('refuses an unsupported content type with 415', async () => {
    const response = await post(JSON.stringify(good), 'text/plain');
    expect(response.status).toBe(415);
  });

  it('keeps ingestion tokens to their route and tenant', async () => {
    const rows = await stored();
    // A person's token may not post evidence; an ingestion token may not read anything.
    expect((await post(JSON.stringify(good), 'application/json', admin)).status).toBe(403);
    expect((await server.call('GET', '/api/v1/instances', { token: ingest })).status).toBe(403);
    expect(
      (await server.call('GET', '/api/v1/instances/acme%2Facme-test/evidence', { token: ingest })).status,
    ).toBe(403);
    // Globex's token cannot place events on Acme's namespaces: they belong to no instance of Globex.
    const foreign = await post(JSON.stringify(good), 'application/json', globexIngest);
    expect(foreign.status).toBe(400);
    expect(String(foreign.json.detail)).toContain("'acme-test-airflow' belongs to no instance");
    // Globex's admin does not see Acme's evidence.
    const hidden = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-test/impact?change=dbt-core%3D%3D1.10.*',
      {
        token: server.seed.users.globexAdmin.token,
      },
    );
    expect(hidden.status).toBe(404);
    expect(await stored()).toBe(rows);
  });

  it('maps namespaces with a conflict check, audited', async () => {
    const audit = await auditRows();
    const taken = await server.call('PUT', '/api/v1/instances/acme%2Facme-test/namespaces', {
      token: admin,
      body: { namespaces: ['acme-prod-airflow'] },
    });
    expect(taken.status).toBe(409);
    expect(String(taken.json.detail)).toContain('already belongs to instance acme-prod');
    // Refused: no change is recorded, only the refusal itself.
    expect(await auditRows()).toBe(audit + 1);
    expect(await lastAuditEntry(server.store)).toMatchObject({
      action: 'request.refused',
      target: 'route:PUT /api/v1/instances/:instanceId/namespaces',
    });
    const current = await server.call('GET', '/api/v1/instances/acme%2Facme-test/namespaces', {
      token: admin,
    });
    const put = await server.call('PUT', '/api/v1/instances/acme%2Facme-test/namespaces', {
      token: admin,
      body: {
        namespaces: ['acme-test-airflow', 'acme-test-dbt', 'acme-test-extra'],
        expectedVersion: current.json.version,
      },
    });
    expect(put.status, put.text).toBe(200);
    expect(await auditRows()).toBe(audit + 2);
    const stale = await server.call('PUT', '/api/v1/instances/acme%2Facme-test/namespaces', {
      token: admin,
      body: { namespaces: [], expectedVersion: current.json.version },
    });
    expect(stale.status).toBe(409);
  });

  it('turns a declared require-dbt-version that excludes the target into a certain break', async () => {
    const bad = await server.call('POST', '/api/v1/tenants/acme/constraints', {
      token: admin,
      rawBody: 'name: sales\nrequire-dbt-version: [">=1.11.0", "not a specifier"]\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(bad.status).toBe(400);
    const upload = await server.call('POST', '/api/v1/tenants/acme/constraints', {
      token: server.seed.users.bea.token,
      rawBody: 'name: sales\nversion: "1.0"\nrequire-dbt-version: [">=1.11.0", "<2.0.0"]\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(upload.status, upload.text).toBe(201);
    expect(upload.json.project).toBe('sales');
    const impact = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-test/impact?change=dbt-core%3D%3D1.10.*',
      {
        token: admin,
      },
    );
    expect(byPipeline(impact.json.report as Record<string, unknown>).get('sales_rollup')).toMatchObject({
      verdict: 'breaks',
      basis: 'constraint',
    });
  });

  it('refuses an impact question about a package the image does not pin', async () => {
    const response = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-test/impact?change=left-pad==1.0',
      {
        token: admin,
      },
    );
    expect(response.status).toBe(400);
    expect(String(response.json.detail)).toContain('left-pad is not pinned');
  });
});
