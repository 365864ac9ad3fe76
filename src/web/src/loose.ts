// Readers for JSON whose exact shape belongs to another workflow: take the first present field of
// a few names, and never render anything as HTML.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function pick(value: unknown, ...names: string[]): Json | undefined {
  if (!isObject(value)) return undefined;
  for (const name of names) {
    if (value[name] !== undefined && value[name] !== null) return value[name];
  }
  return undefined;
}

export function text(value: unknown, ...names: string[]): string | undefined {
  const found = names.length === 0 ? (value as Json) : pick(value, ...names);
  if (found === undefined || found === null) return undefined;
  if (typeof found === 'string') return found;
  if (typeof found === 'number' || typeof found === 'boolean') return String(found);
  return undefined;
}

export function list(value: unknown, ...names: string[]): Json[] {
  const found = names.length === 0 ? value : pick(value, ...names);
  if (Array.isArray(found)) return found;
  return [];
}

/** The first array found among an object's values (list endpoints wrap their arrays differently). */
export function firstArray(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (!isObject(value)) return [];
  for (const inner of Object.values(value)) if (Array.isArray(inner)) return inner.filter(isObject);
  return [];
}
