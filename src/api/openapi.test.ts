/**
 * /openapi.json is the API's contract: every success response is described field by field. A route
 * whose success answer is a bare record (`z.record(z.string(), z.unknown())`, `z.unknown()`, `z.any()`)
 * tells a client nothing, so this test names it and fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { buildServer } from './server.js';

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }> }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function resolve(schema: JsonSchema, document: OpenApiDocument): JsonSchema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components?.schemas?.[name];
  if (target === undefined) throw new Error(`${schema.$ref} is not in components.schemas`);
  return resolve(target, document);
}

/** True when the schema says nothing about the fields: `{}`, or an object of unknown values. */
function isBare(raw: JsonSchema, document: OpenApiDocument): boolean {
  const schema = resolve(raw, document);
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives !== undefined) return alternatives.some((each) => isBare(each, document));
  if (schema.type === undefined && schema.items === undefined && schema.properties === undefined) return true;
  if (schema.type === 'array') return schema.items === undefined || isBare(schema.items, document);
  if (schema.type !== 'object') return false;
  if (schema.properties !== undefined && Object.keys(schema.properties).length > 0) return false;
  const values = schema.additionalProperties;
  return values === undefined || values === true || (typeof values === 'object' && isBare(values, document));
}

/**
 * Every `METHOD path (status)` whose success response is bare. A wrapper such as `{ trials: [...] }`
 * counts as bare when what it wraps is.
 */
export function bareSuccessResponses(document: OpenApiDocument): string[] {
  const found: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const responses = operations[method]?.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (!status.startsWith('2')) continue;
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (!type.includes('json') || media.schema === undefined) continue;
          const schema = resolve(media.schema, document);
          const wrapped = Object.values(schema.properties ?? {});
          const bare = isBare(schema, document) || (wrapped.length === 1 && isBare(wrapped[0]!, document));
          if (bare) found.push(`${method.toUpperCase()} ${path} (${status})`);
        }
      }
    }
  }
  return found;
}

describe('/openapi.json', () => {
  let dataDir: string;
  let store: Store;
  let app: FastifyInstance;
  let document: OpenApiDocument;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ratchet-openapi-'));
    store = await openStore({ dataDir });
    app = await buildServer({ store, logger: false });
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    document = response.json<OpenApiDocument>();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('describes the success response of every route field by field (none is a bare record)', () => {
    const bare = bareSuccessResponses(document);
    // The message names each route: give its response a schema from src/api/responses (or schema.ts).
    expect(bare, `success responses without a schema: ${bare.join(', ')}`).toEqual([]);
  });

  it('describes a rollback request down to its report: a client reads every step of the workflow from it', () => {
    const change = resolve(
      document.paths['/api/v1/rollback-requests/{id}']!.get!.responses!['200']!.content!['application/json']!
        .schema!,
      document,
    );
    expect(Object.keys(change.properties ?? {})).toEqual(
      expect.arrayContaining(['state', 'report', 'reportHash', 'stages', 'version']),
    );
    const report = resolve(change.properties!.report!, document);
    expect(Object.keys(report.properties ?? {})).toEqual(
      expect.arrayContaining(['recommendation', 'availability', 'review', 'impact', 'blockers']),
    );
    // The request's own page adds the review's trial and the merged evidence to what every step answers.
    expect(Object.keys(change.properties ?? {})).toEqual(expect.arrayContaining(['trial', 'evidence']));
    const approve = resolve(
      document.paths['/api/v1/rollback-requests/{id}/approve']!.post!.responses!['200']!.content![
        'application/json'
      ]!.schema!,
      document,
    );
    expect(Object.keys(change.properties ?? {})).toEqual(
      expect.arrayContaining(Object.keys(approve.properties ?? {})),
    );
    expect(Object.keys(approve.properties ?? {})).toEqual(
      expect.arrayContaining(['state', 'report', 'version']),
    );
  });

  it('finds a bare record where one is declared, wrapped or not', () => {
    const record = { type: 'object', additionalProperties: {} };
    const probe: OpenApiDocument = {
      paths: {
        '/a': { get: { responses: { '200': { content: { 'application/json': { schema: record } } } } } },
        '/b': {
          post: {
            responses: {
              '201': {
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { items: { type: 'array', items: record } } },
                  },
                },
              },
            },
          },
        },
        '/c': {
          get: {
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { id: { type: 'string' } } },
                  },
                },
              },
              '400': { content: { 'application/json': { schema: record } } },
            },
          },
        },
      },
    };
    expect(bareSuccessResponses(probe)).toEqual(['GET /a (200)', 'POST /b (201)']);
  });
});
