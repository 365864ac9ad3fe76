// Which optional workflows this server offers, read from /openapi.json once. Pages for workflows
// that are missing say so in words instead of failing with a bare 404.
import { createContext, useContext } from 'react';

export interface Capabilities {
  /** The OpenAPI path templates, e.g. `/api/v1/instances/{instanceId}/impact`. */
  paths: ReadonlySet<string>;
  /** Methods per path, lower-case. */
  methods: ReadonlyMap<string, ReadonlySet<string>>;
}

export const EMPTY_CAPABILITIES: Capabilities = { paths: new Set(), methods: new Map() };

export async function loadCapabilities(): Promise<Capabilities> {
  const response = await fetch('/openapi.json');
  if (!response.ok) return EMPTY_CAPABILITIES;
  const document = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
  const methods = new Map<string, Set<string>>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    // Fastify's OpenAPI writes `{param}`; normalise parameter names away so `{id}` matches `{instanceId}`.
    methods.set(normalise(path), new Set(Object.keys(operations).map((m) => m.toLowerCase())));
  }
  return { paths: new Set(methods.keys()), methods };
}

function normalise(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z_]+/g, '{}');
}

export const CapabilitiesContext = createContext<Capabilities>(EMPTY_CAPABILITIES);

export function useCapabilities(): Capabilities {
  return useContext(CapabilitiesContext);
}

/** True when the server offers `method` on a path template (any parameter names). */
export function offers(capabilities: Capabilities, path: string, method = 'get'): boolean {
  return capabilities.methods.get(normalise(path))?.has(method) ?? false;
}

/** The first of several candidate templates the server offers, if any. */
export function firstOffered(capabilities: Capabilities, paths: string[], method = 'get'): string | null {
  return paths.find((path) => offers(capabilities, path, method)) ?? null;
}

/** Fills `{}`-style templates in order with encoded values. */
export function fill(template: string, ...values: string[]): string {
  let i = 0;
  return template.replace(/\{[^}]*\}|:[A-Za-z_]+/g, () => encodeURIComponent(values[i++] ?? ''));
}
