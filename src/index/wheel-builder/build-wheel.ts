import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { normalizeVersion } from '../../python/version/index.js';
import { writeZip } from './zip-writer.js';

/** What a stub wheel declares in its METADATA (core metadata 2.1 fields). */
export interface WheelSpec {
  readonly name: string;
  readonly version: string;
  readonly requiresDist?: readonly string[];
  readonly requiresPython?: string | null;
  readonly providesExtra?: readonly string[];
  readonly summary?: string;
  /** Compatibility tag triple (PEP 425); pure Python by default so every interpreter accepts it. */
  readonly tag?: string;
  /** Also write `<wheel>.metadata` beside it, as PEP 658 serves it (find-links sidecar). */
  readonly metadataSidecar?: boolean;
}

/** Binary distribution format, "Escaping and Unicode": runs of `-_.` become `_`, lowercase. */
export function escapeWheelName(name: string): string {
  return name.replace(/[-_.]+/g, '_').toLowerCase();
}

/** The METADATA text a stub wheel carries. */
export function renderCoreMetadata(spec: WheelSpec): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${spec.name}`, `Version: ${spec.version}`];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const extra of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${extra}`);
  for (const requirement of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${requirement}`);
  return `${lines.join('\n')}\n\n`;
}

// RECORD hashes: urlsafe base64 without padding (binary distribution format, "The .dist-info directory").
function recordHash(data: Buffer): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

/** The wheel's filename and bytes, without touching the disk. */
export function renderWheel(spec: WheelSpec): { filename: string; data: Buffer; metadata: string } {
  const version = normalizeVersion(spec.version);
  const base = `${escapeWheelName(spec.name)}-${version.replace(/-/g, '_')}`;
  const distInfo = `${base}.dist-info`;
  const tag = spec.tag ?? 'py3-none-any';
  const metadata = renderCoreMetadata(spec);
  const files: { path: string; data: Buffer }[] = [
    { path: `${distInfo}/METADATA`, data: Buffer.from(metadata, 'utf8') },
    {
      path: `${distInfo}/WHEEL`,
      data: Buffer.from(
        `Wheel-Version: 1.0\nGenerator: ratchet-wheel-builder\nRoot-Is-Purelib: true\nTag: ${tag}\n\n`,
        'utf8',
      ),
    },
  ];
  const record = files.map((file) => `${file.path},${recordHash(file.data)},${String(file.data.length)}`);
  record.push(`${distInfo}/RECORD,,`);
  files.push({ path: `${distInfo}/RECORD`, data: Buffer.from(`${record.join('\n')}\n`, 'utf8') });
  return { filename: `${base}-${tag}.whl`, data: writeZip(files), metadata };
}

/**
 * Writes a minimal valid wheel (METADATA, WHEEL, RECORD) into `dir` and returns its filename.
 *
 * @example buildWheel(dir, { name: 'dbt-core', version: '1.10.2', requiresDist: ['agate>=1.7'] })
 */
export function buildWheel(dir: string, spec: WheelSpec): string {
  const wheel = renderWheel(spec);
  writeFileSync(join(dir, wheel.filename), wheel.data);
  if (spec.metadataSidecar) writeFileSync(join(dir, `${wheel.filename}.metadata`), wheel.metadata);
  return wheel.filename;
}
