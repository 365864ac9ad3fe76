import { InputError } from '../../domain/errors/index.js';
import { parseRequirement } from '../requirement/index.js';
import { HASH, checkedPins } from './validate.js';
import type { ParsedRequirementsTxt, PinnedPackage } from './types.js';

interface LogicalLine {
  readonly number: number;
  readonly text: string;
}

// pip's requirements-file format ("Requirements File Format"): a trailing backslash joins the next
// line, and '#' at the start or after whitespace starts a comment.
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let pending: LogicalLine | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = pending
      ? { number: pending.number, text: pending.text + raw }
      : { number: i + 1, text: raw };
    if (line.text.endsWith('\\')) {
      pending = { number: line.number, text: line.text.slice(0, -1) };
      return;
    }
    pending = null;
    out.push(line);
  });
  if (pending) out.push(pending);
  return out.map((line) => ({ number: line.number, text: stripComment(line.text).trim() }));
}

function refuse(line: LogicalLine, why: string): never {
  throw new InputError(`requirements.txt line ${String(line.number)}: ${why}`, {
    remedy: "A lock pins every package exactly: 'name==version', optionally with '--hash=sha256:...'.",
    extra: { line: line.number, text: line.text },
  });
}

const INDEX_OPTION = /^(?:--index-url|-i)(?:\s*=\s*|\s+)(\S+)$/;

/**
 * Reads a pinned requirements file (a lock, as `renderRequirementsTxt` or pip-compile writes it).
 * Every requirement line must pin one version with `==` or `===`; anything else is an `InputError`
 * naming the line number. Options Ratchet does not model become warnings.
 */
export function parseRequirementsTxt(text: string): ParsedRequirementsTxt {
  const pins: PinnedPackage[] = [];
  const warnings: string[] = [];
  let index: string | undefined;
  for (const line of logicalLines(text)) {
    if (line.text === '') continue;
    if (line.text.startsWith('-')) {
      const indexUrl = INDEX_OPTION.exec(line.text);
      if (indexUrl) {
        index = indexUrl[1]!;
        continue;
      }
      if (/^(-e|--editable)\b/.test(line.text)) refuse(line, 'an editable install is not an exact pin');
      warnings.push(
        `line ${String(line.number)}: option '${line.text}' is not part of the pins and was ignored`,
      );
      continue;
    }
    // Per-requirement options follow the requirement: '--hash=sha256:...' (or '--hash sha256:...').
    const optionStart = line.text.search(/\s--?[a-z]/);
    const requirementText = optionStart < 0 ? line.text : line.text.slice(0, optionStart);
    const options = optionStart < 0 ? '' : line.text.slice(optionStart);
    const hashes: string[] = [];
    const optionPattern = /--([a-z-]+)(?:\s*=\s*|\s+)(\S+)/g;
    let rest = options;
    for (const option of options.matchAll(optionPattern)) {
      rest = rest.replace(option[0], '');
      if (option[1] !== 'hash') {
        warnings.push(`line ${String(line.number)}: option '--${option[1]!}' was ignored`);
        continue;
      }
      if (!HASH.test(option[2]!)) refuse(line, `'${option[2]!}' is not a hash like 'sha256:<hex digest>'`);
      hashes.push(option[2]!);
    }
    if (rest.trim() !== '') refuse(line, `cannot read '${rest.trim()}'`);

    let requirement;
    try {
      requirement = parseRequirement(requirementText);
    } catch (error) {
      refuse(line, error instanceof Error ? error.message : String(error));
    }
    const clauses = requirement.specifier.specifiers;
    const exact =
      clauses.length === 1 &&
      (clauses[0]!.operator === '===' || (clauses[0]!.operator === '==' && !clauses[0]!.wildcard));
    if (requirement.url !== null) refuse(line, `'${requirementText}' is a direct URL, not a pinned version`);
    if (!exact)
      refuse(
        line,
        `'${requirementText}' is not pinned to one version (expected '${requirement.name}==X.Y.Z')`,
      );
    if (requirement.extras.length > 0) {
      warnings.push(
        `line ${String(line.number)}: extras [${requirement.extras.join(',')}] of ${requirement.name} are not kept (their dependencies are pinned on their own lines)`,
      );
    }
    const pin: PinnedPackage = { name: requirement.name, version: clauses[0]!.version };
    if (hashes.length > 0) pin.hashes = hashes;
    if (requirement.marker) pin.marker = requirement.marker.text;
    pins.push(pin);
  }
  if (index !== undefined) for (const pin of pins) pin.index = index;
  checkedPins(pins);
  return { pins, warnings };
}

/**
 * pip's rule (req_file.py, `COMMENT_RE = r"(^|\s+)#.*$"`): a `#` at the start of a line or after
 * whitespace starts a comment. Scanned by hand: the regex backtracks quadratically on long runs of
 * whitespace without a `#`.
 */
function stripComment(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  return text;
}
