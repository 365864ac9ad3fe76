import { InputError } from '../../domain/errors/index.js';
import { tryParseVersion } from '../version/index.js';
import type { Specifier, SpecifierOperator } from './types.js';

const CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S*?)\s*$/;

function refuse(setText: string, clause: string, why: string): never {
  throw new InputError(`Invalid specifier '${clause.trim()}' in '${setText}': ${why}`, {
    remedy: "Write clauses like '>=1.10,<1.11', '==1.10.*' or '~=1.10.2' (PEP 440 'Version specifiers').",
    extra: { specifier: setText, clause: clause.trim() },
  });
}

/** Parses one clause; `setText` only serves the error message. */
export function parseSpecifier(clause: string, setText: string = clause): Specifier {
  const match = CLAUSE.exec(clause);
  if (!match) {
    return refuse(setText, clause, 'expected an operator (~= == != <= >= < > ===) followed by a version');
  }
  const operator = match[1] as SpecifierOperator;
  const written = match[2]!;
  if (written === '') return refuse(setText, clause, `expected a version after '${operator}'`);
  // PEP 440 "Arbitrary equality": any string without whitespace, compared as text.
  if (operator === '===') return { operator, version: written, wildcard: false, text: `===${written}` };

  const wildcard = written.endsWith('.*');
  const versionText = wildcard ? written.slice(0, -2) : written;
  const version = tryParseVersion(versionText);
  if (!version || /\s/.test(versionText))
    return refuse(setText, clause, `'${versionText}' is not a PEP 440 version`);

  if (wildcard) {
    if (operator !== '==' && operator !== '!=') {
      return refuse(setText, clause, `a '.*' prefix match is allowed only with '==' and '!='`);
    }
    // PEP 440 "Version matching": the prefix is a release (with optional epoch); packaging also
    // refuses pre-, post- and dev-release prefixes.
    if (version.pre || version.post !== null || version.dev !== null || version.local) {
      return refuse(setText, clause, `a '.*' prefix may contain only an epoch and release numbers`);
    }
  }
  if (version.local && operator !== '==' && operator !== '!=') {
    return refuse(setText, clause, `a local version label ('+...') is allowed only with '==' and '!='`);
  }
  // PEP 440 "Compatible release": '~=1' has no meaning, at least two release segments.
  if (operator === '~=' && version.release.length < 2) {
    return refuse(setText, clause, `'~=' needs at least two release segments, e.g. '~=1.0'`);
  }
  return {
    operator,
    version: versionText,
    wildcard,
    text: `${operator}${versionText}${wildcard ? '.*' : ''}`,
  };
}
