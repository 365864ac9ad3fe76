import { createHash } from 'node:crypto';
import type { ImpactReport } from './types.js';

/** JSON with object keys sorted at every depth and undefined members dropped (RFC 8785 in spirit). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/**
 * SHA-256 (hex) of the report's canonical JSON, without `generatedAt` and `window.since`: the
 * same evidence judged the same way hashes the same whenever it is rendered, and any new piece of
 * evidence that changes what the report says changes the hash. The rollback workflow binds the
 * customer's acceptance of responsibility to this value.
 */
export function reportHash(report: ImpactReport): string {
  const { generatedAt: _generatedAt, window, ...rest } = report;
  const content = { ...rest, window: { days: window.days } };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
