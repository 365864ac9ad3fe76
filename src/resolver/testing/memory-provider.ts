import type { Dependency, DependencyProvider } from '../types.js';

/**
 * Test support only: an in-memory provider over a plain object
 * `{ pkg: { version: { dep: 'constraint' } } }` with a tiny constraint language of our own
 * (NOT PEP 440): dotted integers compared segment by segment, comma-separated clauses of
 * `>=`, `>`, `<=`, `<`, `==`, `!=`, `==1.10.*` (prefix), `^1.2.0` (same major, pub style),
 * and `''` or `*` for any version.
 */
export type MemoryUniverse = Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>
>;

export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

function clauseAllows(clause: string, version: string): boolean {
  if (clause === '' || clause === '*') return true;
  if (clause.startsWith('^')) {
    const base = clause.slice(1);
    const major = Number(base.split('.')[0]);
    return compareVersions(version, base) >= 0 && compareVersions(version, `${major + 1}`) < 0;
  }
  const match = /^(>=|<=|==|!=|>|<)(.+)$/.exec(clause);
  if (match === null) throw new Error(`test constraint language: cannot read ${clause}`);
  const [op, operand] = [match[1]!, match[2]!]; // both groups are required: a match has them
  if (operand.endsWith('.*')) {
    const prefix = operand.slice(0, -2).split('.');
    const inside = prefix.every((part, i) => version.split('.')[i] === part);
    return op === '==' ? inside : !inside;
  }
  const cmp = compareVersions(version, operand);
  switch (op) {
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '==':
      return cmp === 0;
    default:
      return cmp !== 0;
  }
}

export function constraintAllows(constraint: string, version: string): boolean {
  return constraint.split(',').every((clause) => clauseAllows(clause.trim(), version));
}

export function dependency(pkg: string, constraint: string): Dependency {
  return { package: pkg, constraint, allows: (version) => constraintAllows(constraint, version) };
}

export interface MemoryProvider extends DependencyProvider {
  /** How many times `dependencies` was asked, to check caching. */
  readonly calls: { versions: number; dependencies: number };
}

export function memoryProvider(universe: MemoryUniverse, options: { async?: boolean } = {}): MemoryProvider {
  const calls = { versions: 0, dependencies: 0 };
  const wrap = <T>(value: T): T | Promise<T> => (options.async === true ? Promise.resolve(value) : value);
  return {
    calls,
    versions(pkg) {
      calls.versions += 1;
      const versions = Object.keys(universe[pkg] ?? {}).sort(compareVersions);
      return wrap(versions);
    },
    dependencies(pkg, version) {
      calls.dependencies += 1;
      const deps = universe[pkg]?.[version];
      if (deps === undefined) throw new Error(`test provider: ${pkg} ${version} is not a candidate`);
      return wrap(Object.entries(deps).map(([name, constraint]) => dependency(name, constraint)));
    },
  };
}
