/**
 * Issue 13, items 3 and 5: a NUL character, a lone surrogate or a too-deep JSON document in any
 * path parameter, query parameter or body field of any route in /openapi.json is a 400 naming the
 * field, on SQLite and on PostgreSQL (where NUL once answered 500), and writes nothing. Each route is
 * called by a caller it admits, so the guard, not the role check, is what answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';
import { JSON_MAX_DEPTH } from '../../src/domain/input/index.js';
import { engines } from '../support/engines.js';
import { fillPath, operationsOf } from '../support/openapi-operations.js';
import type { OpenApiDocument, Operation } from '../support/openapi-operations.js';
import { createScratchDatabase, storeOptionsFor } from '../support/scratch-postgres.js';
import type { ScratchDatabase } from '../support/scratch-postgres.js';
import { stateDigest } from '../support/state-digest.js';

const NUL = 'a\u0000b';
const LONE_HIGH = 'x\ud800';
const LONE_LOW = '\udc00y';

interface Answer {
  status: number;
  contentType: string;
  detail: string;
}

/** A lineage event whose run.facets.x nests `levels` objects deep, as raw JSON text. */
function deepLineageEvent(levels: number): string {
  const nested = `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  return (
    '{"eventType":"COMPLETE","eventTime":"2025-11-01T09:00:00Z","producer":"p",' +
    `"run":{"runId":"0193a000-0000-7000-8000-00000000dee9","facets":{"x":${nested}}},"job":{"namespace":"acme-prod-airflow","name":"deep"}}`
  );
}

describe.each(engines)('input guard at the edge (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  let operations: Operation[];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_edge');
    server = await startTestServer(storeOptionsFor(database));
    const { users } = server.seed;
    tokens.set('provider-admin', users.providerAdmin.token);
    tokens.set('provider-engineer', users.providerEngineer.token);
    tokens.set('customer-admin', users.bea.token);
    tokens.set('customer-member', users.ana.token);
    const support = await server.call('POST', '/api/v1/users', {
      token: users.providerAdmin.token,
      body: { name: 'edge support', role: 'provider-support' },
    });
    expect(support.status, support.text).toBe(201);
    const supportToken = await server.call('POST', '/api/v1/tokens', {
      token: users.providerAdmin.token,
      body: { userId: support.json.id },
    });
    tokens.set('provider-support', String(supportToken.json.token));
    const ingestion = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
      token: users.providerAdmin.token,
      body: { label: 'edge' },
    });
    expect(ingestion.status, ingestion.text).toBe(201);
    tokens.set('lineage-ingest', String(ingestion.json.token));
    const doc = (await server.call('GET', '/openapi.json')).json as unknown as OpenApiDocument;
    operations = operationsOf(doc);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  /** A token of a role the route admits; none for a public route. */
  function tokenFor(op: Operation): string | undefined {
    if (op.roles === null) return undefined;
    const role = op.roles.find((candidate) => tokens.has(candidate));
    if (role === undefined)
      throw new Error(`no test token for ${op.method} ${op.path}: ${op.roles.join(',')}`);
    return tokens.get(role);
  }

  async function send(
    op: Operation,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<Answer> {
    const token = tokenFor(op);
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${server.url}${path}`, { method: op.method, headers, body });
    const text = await response.text();
    let detail = '';
    try {
      detail = String((JSON.parse(text) as { detail?: unknown }).detail ?? '');
    } catch {
      detail = text.slice(0, 200);
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', detail };
  }

  it('answers 400 naming the field for every parameter and body field of every route, and writes nothing', async () => {
    const before = await stateDigest(server.store);
    const wrong: string[] = [];
    let checked = 0;
    function expectNamed(request: string, answer: Answer, field: string): void {
      checked++;
      const ok =
        answer.status === 400 &&
        answer.contentType.startsWith('application/problem+json') &&
        answer.detail.includes(field);
      if (!ok) wrong.push(`${request}: ${String(answer.status)} ${answer.detail.slice(0, 160)}`);
    }
    for (const op of operations) {
      const writes = op.method !== 'GET' && op.method !== 'DELETE';
      for (const name of op.pathParams) {
        const path = op.path.replace(/\{(\w+)\}/g, (_match, param: string) =>
          param === name ? encodeURIComponent(NUL) : 'x',
        );
        expectNamed(
          `${op.method} ${path}`,
          await send(op, path, writes ? '{}' : undefined),
          `params.${name}`,
        );
      }
      const basePath = fillPath(op, 'does-not-exist', true);
      for (const name of op.queryParams) {
        const path = `${basePath}?${name}=${encodeURIComponent(NUL)}`;
        expectNamed(`${op.method} ${path}`, await send(op, path, writes ? '{}' : undefined), `query.${name}`);
      }
      if (!writes) continue;
      for (const field of op.bodyFields) {
        for (const value of [NUL, LONE_HIGH, LONE_LOW]) {
          const body = JSON.stringify({ [field]: value });
          expectNamed(
            `${op.method} ${basePath} {${field}: ${JSON.stringify(value)}}`,
            await send(op, basePath, body),
            `body.${field}`,
          );
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(wrong, wrong.slice(0, 15).join('\n')).toEqual([]);
    expect(await stateDigest(server.store)).toEqual(before);
  }, 180_000);

  it('refuses NUL and lone surrogates in raw-text bodies: lineage (JSON and NDJSON) and the public deploy callback', async () => {
    const before = await stateDigest(server.store);
    const lineage = operations.find((op) => op.path === '/api/v1/lineage')!;
    const event = (runId: string): string =>
      JSON.stringify({
        eventType: 'COMPLETE',
        eventTime: '2025-11-01T09:00:00Z',
        producer: 'p',
        run: { runId },
        job: { namespace: 'acme-prod-airflow', name: 'edge' },
      });
    const single = await send(lineage, '/api/v1/lineage', event(NUL));
    expect(single.status, single.detail).toBe(400);
    expect(single.detail).toContain('body.run.runId');
    const ndjson = await send(
      lineage,
      '/api/v1/lineage',
      `${event('ok')}\n${event(LONE_HIGH)}\n`,
      'application/x-ndjson',
    );
    expect(ndjson.status, ndjson.detail).toBe(400);
    expect(ndjson.detail).toContain('body line 2.run.runId');

    // No token: the callback is public, so the guard must hold before any signature or lookup.
    const callback = operations.find((op) => op.path === '/api/v1/deployments/callback')!;
    const answer = await send(
      callback,
      '/api/v1/deployments/callback',
      JSON.stringify({ instanceId: NUL, revision: 1, status: 'deployed' }),
    );
    expect(answer.status, answer.detail).toBe(400);
    expect(answer.detail).toContain('body.instanceId');
    // YAML escapes make a NUL only the YAML parser sees: the project name is checked after it.
    const constraints = operations.find(
      (op) => op.method === 'POST' && op.path === '/api/v1/tenants/{tenantId}/constraints',
    )!;
    const yaml = await send(
      constraints,
      '/api/v1/tenants/acme/constraints',
      'name: "fin\\0ance"\nrequire-dbt-version: ">=1.0"\n',
      'application/yaml',
    );
    expect(yaml.status, yaml.detail).toBe(400);
    expect(yaml.detail).toContain('name in dbt_project.yml contains a NUL');
    expect(await stateDigest(server.store)).toEqual(before);
  });

  it('refuses JSON nested deeper than the limit before anything recursive runs (lineage: 400, not 500)', async () => {
    const before = await stateDigest(server.store);
    const lineage = operations.find((op) => op.path === '/api/v1/lineage')!;
    const deep = await send(lineage, '/api/v1/lineage', deepLineageEvent(5000));
    expect(deep.status, deep.detail).toBe(400);
    expect(deep.detail).toContain('body.run.facets.x');
    expect(deep.detail).toContain(`limit of ${String(JSON_MAX_DEPTH)} levels`);
    const defects = operations.find((op) => op.method === 'POST' && op.path === '/api/v1/defects')!;
    const deepBody = `{"title":${'['.repeat(JSON_MAX_DEPTH + 1)}${']'.repeat(JSON_MAX_DEPTH + 1)}}`;
    const refused = await send(defects, '/api/v1/defects', deepBody);
    expect(refused.status, refused.detail).toBe(400);
    expect(refused.detail).toContain('JSON depth limit');
    expect(await stateDigest(server.store)).toEqual(before);
    // Just inside the limit the event is accepted: the limit refuses depth, not facets.
    const accepted = await send(lineage, '/api/v1/lineage', deepLineageEvent(JSON_MAX_DEPTH - 4));
    expect(accepted.status, accepted.detail).toBe(201);
  });
});
