/**
 * Issue 8, "An HTTP corpus against every route": every route in /openapi.json (read at test time,
 * so routes added later are covered) × hostile inputs, with a valid provider-admin token. No 5xx,
 * every 4xx is problem+json with a detail, and the store's tables are unchanged afterwards.
 */
import { engines } from '../support/engines.js';
import { createScratchDatabase, storeOptionsFor } from '../support/scratch-postgres.js';
import type { ScratchDatabase } from '../support/scratch-postgres.js';
import { fillPath, operationsOf } from '../support/openapi-operations.js';
import type { OpenApiDocument, Operation } from '../support/openapi-operations.js';
import { stateDigest as digestOf } from '../support/state-digest.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';

const BODY_LIMIT = 64 * 1024;
/** Hostile values for names and ids in paths and queries. */
const HOSTILE_STRINGS = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  "'; DROP TABLE tenants; --",
  '" OR 1=1 --',
  '%00',
  '%ff%fe',
  'a\u0000b',
  // A lone surrogate as a URL carries it (its UTF-8-style encoding; encodeURIComponent refuses it).
  '%ED%A0%80',
  'a'.repeat(5000),
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '-1',
  '1e309',
];

/** JSON values of the wrong shape for any field. */
const WRONG_VALUES: unknown[] = [
  null,
  42,
  -1,
  Number.MAX_VALUE,
  true,
  [],
  {},
  'x'.repeat(20_000),
  "'; DROP TABLE tenants; --",
  '../../etc/passwd',
  { $ne: null },
  'nul\u0000inside',
  'lone \udc00 surrogate',
];

interface BodyCase {
  label: string;
  body: string | Buffer | undefined;
  contentType?: string;
}

function bodyCases(op: Operation): BodyCase[] {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const cases: BodyCase[] = [
    { label: 'array instead of object', body: '[]' },
    { label: 'string instead of object', body: '"text"' },
    { label: 'number instead of object', body: '42' },
    { label: 'null', body: 'null' },
    { label: 'truncated JSON', body: '{"a":' },
    { label: 'empty object (missing fields)', body: '{}' },
    { label: 'empty body with JSON content type', body: '' },
    { label: 'deep array (10k levels)', body: deep },
    { label: 'deep object (10k levels)', body: deepObject },
    {
      label: 'bad UTF-8',
      body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
    },
    { label: 'huge body (> limit)', body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT + 1024) }) },
    { label: 'text/plain', body: 'slug=x', contentType: 'text/plain' },
    { label: 'form-encoded', body: 'slug=x&name=y', contentType: 'application/x-www-form-urlencoded' },
    { label: 'XML', body: '<tenant slug="x"/>', contentType: 'application/xml' },
    {
      label: 'JSON with charset=latin1',
      body: '{"a":"\u00e9"}',
      contentType: 'application/json; charset=latin1',
    },
  ];
  // Every declared field set to each wrong value at once, plus one unknown field: never valid.
  for (const value of WRONG_VALUES) {
    const body: Record<string, unknown> = { __proto__: { polluted: true }, unknownField: value };
    for (const field of op.bodyFields) body[field] = value;
    cases.push({ label: `all fields = ${JSON.stringify(value).slice(0, 30)}`, body: JSON.stringify(body) });
  }
  cases.push({
    label: 'prototype pollution keys',
    body: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  });
  return cases;
}

let server: TestServer;
let operations: Operation[];

async function stateDigest(): Promise<Record<string, number>> {
  return digestOf(server.store);
}

interface Failure {
  request: string;
  status: number;
  why: string;
}

async function send(
  method: string,
  path: string,
  body: string | Buffer | undefined,
  contentType: string | undefined,
): Promise<{ status: number; contentType: string; text: string }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${server.seed.users.providerAdmin.token}`,
  };
  if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

function check(
  failures: Failure[],
  request: string,
  response: { status: number; contentType: string; text: string },
): void {
  if (response.status >= 500) {
    failures.push({ request, status: response.status, why: `5xx: ${response.text.slice(0, 200)}` });
    return;
  }
  if (response.status >= 400) {
    if (!response.contentType.startsWith('application/problem+json')) {
      failures.push({ request, status: response.status, why: `content type ${response.contentType}` });
      return;
    }
    let detail: unknown;
    try {
      detail = (JSON.parse(response.text) as { detail?: unknown }).detail;
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'string' || detail === '') {
      failures.push({ request, status: response.status, why: 'problem without a detail' });
    }
  }
}

// Issue 13: the same corpus on PostgreSQL, where a NUL byte once answered 500 on 63 of 74 routes.
describe.each(engines)('HTTP corpus over every route in /openapi.json (%s)', (engine) => {
  let database: ScratchDatabase | undefined;
  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_corpus');
    server = await startTestServer({
      bodyLimit: BODY_LIMIT,
      ...storeOptionsFor(database),
    });
    const doc = (await server.call('GET', '/openapi.json')).json as unknown as OpenApiDocument;
    operations = operationsOf(doc);
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  it('finds the routes to attack (the corpus is not vacuous)', () => {
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.some((op) => op.pathParams.length > 0)).toBe(true);
    expect(operations.some((op) => op.bodyFields.length > 0)).toBe(true);
  });

  it('never answers 5xx, always problem+json with a detail for 4xx, and changes no state', async () => {
    const before = await stateDigest();
    const failures: Failure[] = [];
    const accepted: string[] = [];
    let requests = 0;

    for (const op of operations) {
      // Hostile path parameters (raw and URL-encoded), with a harmless body for writes.
      if (op.pathParams.length > 0) {
        for (const value of HOSTILE_STRINGS) {
          for (const encode of [false, true]) {
            const path = fillPath(op, value, encode);
            const response = await send(op.method, path, op.method === 'GET' ? undefined : '{}', undefined);
            requests++;
            check(failures, `${op.method} ${path.slice(0, 120)}`, response);
            if (response.status < 300 && op.method !== 'GET')
              accepted.push(`${op.method} ${path.slice(0, 80)}`);
          }
        }
      }
      const basePath = fillPath(op, 'does-not-exist', true);
      // Hostile query parameters.
      for (const name of op.queryParams) {
        for (const value of HOSTILE_STRINGS) {
          const path = `${basePath}?${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
          const response = await send(op.method, path, op.method === 'GET' ? undefined : '{}', undefined);
          requests++;
          check(failures, `${op.method} ${path.slice(0, 120)}`, response);
        }
      }
      if (op.method === 'GET' || op.method === 'DELETE') continue;
      // Hostile bodies, against the route with a nonexistent target AND (when it has no path
      // parameters) the real collection, so validation is what must refuse them.
      for (const bodyCase of bodyCases(op)) {
        const response = await send(op.method, basePath, bodyCase.body, bodyCase.contentType);
        requests++;
        const request = `${op.method} ${basePath} [${bodyCase.label}]`;
        check(failures, request, response);
        // The role check runs before the body is read, so a route the caller may not use answers
        // 403 first; every other route must refuse the oversized body itself.
        const admitted = op.roles === null || op.roles.includes('provider-admin');
        const expected = admitted ? 413 : 403;
        if (bodyCase.label === 'huge body (> limit)' && response.status !== expected) {
          failures.push({
            request,
            status: response.status,
            why: `expected ${String(expected)} for a body over the limit`,
          });
        }
        // A write route that declares a body must refuse every hostile one; body-less POSTs
        // (audit verify) may answer 2xx, and the state digest below still proves they wrote nothing.
        if (response.status < 300 && op.bodyFields.length > 0) accepted.push(request);
      }
    }

    const after = await stateDigest();
    expect(requests).toBeGreaterThan(200);
    expect(failures, JSON.stringify(failures.slice(0, 20), null, 1)).toEqual([]);
    expect(accepted, 'hostile writes that were accepted').toEqual([]);
    expect(after).toEqual(before);
  }, 120_000);

  it('serves a lone request with unusual framing safely', async () => {
    const odd: [string, RequestInit][] = [
      ['/api/v1/tenants', { method: 'POST', headers: { 'content-type': 'application/json' } }],
      ['/api/v1/tenants/%', { method: 'GET' }],
      ['/api/v1/tenants/%E0%A4%A', { method: 'GET' }],
      [`/api/v1/${'a/'.repeat(3000)}`, { method: 'GET' }],
      ['/api/v1/tenants', { method: 'OPTIONS' }],
    ];
    for (const [path, init] of odd) {
      const response = await fetch(`${server.url}${path}`, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${server.seed.users.providerAdmin.token}`,
        },
      });
      expect(response.status, `${init.method ?? 'GET'} ${path.slice(0, 60)}`).toBeLessThan(500);
      await response.text();
    }
  });
});
