import { tryParseVersion } from '../version/index.js';
import type { PreRelease, Version } from '../version/index.js';
import type { CompiledClause } from './match.js';
import { matchesClause } from './match.js';

// Deciding whether a set admits any version. Every clause's set of admitted versions changes only
// at, or right beside, the version the clause names (its bound, the pre/post/dev/local variants of
// its release, and the next and previous releases), so if the intersection is not empty it holds a
// version from the neighbourhood of some bound. We try those versions; a hit is a proof (the
// witness), a miss means no version in any bound's neighbourhood fits. Held to packaging's
// `specifierset_satisfiable/unsatisfiable` vectors.

function render(
  epoch: number,
  release: readonly number[],
  pre: PreRelease | null,
  post: number | null,
  dev: number | null,
): string {
  let text = `${String(epoch)}!${release.join('.')}`;
  if (pre) text += `${pre.phase}${String(pre.number)}`;
  if (post !== null) text += `.post${String(post)}`;
  if (dev !== null) text += `.dev${String(dev)}`;
  return text;
}

function around(n: number | null): (number | null)[] {
  if (n === null) return [null, 0, 1];
  return [null, 0, n, n + 1, ...(n > 0 ? [n - 1] : [])];
}

function neighbourReleases(release: readonly number[]): number[][] {
  const out: number[][] = [[0], [...release], [...release, 0, 1], [...release, 1]];
  for (let i = 0; i < release.length; i++) {
    const head = release.slice(0, i);
    const n = release[i]!;
    out.push([...head, n + 1]);
    if (n > 0) out.push([...head, n - 1], [...head, n - 1, 999999]);
  }
  return out;
}

function* probes(target: Version): Generator<string> {
  yield target.text;
  const pres: (PreRelease | null)[] = [null, { phase: 'a', number: 0 }];
  if (target.pre) {
    const { phase, number } = target.pre;
    pres.push(target.pre, { phase, number: number + 1 });
    if (number > 0) pres.push({ phase, number: number - 1 });
  }
  for (const epoch of new Set([0, target.epoch, target.epoch + 1])) {
    for (const release of neighbourReleases(target.release)) {
      const own =
        release.length === target.release.length && release.every((n, i) => n === target.release[i]);
      for (const pre of own ? pres : [null, pres[1]!]) {
        for (const post of own ? around(target.post) : [null]) {
          for (const dev of own ? around(target.dev) : [null, 0]) {
            const text = render(epoch, release, pre, post, dev);
            yield text;
            yield `${text}+local`;
          }
        }
      }
    }
  }
}

/** A version admitted by every clause (pre-releases included), or null. */
export function findWitness(clauses: readonly CompiledClause[]): string | null {
  if (clauses.length === 0) return '0';
  const admits = (raw: string): boolean => {
    const candidate = tryParseVersion(raw);
    return clauses.every((clause) => matchesClause(candidate, raw, clause));
  };
  // '===' admits exactly one string, so it is the only possible witness.
  const arbitrary = clauses.find((clause) => clause.spec.operator === '===');
  if (arbitrary) return admits(arbitrary.spec.version) ? arbitrary.spec.version : null;
  for (const clause of clauses) {
    for (const raw of probes(clause.target!)) {
      if (admits(raw)) return tryParseVersion(raw)!.text;
    }
  }
  return null;
}
