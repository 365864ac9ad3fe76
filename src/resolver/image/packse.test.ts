import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFindLinks } from '../../index/index.js';
import { buildFindLinksFromUniverse } from '../../../test/support/wheels/index.js';
import type { Universe } from '../../../test/support/wheels/index.js';
import { sharedFixture } from '../../../test/support/shared.js';
import { resolveRequirements } from './index.js';

// Scenarios from astral-sh/packse (the uv resolver's scenario suite), converted to JSON with what
// pip 23.2.1 answered on stub wheels of the same universe: ../shared/fixtures/packse-scenarios.json.
interface Scenario {
  readonly name: string;
  readonly requires: readonly string[];
  readonly python: string;
  readonly ratchet_args: readonly string[];
  readonly universe: Universe;
  readonly expected: { readonly satisfiable: boolean; readonly packages?: Record<string, string> };
  readonly pip: { readonly satisfiable: boolean; readonly packages: Record<string, string> };
  readonly pip_agrees: boolean;
}

const { scenarios } = JSON.parse(readFileSync(sharedFixture('packse-scenarios.json'), 'utf8')) as {
  scenarios: Scenario[];
};

/**
 * Where packse (uv) and pip disagree, Ratchet follows pip: pip installs the customer images, so an
 * image pip cannot install must not be called consistent, and one it installs must not be refused.
 * Each row says why the two differ.
 */
const followsPipRather: Record<string, string> = {
  'package-only-prereleases-boundary':
    'pip 23.2.1 never falls back to pre-releases when the requirement has a specifier (a<0.2.0).',
  'package-prereleases-specifier-boundary':
    "pip admits pre-releases only when a clause names one inclusively; uv's boundary rule differs.",
  'transitive-package-only-prereleases-in-range-opt-in':
    'b>0.0.0a1 does not open pre-releases in pip: only == >= <= ~= === clauses naming one do.',
  'python-less-than-current': "pip honours Requires-Python upper bounds; uv's scenario expects them ignored.",
};

/**
 * The one family where Ratchet sides with packse against pip, deliberately: pip intersects every
 * requirement on a package into one specifier set, so a pre-release pin by one dependency silently
 * opens pre-releases for every other requirement on that package. Ratchet judges each requirement
 * by its own specifier (pre-releases "only when asked for"), so a stable requirement is never
 * satisfied by a transitive beta. The PEP 440 text ("by default ... should exclude pre-releases")
 * supports this reading; the test records the divergence instead of hiding it.
 */
const followsPackseRather: Record<string, string> = {
  'transitive-prerelease-and-stable-dependency':
    'a transitive ==2.0.0b1 pin does not make the stable requirement on c accept a beta.',
  'transitive-prerelease-and-stable-dependency-many-versions':
    'a transitive ==2.0.0b9 pin does not make the stable requirement on c accept a beta.',
};

const workDir = mkdtempSync(path.join(os.tmpdir(), 'ratchet-packse-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function pythonOf(scenario: Scenario): string {
  const at = scenario.ratchet_args.indexOf('--python');
  return at >= 0 ? scenario.ratchet_args[at + 1]! : scenario.python;
}

describe('packse scenarios (astral-sh/packse @ 561e0fe2)', () => {
  it('lists every divergence from pip against a scenario that exists', () => {
    const names = new Set(scenarios.map((s) => s.name));
    for (const name of [...Object.keys(followsPipRather), ...Object.keys(followsPackseRather)]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const dir = path.join(workDir, scenario.name);
    mkdirSync(dir, { recursive: true });
    buildFindLinksFromUniverse(dir, scenario.universe);
    const result = await resolveRequirements({
      source: openFindLinks(dir),
      python: pythonOf(scenario),
      requirements: scenario.requires,
    });
    const oracle = followsPackseRather[scenario.name] ? scenario.expected : scenario.pip;
    expect(result.satisfiable, result.explanation ?? '').toBe(oracle.satisfiable);
    if (!result.satisfiable) {
      expect(result.explanation).toMatch(/\S/);
      return;
    }
    // pip's answer is the newest-first solution; Ratchet picks newest first as well.
    expect(result.packages).toEqual(normalizeKeys(scenario.pip.packages));
    if (!followsPipRather[scenario.name] && scenario.pip_agrees && scenario.expected.packages) {
      expect(result.packages).toEqual(normalizeKeys(scenario.expected.packages));
    }
  });
});

function normalizeKeys(packages: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(packages)
      .map(([name, version]) => [name.toLowerCase().replace(/[-_.]+/g, '-'), version] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
