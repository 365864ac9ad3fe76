import { InputError } from '../../domain/errors/index.js';
import { normalizeName } from '../names/index.js';
import { parseSpecifier } from '../specifier/index.js';
import { parseSpecifierSet } from '../specifier/index.js';
import type { MarkerEnvironment, MarkerNode, MarkerOperator, MarkerValue } from './types.js';

type Resolved = string | readonly string[];

// PEP 685: extra names compare normalized, so 'Foo_Bar' == 'foo-bar'.
const NAME_VARIABLES = new Set(['extra', 'extras', 'dependency_groups']);

function resolve(value: MarkerValue, env: MarkerEnvironment, normalize: boolean): Resolved {
  if (value.kind === 'string') return normalize ? normalizeName(value.value) : value.value;
  const found = env[value.name];
  if (value.name === 'extra') return normalizeName((found as string | undefined) ?? '');
  if (value.name === 'extras' || value.name === 'dependency_groups') {
    return ((found as readonly string[] | undefined) ?? []).map(normalizeName);
  }
  if (typeof found !== 'string') {
    throw new InputError(`The marker environment has no value for '${value.name}'`, {
      extra: { variable: value.name },
    });
  }
  return found;
}

function isVersionOperator(op: MarkerOperator): boolean {
  return op !== 'in' && op !== 'not in';
}

// PEP 508 "Environment Markers": when the right side parses as a version specifier, compare as
// PEP 440 versions (packaging: `Specifier(op + rhs).contains(lhs, prereleases=True)`, so that
// python_full_version '3.13.0rc1' still satisfies '>= "3.8"'); otherwise fall back to Python's
// string operators.
function compare(left: Resolved, op: MarkerOperator, right: Resolved, versions: boolean): boolean {
  if (typeof left !== 'string') {
    if (op === 'in' || op === 'not in') throw new InputError(`A list can only stand right of 'in'`);
    throw new InputError(`Cannot compare a list with '${op}'`);
  }
  if (typeof right !== 'string') {
    if (op === 'in') return right.includes(left);
    if (op === 'not in') return !right.includes(left);
    throw new InputError(`Cannot compare with a list using '${op}': use 'in' or 'not in'`);
  }
  if (versions && isVersionOperator(op)) {
    let clause = null;
    try {
      clause = parseSpecifier(`${op}${right}`);
    } catch {
      clause = null;
    }
    if (clause) return parseSpecifierSet(clause.text).contains(left, { prereleases: true });
  }
  switch (op) {
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      // packaging's UndefinedComparison: '~=' needs versions on both sides.
      throw new InputError(`Cannot evaluate '${left}' ${op} '${right}': '${op}' needs PEP 440 versions`);
  }
}

function mentionsName(value: MarkerValue): boolean {
  return value.kind === 'variable' && NAME_VARIABLES.has(value.name);
}

/** Evaluates a parsed marker tree against an environment. */
export function evaluateMarker(node: MarkerNode, env: MarkerEnvironment): boolean {
  switch (node.kind) {
    case 'group':
      return evaluateMarker(node.inner, env);
    case 'and':
      return node.items.every((item) => evaluateMarker(item, env));
    case 'or':
      return node.items.some((item) => evaluateMarker(item, env));
    case 'compare': {
      // Extra and group names are names, not versions: compare them normalized, as strings.
      const names = mentionsName(node.left) || mentionsName(node.right);
      const left = resolve(node.left, env, names);
      const right = resolve(node.right, env, names);
      return compare(left, node.op, right, !names);
    }
  }
}
