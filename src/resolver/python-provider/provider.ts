import { InputError } from '../../domain/errors/index.js';
import type { ProjectReleases, ReleaseFile } from '../../index/types.js';
import type { MarkerEnvironment, Requirement, SpecifierSet, VersionList } from '../../python/index.js';
import type { CoreMetadata } from '../../python/metadata/index.js';
import {
  admittedFlags,
  compareVersions,
  markerEnvironment,
  normalizeName,
  parseRequirement,
  parseSpecifierSet,
  tryParseVersion,
  versionList,
} from '../../python/index.js';
import type { Dependency, DependencyProvider, RootDependency } from '../types.js';
import { PYTHON, extraIdentity, isDistribution, parseIdentity } from './identity.js';
import type { PrereleaseMode, PythonProviderOptions, ReleaseNotice } from './types.js';

/** A release as the solver may use it: a version with at least one installable file. */
interface Candidate {
  readonly version: string;
  readonly files: readonly ReleaseFile[];
  readonly yanked: false | { readonly reason: string | null };
}

export interface PythonDependencyProvider extends DependencyProvider {
  /** The target interpreter version the provider judges Requires-Python against. */
  readonly python: string;
  /** Yanked and other notable facts about a release the solver was offered, or null if unknown. */
  notice(name: string, version: string): Promise<ReleaseNotice | null>;
  /** Why a listed version is not a candidate (sdist only, yanked, pre-release), or null if it is one. */
  whyUnusable(name: string, version: string): Promise<string | null>;
  isVirtual(identity: string): boolean;
  /** The root requirement that fixes the interpreter: every resolution and plan carries it. */
  pythonPin(): RootDependency;
  /** Every valid version the source lists, usable or not, ascending. */
  listedVersions(name: string): Promise<readonly string[]>;
  /** Turns a top-level requirement string into solver edges (an extra adds its virtual package). */
  rootDependencies(requirement: Requirement): Promise<Dependency[]>;
}

/**
 * The bridge from Python packaging (PEP 440, 508, 592, 658) to the language-agnostic solver.
 * Everything is fetched lazily from the package source and cached for the provider's lifetime.
 */
export function createPythonProvider(options: PythonProviderOptions): PythonDependencyProvider {
  const mode: PrereleaseMode = options.prerelease ?? 'if-necessary';
  const python = options.python;
  const pythonVersion = tryParseVersion(python);
  if (!pythonVersion || pythonVersion.release.length < 2) {
    throw new InputError(`'${python}' is not a Python version; pass it as X.Y or X.Y.Z, e.g. --python 3.11`);
  }
  const baseEnvironment = markerEnvironment(python, options.platform);
  const exactPins = new Map(
    [...(options.exactPins ?? new Map<string, string>())].map(([k, v]) => [normalizeName(k), v]),
  );
  const opened = new Set([...(options.prereleaseOpened ?? [])].map(normalizeName));

  // The interpreter is a package with the usual CPython releases as candidates and one of them
  // pinned by the image, so a Requires-Python conflict reads "X depends on python>=3.10 and the
  // image pins python 3.9", not "no version matches".
  const pythonVersions = interpreterCandidates(python);
  const releases = new Map<string, Promise<ProjectReleases | null>>();
  const candidates = new Map<string, Promise<Candidate[]>>();
  const dependencyCache = new Map<string, Promise<readonly Dependency[]>>();
  /** Per target: its candidates' versions and the allowed sets answered so far. */
  const allowedCache = new Map<string, TargetAnswers>();

  function listReleases(name: string): Promise<ProjectReleases | null> {
    let found = releases.get(name);
    if (!found) {
      found = options.source.listReleases(name);
      releases.set(name, found);
    }
    return found;
  }

  async function loadCandidates(name: string): Promise<Candidate[]> {
    const listed = await listReleases(name);
    if (!listed) return [];
    const key = `${mode}\u0000${exactPins.get(name) ?? ''}`;
    const shared = sharedFor(listed).candidates;
    const cached = shared.get(key);
    if (cached !== undefined) return cached;
    const usable: Candidate[] = [];
    for (const [version, files] of listed.versions) {
      if (!tryParseVersion(version)) continue;
      if (usabilityProblem(name, version, files) !== null) continue;
      usable.push({ version, files, yanked: yankState(files) });
    }
    usable.sort((a, b) => compareVersions(a.version, b.version));
    shared.set(key, usable);
    return usable;
  }

  function candidatesOf(name: string): Promise<Candidate[]> {
    let found = candidates.get(name);
    if (!found) {
      found = loadCandidates(name);
      candidates.set(name, found);
    }
    return found;
  }

  function isExactPin(name: string, version: string): boolean {
    const pinned = exactPins.get(name);
    return pinned !== undefined && sameVersion(pinned, version);
  }

  function usabilityProblem(name: string, version: string, files: readonly ReleaseFile[]): string | null {
    // Metadata is read from wheels (or their PEP 658 sidecars); an sdist would need a build.
    const wheels = files.filter((file) => file.kind === 'wheel');
    if (wheels.length === 0) return files.length === 0 ? 'has no files' : 'has only a source distribution';
    const yanked = yankState(wheels);
    // PEP 592: "an installer ... should ignore yanked releases, unless ... pinned exactly (== or ===)".
    if (yanked && !isExactPin(name, version)) {
      return `is yanked${yanked.reason ? ` (${yanked.reason})` : ''}`;
    }
    const parsed = tryParseVersion(version);
    if (mode === 'disallow' && parsed?.isPrerelease && !isExactPin(name, version)) {
      return 'is a pre-release and pre-releases are disallowed';
    }
    return null;
  }

  async function versions(identity: string): Promise<readonly string[]> {
    if (identity === PYTHON) return pythonVersions;
    const { name } = parseIdentity(identity);
    return (await candidatesOf(name)).map((candidate) => candidate.version);
  }

  /** The candidates of `target` one requirement admits, by pip's rules for the chosen mode. */
  async function allowedVersions(target: string, specifier: SpecifierSet): Promise<AdmittedVersions> {
    const answers = allowedCache.get(target) ?? (await targetAnswers(target));
    const cached = answers.bySpecifier.get(specifier.text);
    if (cached !== undefined) return cached;
    const { listed, indexOf, explicitlyOpen } = answers;
    // Flags by candidate index, not a Set per specifier: thousands of specifiers each admit a
    // few dozen versions, and each clause is matched once per target (admittedFlags).
    const flags = admittedFlags(specifier, answers.versions, explicitlyOpen ? { prereleases: true } : {});
    // An exact top-level pin wins over the pre-release policy: the user named that version.
    const pinned = exactPins.get(target);
    if (pinned !== undefined && !explicitlyOpen) {
      const match = listed.findIndex((version) => sameVersion(version, pinned));
      if (match !== -1 && specifier.contains(listed[match]!, { prereleases: true })) flags[match] = true;
    }
    const result: AdmittedVersions = {
      has: (version) => {
        const index = indexOf.get(version);
        return index !== undefined && flags[index] === true;
      },
    };
    answers.bySpecifier.set(specifier.text, result);
    return result;
  }

  /**
   * What `allowedVersions` needs of a target, gathered once per target: its candidates' versions
   * and the answers already given. The answers depend only on the listing, the mode, whether the
   * target is opened to pre-releases and its exact pin, so providers over the same source with the
   * same settings share them (sharedFor).
   */
  async function targetAnswers(target: string): Promise<TargetAnswers> {
    const candidateList = await candidatesOf(target);
    const explicitlyOpen = mode === 'allow' || opened.has(target);
    const releasesOfTarget = await listReleases(target);
    const settings = [mode, explicitlyOpen, exactPins.get(target) ?? ''].join('\u0000');
    let bySpecifier = new Map<string, AdmittedVersions>();
    if (releasesOfTarget !== null) {
      const shared = sharedFor(releasesOfTarget).allowed;
      bySpecifier = shared.get(settings) ?? bySpecifier;
      shared.set(settings, bySpecifier);
    }
    const listed = candidateList.map((candidate) => candidate.version);
    const answers: TargetAnswers = {
      listed,
      versions: versionList(listed),
      indexOf: new Map(listed.map((version, index) => [version, index])),
      explicitlyOpen,
      bySpecifier,
    };
    allowedCache.set(target, answers);
    return answers;
  }

  async function edgesFor(requirement: Requirement): Promise<Dependency[]> {
    const target = requirement.normalizedName;
    if (requirement.url !== null) {
      // A direct reference cannot be resolved from an index; the pin (if any) decides the version.
      options.onWarning?.(
        `${requirement.text}: a direct URL reference is treated as any version of ${target}.`,
      );
    }
    const specifier = requirement.url === null ? requirement.specifier : parseSpecifierSet('');
    const allowed = await allowedVersions(target, specifier);
    const constraint = requirement.url === null ? specifier.text : `@ ${requirement.url}`;
    const allows = (version: string): boolean => allowed.has(version);
    // `allowed` is shared by every requirement with this target and specifier (allowedVersions).
    const base: Dependency = { package: target, constraint, allows, allowsKey: allowed };
    const dependencies = [base];
    for (const extra of requirement.extras) {
      dependencies.push({ package: extraIdentity(target, extra), constraint, allows, allowsKey: allowed });
    }
    return dependencies;
  }

  /** The target environment with `extra` set, one object per extra (markers only read it). */
  const environments = new Map<string, MarkerEnvironment>();
  function environmentWith(extra: string): MarkerEnvironment {
    let environment = environments.get(extra);
    if (environment === undefined) {
      environment = { ...baseEnvironment, extra };
      environments.set(extra, environment);
    }
    return environment;
  }

  async function loadDependencies(identity: string, version: string): Promise<readonly Dependency[]> {
    if (identity === PYTHON) return [];
    const { name, extra } = parseIdentity(identity);
    const metadata = await options.source.fetchMetadata(name, version);
    const edges: Dependency[] = [];
    if (extra !== null) {
      // The virtual `name[extra]` moves in lockstep with `name`.
      edges.push({ package: name, constraint: `==${version}`, allows: (v) => v === version });
      if (!metadata.providesExtra.includes(extra)) {
        options.onWarning?.(`${name} ${version} does not provide the extra '${extra}'; it adds nothing.`);
        return edges;
      }
    } else {
      const requiresPython = metadata.requiresPython ?? commonRequiresPython(await filesOf(name, version));
      if (requiresPython) edges.push(pythonEdge(requiresPython, name, version));
    }
    const environment = environmentWith(extra ?? '');
    const withoutExtra = environmentWith('');
    const requirements = requirementsOf(metadata, name, version);
    for (let i = 0; i < requirements.length; i++) {
      const requirement = requirements[i]!;
      if (requirement.marker && !requirement.marker.evaluate(environment)) continue;
      // For an extra, keep only what the extra adds: the base package carries the rest.
      if (extra !== null && (!requirement.marker || requirement.marker.evaluate(withoutExtra))) continue;
      const added = await edgesFor(requirement);
      for (let j = 0; j < added.length; j++) edges.push(added[j]!);
    }
    return edges;
  }

  function pythonEdge(requiresPython: string, name: string, version: string): Dependency {
    let specifier: SpecifierSet;
    try {
      specifier = remember(parsedSpecifiers, requiresPython, parseSpecifierSet);
    } catch {
      options.onWarning?.(
        `${name} ${version} has an unreadable Requires-Python '${requiresPython}'; ignored.`,
      );
      return { package: PYTHON, constraint: '', allows: () => true };
    }
    // Requires-Python is judged with pre-releases admitted: the interpreter's own version counts.
    return {
      package: PYTHON,
      constraint: specifier.text,
      allows: (v) => specifier.contains(v, { prereleases: true }),
      // Parsed once per text (`remember`): every release with this Requires-Python shares it.
      allowsKey: specifier,
    };
  }

  async function filesOf(name: string, version: string): Promise<readonly ReleaseFile[]> {
    const candidate = (await candidatesOf(name)).find((c) => c.version === version);
    return candidate?.files ?? [];
  }

  return {
    python,
    versions,
    isVirtual: (identity: string) => !isDistribution(identity),
    pythonPin(): RootDependency {
      return {
        package: PYTHON,
        constraint: `==${python}`,
        allows: (version) => version === python,
        origin: 'pin',
        source: 'the image',
      };
    },
    dependencies(identity: string, version: string): Promise<readonly Dependency[]> {
      const key = `${identity} ${version}`;
      let found = dependencyCache.get(key);
      if (!found) {
        found = loadDependencies(identity, version);
        dependencyCache.set(key, found);
      }
      return found;
    },
    async notice(name: string, version: string): Promise<ReleaseNotice | null> {
      const listed = await listReleases(normalizeName(name));
      if (!listed) return null;
      const exact = listed.versions.get(version);
      if (exact !== undefined) return { name: listed.name, version, yanked: yankState(exact) };
      for (const [listedVersion, files] of listed.versions) {
        if (sameVersion(listedVersion, version))
          return { name: listed.name, version: listedVersion, yanked: yankState(files) };
      }
      return null;
    },
    async whyUnusable(name: string, version: string): Promise<string | null> {
      const normalized = normalizeName(name);
      const listed = await listReleases(normalized);
      if (!listed) return `${normalized} is not in ${options.source.description}`;
      const exact = listed.versions.get(version);
      if (exact !== undefined) {
        const problem = usabilityProblem(normalized, version, exact);
        return problem === null ? null : `${normalized} ${version} ${problem}`;
      }
      for (const [listedVersion, files] of listed.versions) {
        if (!sameVersion(listedVersion, version)) continue;
        const problem = usabilityProblem(normalized, listedVersion, files);
        return problem === null ? null : `${normalized} ${listedVersion} ${problem}`;
      }
      return `${normalized} ${version} is not in ${options.source.description}`;
    },
    async listedVersions(name: string): Promise<readonly string[]> {
      const listed = await listReleases(normalizeName(name));
      if (!listed) return [];
      return [...listed.versions.keys()].filter((v) => tryParseVersion(v) !== null).sort(compareVersions);
    },
    rootDependencies: edgesFor,
  };
}

/** One target's candidates as `allowedVersions` filters them, and its answers so far. */
interface TargetAnswers {
  readonly listed: readonly string[];
  /** The same versions, parsed, with per-clause answers (python/specifier `admittedFlags`). */
  readonly versions: VersionList;
  readonly indexOf: ReadonlyMap<string, number>;
  readonly explicitlyOpen: boolean;
  /** Specifier text → the admitted versions (shared through `sharedFor`). */
  readonly bySpecifier: Map<string, AdmittedVersions>;
}

/** The candidates one specifier admits; one object per target and specifier, shared. */
interface AdmittedVersions {
  has(version: string): boolean;
}

/** Per-listing answers that depend only on the listing and the keyed options. */
interface SharedAnswers {
  /** Key: prerelease mode, exact pin → the usable candidates. */
  readonly candidates: Map<string, Candidate[]>;
  /** Key: mode, explicitly open, exact pin → specifier text → the admitted versions. */
  readonly allowed: Map<string, Map<string, AdmittedVersions>>;
}

/**
 * Sources cache their listings, so keying on the listing object lets the fresh provider of every
 * check or plan reuse earlier answers; weakly held, it goes when the source does.
 */
const sharedAnswers = new WeakMap<ProjectReleases, SharedAnswers>();

function sharedFor(listed: ProjectReleases): SharedAnswers {
  let shared = sharedAnswers.get(listed);
  if (shared === undefined) {
    shared = { candidates: new Map(), allowed: new Map() };
    sharedAnswers.set(listed, shared);
  }
  return shared;
}

/**
 * Parsed Requires-Dist per metadata object. Sources cache their metadata, so the providers that a
 * check or plan creates afresh on every call share the parsing (weakly held: no growth).
 */
const parsedRequirements = new WeakMap<CoreMetadata, readonly Requirement[]>();

function requirementsOf(metadata: CoreMetadata, name: string, version: string): readonly Requirement[] {
  let parsed = parsedRequirements.get(metadata);
  if (parsed === undefined) {
    parsed = metadata.requiresDist.map((text) => parseDistRequirement(text, name, version));
    parsedRequirements.set(metadata, parsed);
  }
  return parsed;
}

/**
 * Requires-Dist strings repeat across a project's releases (and Requires-Python ones across
 * projects): parsed once per text. Requirements and specifier sets are never mutated.
 */
const parsedTexts = new Map<string, Requirement>();
const parsedSpecifiers = new Map<string, SpecifierSet>();

function remember<T>(cache: Map<string, T>, text: string, parse: (text: string) => T): T {
  const known = cache.get(text);
  if (known !== undefined) return known;
  const parsed = parse(text);
  // Bounded for a long-lived server; starting over costs only parsing again.
  if (cache.size >= 50_000) cache.clear();
  cache.set(text, parsed);
  return parsed;
}

function parseDistRequirement(text: string, name: string, version: string): Requirement {
  try {
    return remember(parsedTexts, text, parseRequirement);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`${name} ${version} declares a malformed requirement: ${reason}`, {
      remedy: 'The package metadata is broken; pick another version or fix the index.',
    });
  }
}

/** A release is yanked when all its files are (PEP 592 yanks files; pip treats the release so). */
function yankState(files: readonly ReleaseFile[]): false | { readonly reason: string | null } {
  if (files.length === 0 || files.some((file) => file.yanked === false)) return false;
  const first = files.find((file) => file.yanked !== false)?.yanked;
  return first === undefined || first === false ? { reason: null } : first;
}

function commonRequiresPython(files: readonly ReleaseFile[]): string | null {
  const values = new Set(files.filter((f) => f.kind === 'wheel').map((f) => f.requiresPython));
  if (values.size !== 1) return null;
  return [...values][0] ?? null;
}

/** CPython feature releases 2.7 and 3.0-3.15 (as X.Y), plus the target itself, ascending. */
function interpreterCandidates(target: string): string[] {
  const known = ['2.7', ...Array.from({ length: 16 }, (_, minor) => `3.${String(minor)}`)];
  const all = known.some((v) => sameVersion(v, target))
    ? known.map((v) => (sameVersion(v, target) ? target : v))
    : [...known, target];
  return all.sort(compareVersions);
}

/** PEP 440 equality (`1.10` is `1.10.0`); local labels take part in the order, so they must match too. */
export function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  if (!tryParseVersion(a) || !tryParseVersion(b)) return false;
  return compareVersions(a, b) === 0;
}
