import { InputError } from '../../domain/errors/index.js';
import type { PinnedPackage, Requirement } from '../../python/index.js';
import { normalizeName, parseRequirement } from '../../python/index.js';
import { checkConsistency } from '../consistency.js';
import { planChange } from '../plan.js';
import { solve } from '../solve.js';
import type { RootDependency, Violation } from '../types.js';
import type { PythonDependencyProvider } from '../python-provider/index.js';
import { PYTHON, createPythonProvider, isDistribution, parseIdentity } from '../python-provider/index.js';
import { pinMarker, splitByMarker, targetEnvironment } from './environment.js';
import type { IgnoredRequirement } from './environment.js';
import type {
  ImageCheck,
  ImagePlan,
  ImageTarget,
  ImageViolation,
  PlanImageChangeInput,
  ResolveResult,
  TargetAvailability,
  UnavailablePin,
  YankedPin,
} from './types.js';

/**
 * Resolves requirements from scratch (`ratchet resolve`): newest versions first, like pip.
 *
 * @example await resolveRequirements({ source, python: '3.11', requirements: ['dbt-core==1.10.*'] })
 */
export async function resolveRequirements(
  input: ImageTarget & { readonly requirements: readonly string[] },
): Promise<ResolveResult> {
  const { applicable: requirements, ignored } = applicableRequests(input, parseRequests(input.requirements));
  const provider = providerFor(input, [], requirements);
  const roots = await rootsFor(provider, requirements, 'request', 'your request');
  const solution = await solve(provider, [provider.pythonPin(), ...roots]);
  if (!solution.ok) {
    return { satisfiable: false, packages: {}, explanation: solution.explanation.text, yanked: [], ignored };
  }
  const packages = distributionsOf(solution.packages);
  return {
    satisfiable: true,
    packages,
    explanation: null,
    yanked: await yankedAmong(provider, packages),
    ignored,
  };
}

/**
 * Checks an image's pins without moving anything (`ratchet image check`): every pin must be
 * installable on the image's Python, and every dependency of every pin met by another pin.
 */
export async function checkImage(
  input: ImageTarget & { readonly pins: readonly PinnedPackage[] },
): Promise<ImageCheck> {
  const { applicable: applicablePins, ignored } = applicablePinsOf(input, input.pins);
  const pins = pinMap(applicablePins);
  const provider = providerFor(input, applicablePins, []);
  const unavailable: UnavailablePin[] = [];
  const installable = new Map<string, string>();
  for (const [name, version] of pins) {
    const problem = await provider.whyUnusable(name, version);
    if (problem === null) installable.set(name, version);
    else unavailable.push({ package: name, version, reason: problem });
  }
  const violations = await consistencyOf(provider, installable);
  return {
    consistent: violations.length === 0 && unavailable.length === 0,
    violations,
    yanked: await yankedAmong(provider, Object.fromEntries(installable)),
    unavailable,
    ignored,
  };
}

/**
 * Plans the smallest change that satisfies the requests (`ratchet image plan`): fewest other pins
 * moved, then the shortest moves. Pins are never dropped; new dependencies may be added.
 *
 * @example await planImageChange({ source, python: '3.11', pins, requests: ['dbt-core==1.10.*'] })
 */
export async function planImageChange(input: PlanImageChangeInput): Promise<ImagePlan> {
  const env = targetEnvironment(input);
  const requested = applicableRequests(input, parseRequests(input.requests));
  const requests = requested.applicable;
  const applicablePins = applicablePinsOf(input, input.pins);
  const kept = splitByMarker((input.keep ?? []).map(parseKeep), env, 'keep', (r) => r);
  const ignored = [...requested.ignored, ...applicablePins.ignored, ...kept.ignored];
  const provider = providerFor(input, applicablePins.applicable, requests);
  const availability = await Promise.all(requests.map((request) => checkAvailability(provider, request)));
  const roots = await rootsFor(provider, requests, 'request', 'the requested change');
  const pins = pinMap(applicablePins.applicable);
  const keep = kept.applicable.map((entry) => entry.normalizedName);
  // The interpreter is pinned and kept: an image change never moves Python (a platform release does).
  const plan = await planChange(provider, {
    pins: new Map([...pins, [PYTHON, provider.python]]),
    requests: roots,
    keep: [...keep, PYTHON],
  });
  const packages = distributionsOf(plan.packages);
  return {
    feasible: plan.feasible,
    changes: plan.changes.map(({ name, from, to, requested }) => ({ name, from, to, requested })),
    added: plan.added.filter((entry) => isDistribution(entry.name)),
    conflictsIfAlone: await conflictsIfAlone(provider, pins, requests, plan.packages, availability),
    explanation: plan.explanation,
    availability,
    packages,
    ignored,
  };
}

/**
 * Which versions a request could move to, and why the others cannot be used: the policy's
 * "confirms target version availability" (exists, not yanked, supports the image's Python).
 */
export async function checkAvailability(
  provider: PythonDependencyProvider,
  request: Requirement,
): Promise<TargetAvailability> {
  const name = request.normalizedName;
  const candidates = new Set(await provider.versions(name));
  const listed = await provider.listedVersions(name);
  const usable: string[] = [];
  const unusable: { version: string; reason: string }[] = [];
  if (listed.length === 0) {
    unusable.push({
      version: '*',
      reason: (await provider.whyUnusable(name, '0')) ?? `${name} has no releases`,
    });
  }
  for (const version of request.specifier.filter(listed, { prereleases: true })) {
    if (!candidates.has(version)) {
      unusable.push({ version, reason: (await provider.whyUnusable(name, version)) ?? 'cannot be used' });
      continue;
    }
    const python = (await provider.dependencies(name, version)).find((dep) => dep.package === PYTHON);
    if (python && !python.allows(provider.python)) {
      unusable.push({
        version,
        reason: `requires Python ${python.constraint}; the image runs ${provider.python}`,
      });
      continue;
    }
    usable.push(version);
  }
  return { package: name, requested: request.text, usable, unusable, available: usable.length > 0 };
}

function providerFor(
  target: ImageTarget,
  pins: readonly PinnedPackage[],
  requests: readonly Requirement[],
): PythonDependencyProvider {
  const exactPins = new Map<string, string>();
  for (const pin of pins) exactPins.set(normalizeName(pin.name), pin.version);
  for (const request of requests) {
    const exact = exactVersionOf(request);
    if (exact !== null) exactPins.set(request.normalizedName, exact);
  }
  const prereleaseOpened = new Set(
    requests.filter((request) => request.specifier.prereleases === true).map((r) => r.normalizedName),
  );
  return createPythonProvider({
    source: target.source,
    python: target.python,
    ...(target.platform ? { platform: target.platform } : {}),
    ...(target.prerelease ? { prerelease: target.prerelease } : {}),
    ...(target.onWarning ? { onWarning: target.onWarning } : {}),
    exactPins,
    prereleaseOpened,
  });
}

async function rootsFor(
  provider: PythonDependencyProvider,
  requirements: readonly Requirement[],
  origin: 'request' | 'pin',
  source: string,
): Promise<RootDependency[]> {
  const roots: RootDependency[] = [];
  for (const requirement of requirements) {
    for (const edge of await provider.rootDependencies(requirement)) roots.push({ ...edge, origin, source });
  }
  return roots;
}

/**
 * Consistency over distributions, with Python and extras made explicit: Python is "pinned" at
 * the image's interpreter, and an extra some pin asks for is checked at its base package's pin.
 */
async function consistencyOf(
  provider: PythonDependencyProvider,
  installable: ReadonlyMap<string, string>,
): Promise<ImageViolation[]> {
  const pins = new Map(installable);
  pins.set(PYTHON, provider.python);
  for (;;) {
    const { violations } = await checkConsistency(provider, pins);
    const extrasToAdd = violations.filter((violation) => {
      const { name, extra } = parseIdentity(violation.dependency);
      return extra !== null && violation.found === null && pins.has(name);
    });
    if (extrasToAdd.length === 0) {
      return violations.filter((violation) => violation.package !== PYTHON).map(toImageViolation);
    }
    for (const violation of extrasToAdd) {
      pins.set(violation.dependency, pins.get(parseIdentity(violation.dependency).name)!);
    }
  }
}

/**
 * What breaks if only the requested packages move (the policy's example: rolling back only dbt
 * breaks the Snowflake adapter). Each requested package takes the version the plan chose, or, when
 * there is no plan, the newest usable version the request allows.
 */
async function conflictsIfAlone(
  provider: PythonDependencyProvider,
  pins: ReadonlyMap<string, string>,
  requests: readonly Requirement[],
  planned: ReadonlyMap<string, string>,
  availability: readonly TargetAvailability[],
): Promise<ImageViolation[]> {
  const alone = new Map(pins);
  for (const [index, request] of requests.entries()) {
    const target = planned.get(request.normalizedName) ?? availability[index]?.usable.at(-1);
    // Nothing usable to move to: the availability check already says so.
    if (target === undefined) return [];
    alone.set(request.normalizedName, target);
  }
  return consistencyOf(provider, alone);
}

function toImageViolation(violation: Violation): ImageViolation {
  // A violation found while checking an extra belongs to the package that carries the extra.
  const { name } = parseIdentity(violation.package);
  return { package: name, version: violation.version, requires: violation.requires, found: violation.found };
}

/** The requests whose marker holds in the image's environment; the others are ignored, as pip does. */
function applicableRequests(
  target: ImageTarget,
  requests: readonly Requirement[],
): { applicable: Requirement[]; ignored: IgnoredRequirement[] } {
  return splitByMarker(requests, targetEnvironment(target), 'request', (request) => request);
}

/** A lock's pins that apply to the image (`colorama==0.4.6 ; sys_platform == "win32"` does not on Linux). */
function applicablePinsOf(
  target: ImageTarget,
  pins: readonly PinnedPackage[],
): { applicable: PinnedPackage[]; ignored: IgnoredRequirement[] } {
  return splitByMarker(pins, targetEnvironment(target), 'pin', (pin) => {
    const marker = pinMarker(pin.name, pin.marker);
    return { text: `${pin.name}==${pin.version}${marker ? ` ; ${marker.text}` : ''}`, marker };
  });
}

/** A keep entry names a package, optionally with a marker: `dbt-core` or `dbt-core ; python_version < "3.12"`. */
function parseKeep(text: string): Requirement {
  const requirement = parseRequirement(text);
  if (
    requirement.specifier.specifiers.length > 0 ||
    requirement.url !== null ||
    requirement.extras.length > 0
  ) {
    throw new InputError(`Keep '${text}' names more than a package: a kept package stays at its pin.`, {
      remedy: "Name the package alone, optionally with a marker: --keep 'dbt-core'.",
    });
  }
  return requirement;
}

function parseRequests(texts: readonly string[]): Requirement[] {
  if (texts.length === 0) throw new InputError('Name at least one requirement, e.g. dbt-core==1.10.*');
  return texts.map((text) => parseRequirement(text));
}

function pinMap(pins: readonly PinnedPackage[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pin of pins) {
    const name = normalizeName(pin.name);
    const earlier = map.get(name);
    if (earlier !== undefined && earlier !== pin.version) {
      throw new InputError(
        `The image pins ${name} twice (${earlier} and ${pin.version}); keep one pin per package.`,
      );
    }
    map.set(name, pin.version);
  }
  return map;
}

function exactVersionOf(request: Requirement): string | null {
  const [only, ...rest] = request.specifier.specifiers;
  if (!only || rest.length > 0 || only.wildcard) return null;
  return only.operator === '==' || only.operator === '===' ? only.version : null;
}

function distributionsOf(packages: ReadonlyMap<string, string>): Record<string, string> {
  const entries = [...packages].filter(([name]) => isDistribution(name)).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries);
}

async function yankedAmong(
  provider: PythonDependencyProvider,
  packages: Readonly<Record<string, string>>,
): Promise<YankedPin[]> {
  const yanked: YankedPin[] = [];
  for (const [name, version] of Object.entries(packages)) {
    const notice = await provider.notice(name, version);
    if (notice?.yanked) yanked.push({ package: name, version, reason: notice.yanked.reason });
  }
  return yanked;
}
