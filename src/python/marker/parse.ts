import type { Scanner } from '../scanner/index.js';
import type { MarkerNode, MarkerOperator, MarkerValue, MarkerVariable } from './types.js';

const VARIABLES: readonly MarkerVariable[] = [
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'extras',
  'dependency_groups',
];

// PEP 345's dotted names, still accepted by packaging (and so by pip) for old metadata.
const PEP345_ALIASES: Readonly<Record<string, MarkerVariable>> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

// Longest names first so 'python_full_version' is not read as 'python_...'.
const VARIABLE = new RegExp(
  `(?:${[...VARIABLES, ...Object.keys(PEP345_ALIASES)]
    .sort((a, b) => b.length - a.length)
    .map((name) => name.replace('.', '\\.'))
    .join('|')})(?![A-Za-z0-9_.])`,
);
const OPERATOR = /~=|===|==|!=|<=|>=|<|>|not[ \t]+in(?![A-Za-z0-9_])|in(?![A-Za-z0-9_])/;

function parseValue(s: Scanner): MarkerValue {
  s.skipSpace();
  const quote = s.peek();
  if (quote === "'" || quote === '"') {
    const start = s.pos;
    const end = s.source.indexOf(quote, start + 1);
    if (end < 0) s.fail(`unterminated string (missing closing ${quote})`, start);
    s.pos = end + 1;
    return { kind: 'string', value: s.source.slice(start + 1, end) };
  }
  const name = s.match(VARIABLE);
  if (name === null) {
    return s.fail('expected a marker variable (python_version, sys_platform, extra, ...) or a quoted string');
  }
  return { kind: 'variable', name: PEP345_ALIASES[name] ?? (name as MarkerVariable) };
}

// Parentheses recurse; real markers nest two or three deep. A bound turns a hostile '((((...' into
// an InputError instead of a stack overflow (RangeError) here or in markerText/evaluateMarker.
const MAX_NESTING = 100;
const nesting = new WeakMap<Scanner, number>();

function parseAtom(s: Scanner): MarkerNode {
  s.skipSpace();
  if (s.accept('(')) {
    const depth = (nesting.get(s) ?? 0) + 1;
    if (depth > MAX_NESTING) s.fail(`parentheses nest deeper than ${String(MAX_NESTING)} levels`);
    nesting.set(s, depth);
    const inner = parseOr(s);
    nesting.set(s, depth - 1);
    s.skipSpace();
    if (!s.accept(')')) s.fail("expected ')' to close the parenthesis");
    return { kind: 'group', inner };
  }
  const left = parseValue(s);
  s.skipSpace();
  const opText = s.match(OPERATOR);
  if (opText === null) s.fail('expected a marker operator (== != < <= > >= ~= === in, not in)');
  const op = (opText.startsWith('not') ? 'not in' : opText) as MarkerOperator;
  const right = parseValue(s);
  return { kind: 'compare', left, op, right };
}

function parseChain(s: Scanner, keyword: 'and' | 'or', next: (s: Scanner) => MarkerNode): MarkerNode {
  const items = [next(s)];
  const pattern = new RegExp(`[ \\t]*${keyword}(?![A-Za-z0-9_])`);
  while (s.match(pattern) !== null) items.push(next(s));
  return items.length === 1 ? items[0]! : { kind: keyword, items };
}

function parseAnd(s: Scanner): MarkerNode {
  return parseChain(s, 'and', parseAtom);
}

/** PEP 508 `marker_or`: the whole marker grammar, starting at the scanner's cursor. */
export function parseOr(s: Scanner): MarkerNode {
  return parseChain(s, 'or', parseAnd);
}

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function valueText(value: MarkerValue): string {
  return value.kind === 'variable' ? value.name : quote(value.value);
}

/** Canonical text of a marker tree (packaging's `str(Marker)`). */
export function markerText(node: MarkerNode): string {
  switch (node.kind) {
    case 'compare':
      return `${valueText(node.left)} ${node.op} ${valueText(node.right)}`;
    case 'group':
      return `(${markerText(node.inner)})`;
    case 'and':
    case 'or':
      return node.items.map(markerText).join(` ${node.kind} `);
  }
}
