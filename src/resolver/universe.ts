import type { Dependency, DependencyProvider } from './types.js';
import { makeIncompatibility, ROOT, type Incompatibility } from './incompatibility.js';
import {
  allowsAbsence,
  complement,
  countCandidates,
  setOf,
  universalSet,
  type VersionSet,
} from './version-set.js';

/** What the solver knows about one package: its candidates, fetched once. */
export interface PackageInfo {
  readonly name: string;
  /** Ascending, as the provider lists them. */
  readonly versions: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Every candidate, present: the positive term "any version". */
  readonly any: VersionSet;
  /** Every candidate and absence: the term that says nothing. */
  readonly universal: VersionSet;
}

/**
 * Provider answers cached for the life of one planning job, so the many solves of `planChange`
 * ask the provider (often an HTTP index) each question once. Also remembers each dependency's
 * allowed set and constraint text, which explanations use to name sets the way users wrote them.
 */
export interface Universe {
  readonly provider: DependencyProvider;
  readonly packages: Map<string, Promise<PackageInfo>>;
  /** The same packages once loaded, read without awaiting (a solve loads thousands of edges). */
  readonly loadedPackages: Map<string, PackageInfo>;
  readonly dependencies: Map<string, Promise<readonly Dependency[]>>;
  /**
   * Per `Dependency.allowsKey` (else the dependency itself), then package: the allowed set, shared
   * by every dependency with that key.
   */
  readonly allowedByKey: WeakMap<object, Map<string, VersionSet>>;
  /** Per allowed set: its complement, the dependency term of `{P v, not D}`. */
  readonly excluded: WeakMap<VersionSet, VersionSet>;
  /** Per package, per candidate index: its dependency edges, incompatibilities built once. */
  readonly edges: WeakMap<PackageInfo, Promise<readonly DependencyEdge[]>[]>;
  /** The same edges once loaded, so the solver's hot loop reads them without awaiting. */
  readonly loadedEdges: WeakMap<PackageInfo, (readonly DependencyEdge[])[]>;
}

/** One dependency of one candidate, with its PubGrub incompatibility `{P v, not D}`. */
export interface DependencyEdge {
  readonly dependency: Dependency;
  readonly target: PackageInfo;
  readonly allowed: VersionSet;
  /** Null for a package depending on itself in a way every assignment satisfies. */
  readonly incompatibility: Incompatibility | null;
}

export function createUniverse(provider: DependencyProvider): Universe {
  const universe: Universe = {
    provider,
    packages: new Map(),
    loadedPackages: new Map(),
    dependencies: new Map(),
    allowedByKey: new WeakMap(),
    excluded: new WeakMap(),
    edges: new WeakMap(),
    loadedEdges: new WeakMap(),
  };
  const root = packageInfo(ROOT, ['root']);
  universe.packages.set(ROOT, Promise.resolve(root));
  universe.loadedPackages.set(ROOT, root);
  return universe;
}

function packageInfo(name: string, versions: readonly string[]): PackageInfo {
  const indices = versions.map((_, i) => i);
  return {
    name,
    versions,
    indexOf: new Map(versions.map((version, i) => [version, i])),
    any: setOf(versions.length, indices),
    universal: universalSet(versions.length),
  };
}

export function loadPackage(universe: Universe, pkg: string): Promise<PackageInfo> {
  let info = universe.packages.get(pkg);
  if (info === undefined) {
    info = Promise.resolve(universe.provider.versions(pkg)).then((versions) => {
      const loaded = packageInfo(pkg, [...versions]);
      universe.loadedPackages.set(pkg, loaded);
      return loaded;
    });
    universe.packages.set(pkg, info);
  }
  return info;
}

export function loadDependencies(
  universe: Universe,
  pkg: string,
  version: string,
): Promise<readonly Dependency[]> {
  const key = `${pkg}\u0000${version}`;
  let deps = universe.dependencies.get(key);
  if (deps === undefined) {
    deps = Promise.resolve(universe.provider.dependencies(pkg, version));
    universe.dependencies.set(key, deps);
  }
  return deps;
}

/** The candidates a dependency accepts, as a positive set (absence not allowed). */
export function allowedSet(universe: Universe, dependency: Dependency, info: PackageInfo): VersionSet {
  const key = dependency.allowsKey ?? dependency;
  let byPackage = universe.allowedByKey.get(key);
  const cached = byPackage?.get(info.name);
  if (cached !== undefined && cached.candidates === info.versions.length) return cached;
  const versions = info.versions;
  const indices: number[] = [];
  for (let i = 0; i < versions.length; i++) if (dependency.allows(versions[i]!)) indices.push(i);
  const set = setOf(versions.length, indices);
  if (byPackage === undefined) {
    byPackage = new Map();
    universe.allowedByKey.set(key, byPackage);
  }
  byPackage.set(info.name, set);
  return set;
}

/** `not allowed`, computed once per allowed set (dependencies share their allowed sets). */
export function excludedSet(universe: Universe, allowed: VersionSet): VersionSet {
  let excluded = universe.excluded.get(allowed);
  if (excluded === undefined) {
    excluded = complement(allowed);
    universe.excluded.set(allowed, excluded);
  }
  return excluded;
}

/** The edges of candidate `index` of `info`, if already loaded (read without awaiting). */
export function loadedEdges(
  universe: Universe,
  info: PackageInfo,
  index: number,
): readonly DependencyEdge[] | undefined {
  return universe.loadedEdges.get(info)?.[index];
}

/**
 * The dependency incompatibilities of one candidate, built once per universe: every solve of a
 * planning job shares them (incompatibilities are immutable), so a solve only links them in.
 * Kept per package by candidate index: the solver asks for them at every decision, and a string
 * key per question cost more than the lookup.
 */
export function loadEdges(
  universe: Universe,
  info: PackageInfo,
  index: number,
): Promise<readonly DependencyEdge[]> {
  let byIndex = universe.edges.get(info);
  if (byIndex === undefined) {
    byIndex = [];
    universe.edges.set(info, byIndex);
  }
  let edges = byIndex[index];
  if (edges === undefined) {
    edges = buildEdges(universe, info, index).then((built) => {
      let loaded = universe.loadedEdges.get(info);
      if (loaded === undefined) {
        loaded = [];
        universe.loadedEdges.set(info, loaded);
      }
      loaded[index] = built;
      return built;
    });
    byIndex[index] = edges;
  }
  return edges;
}

async function buildEdges(universe: Universe, info: PackageInfo, index: number): Promise<DependencyEdge[]> {
  const pkg = info.name;
  const version = info.versions[index]!;
  const dependencies = await loadDependencies(universe, pkg, version);
  const edges: DependencyEdge[] = [];
  const self = setOf(info.versions.length, [index]);
  for (const dependency of dependencies) {
    if (dependency.package === ROOT) continue;
    const target =
      universe.loadedPackages.get(dependency.package) ?? (await loadPackage(universe, dependency.package));
    const allowed = allowedSet(universe, dependency, target);
    const incompatibility = makeIncompatibility(
      [
        { pkg, set: self },
        { pkg: dependency.package, set: excludedSet(universe, allowed) },
      ],
      { kind: 'dependency', package: pkg, version, dependency },
    );
    // A package that depends on itself: harmless when it accepts itself, else forbids the version.
    const harmless = incompatibility.termList.some(
      ({ set }) => countCandidates(set) === 0 && !allowsAbsence(set),
    );
    edges.push({ dependency, target, allowed, incompatibility: harmless ? null : incompatibility });
  }
  return edges;
}
