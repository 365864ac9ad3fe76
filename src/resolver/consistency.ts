import { formatRequirement } from './explain.js';
import type { Consistency, DependencyProvider, Violation } from './types.js';

/**
 * Checks a set of pins without searching: every dependency of every pinned package must be met
 * by another pin. A dependency on a package the pins lack is a violation with `found: null`.
 * Packages are checked in name order, so the answer is deterministic.
 */
export async function checkConsistency(
  provider: DependencyProvider,
  pins: ReadonlyMap<string, string>,
): Promise<Consistency> {
  const names = [...pins.keys()].sort();
  const perPackage = await Promise.all(
    names.map(async (name): Promise<Violation[]> => {
      const version = pins.get(name)!;
      const dependencies = await provider.dependencies(name, version);
      const violations: Violation[] = [];
      for (const dependency of dependencies) {
        const found = pins.get(dependency.package) ?? null;
        if (found !== null && dependency.allows(found)) continue;
        violations.push({
          package: name,
          version,
          dependency: dependency.package,
          requires: formatRequirement(dependency.package, dependency.constraint),
          found,
        });
      }
      return violations;
    }),
  );
  const violations = perPackage.flat();
  return { consistent: violations.length === 0, violations };
}
