import { InputError } from '../../domain/errors/index.js';
import { isValidProjectName, normalizeName } from '../names/index.js';
import { isValidVersion } from '../version/index.js';
import type { CoreMetadata, ParsedCoreMetadata } from './types.js';

// Core metadata specifications, "Metadata-Version": the versions defined so far.
const KNOWN_METADATA_VERSIONS = new Set(['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']);

// Fields that may appear at most once. The email parser pip reads METADATA with returns the first
// occurrence for `msg.get(field)`, so the first one wins here too.
const SINGLE_FIELDS = new Set(['metadata-version', 'name', 'version', 'requires-python', 'summary']);

interface Header {
  /** Field name as written, for warnings. */
  readonly field: string;
  readonly key: string;
  readonly lines: string[];
  readonly lineNumber: number;
}

function splitHeaders(text: string, warnings: string[]): Header[] {
  let source = text;
  if (source.startsWith('\uFEFF')) {
    warnings.push('Ignored a byte order mark at the start of the metadata.');
    source = source.slice(1);
  }
  const headers: Header[] = [];
  const lines = source.split(/\r\n|\r|\n/);
  for (const [index, line] of lines.entries()) {
    // RFC 822 section 3.1: the header ends at the first empty line; the rest is the message body
    // (core metadata 2.1+ puts the Description there), which resolution does not need.
    if (line === '') break;
    const current = headers[headers.length - 1];
    // RFC 822 section 3.1.1 "long header fields": a line starting with whitespace continues the last field.
    if (/^[ \t]/.test(line)) {
      if (current) current.lines.push(line.trim());
      else warnings.push(`Ignored line ${String(index + 1)}: a continuation line before any field.`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      warnings.push(`Ignored line ${String(index + 1)}: not a 'Field: value' header.`);
      continue;
    }
    const field = line.slice(0, colon);
    if (field !== field.trim()) {
      warnings.push(
        `Trimmed whitespace around the field name '${field.trim()}' on line ${String(index + 1)}.`,
      );
    }
    headers.push({
      field: field.trim(),
      key: field.trim().toLowerCase(),
      lines: [line.slice(colon + 1).trim()],
      lineNumber: index + 1,
    });
  }
  return headers;
}

function joinValue(header: Header, warnings: string[]): string {
  const parts = header.lines.filter((part) => part !== '');
  if (header.lines.length > 1) {
    warnings.push(`Joined the ${header.field} field folded over ${String(header.lines.length)} lines.`);
  }
  return parts.join(' ');
}

function missing(field: 'Name' | 'Version', detail: string): InputError {
  return new InputError(`The core metadata ${detail}`, {
    remedy: `Rebuild the distribution so its METADATA carries a valid ${field} field (core metadata specifications).`,
    extra: { field },
  });
}

/**
 * Parses a METADATA / PKG-INFO text (RFC 822 headers, core metadata specifications). Lenient where
 * real uploads are sloppy (unknown Metadata-Version, repeated single fields, folded values, stray
 * lines, non-normalized extras), with one warning per leniency; strict on Name and Version, which
 * identify the distribution: missing or invalid ones throw `InputError`.
 *
 * @example parseCoreMetadata('Metadata-Version: 2.1\nName: agate\nVersion: 1.9.1\n').metadata.name // 'agate'
 */
export function parseCoreMetadata(text: string): ParsedCoreMetadata {
  const warnings: string[] = [];
  const headers = splitHeaders(text, warnings);
  const single = new Map<string, string>();
  const requiresDist: string[] = [];
  const providesExtra: string[] = [];
  for (const header of headers) {
    // Only the fields resolution reads are looked at (and warned about); Classifier, Description,
    // Project-URL and the rest are skipped.
    if (!SINGLE_FIELDS.has(header.key) && header.key !== 'requires-dist' && header.key !== 'provides-extra')
      continue;
    const value = joinValue(header, warnings);
    if (SINGLE_FIELDS.has(header.key)) {
      const first = single.get(header.key);
      if (first === undefined) {
        single.set(header.key, value);
      } else if (first !== value) {
        warnings.push(
          `Ignored a repeated ${header.field} field on line ${String(header.lineNumber)} ('${value}'); kept the first ('${first}').`,
        );
      }
      continue;
    }
    if (header.key === 'requires-dist') {
      if (value === '')
        warnings.push(`Ignored an empty Requires-Dist field on line ${String(header.lineNumber)}.`);
      else requiresDist.push(value);
      continue;
    }
    if (header.key === 'provides-extra') {
      // PEP 685: extras compare by their normalized name (the PEP 503 rule); metadata 2.3+ must
      // write them normalized, older metadata often does not (`secure_local_storage`).
      const extra = normalizeName(value);
      if (value === '') {
        warnings.push(`Ignored an empty Provides-Extra field on line ${String(header.lineNumber)}.`);
        continue;
      }
      if (extra !== value) warnings.push(`Normalized the extra name '${value}' to '${extra}' (PEP 685).`);
      if (!providesExtra.includes(extra)) providesExtra.push(extra);
    }
  }

  const metadataVersion = single.get('metadata-version');
  if (metadataVersion === undefined) {
    warnings.push('The metadata has no Metadata-Version field; read it as the latest known version.');
  } else if (!KNOWN_METADATA_VERSIONS.has(metadataVersion)) {
    warnings.push(
      `Unknown Metadata-Version '${metadataVersion}'; read the fields Ratchet knows and ignored the rest.`,
    );
  }

  const name = single.get('name');
  if (name === undefined || name === '') throw missing('Name', 'has no Name field.');
  if (!isValidProjectName(name)) throw missing('Name', `names an invalid project '${name}' (PEP 508 names).`);
  const version = single.get('version');
  if (version === undefined || version === '') throw missing('Version', `of '${name}' has no Version field.`);
  if (!isValidVersion(version)) {
    throw missing('Version', `of '${name}' has version '${version}', which is not a PEP 440 version.`);
  }

  const requiresPythonText = single.get('requires-python');
  let requiresPython: string | null = null;
  if (requiresPythonText === '') {
    warnings.push('Read an empty Requires-Python field as no Python constraint.');
  } else if (requiresPythonText !== undefined) {
    requiresPython = requiresPythonText;
  }

  const summary = single.get('summary');
  const metadata: CoreMetadata = {
    name,
    version,
    requiresPython,
    requiresDist,
    providesExtra,
    ...(summary === undefined ? {} : { summary }),
  };
  return { metadata, warnings };
}
