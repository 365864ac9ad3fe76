/**
 * The operations of /openapi.json as the hostile-input corpora enumerate them (read at test time, so
 * routes added later are covered): method, path template, parameters, top-level body fields, roles.
 */
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
  /** Roles the route admits (`x-roles`); null for a public route. */
  roles: string[] | null;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: { in: string; name: string }[]; requestBody?: unknown; 'x-roles'?: string[] }
    >
  >;
}

/** Top-level property names of an operation's JSON request body schema (resolving one $ref level). */
function bodyFieldsOf(doc: OpenApiDocument, requestBody: unknown): string[] {
  const schema = (
    requestBody as { content?: Record<string, { schema?: Record<string, unknown> }> } | undefined
  )?.content?.['application/json']?.schema;
  if (schema === undefined) return [];
  let resolved: Record<string, unknown> = schema;
  const ref = schema['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    resolved = ref
      .slice(2)
      .split('/')
      .reduce<Record<string, unknown>>(
        (node, key) => (node[key] ?? {}) as Record<string, unknown>,
        doc as never,
      );
  }
  return Object.keys((resolved['properties'] as Record<string, unknown> | undefined) ?? {});
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const parameters = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: bodyFieldsOf(doc, op.requestBody),
        roles: op['x-roles'] ?? null,
      });
    }
  }
  return operations;
}

/** The path template with every parameter replaced by `value` (URL-encoded when `encode`). */
export function fillPath(op: Operation, value: string, encode: boolean): string {
  let path = op.path;
  for (const name of op.pathParams) {
    path = path.replace(`{${name}}`, encode ? encodeURIComponent(value) : value);
  }
  return path;
}
