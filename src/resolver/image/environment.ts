import { InputError } from '../../domain/errors/index.js';
import type { Marker, MarkerEnvironment, MarkerPlatform } from '../../python/index.js';
import { markerEnvironment, parseMarker } from '../../python/index.js';

/** A root requirement (request, pin, keep entry) left out because its marker is false for the image. */
export interface IgnoredRequirement {
  /** What the requirement was: a request (resolve argument, `--set`, rollback or upgrade target), a lock pin, a keep entry. */
  readonly role: 'request' | 'pin' | 'keep';
  /** The requirement as given, e.g. `obsordol>=9999 ; python_version < "3.10"`. */
  readonly requirement: string;
  readonly marker: string;
  /** One sentence: why it does not apply. */
  readonly reason: string;
}

/**
 * The image's full PEP 508 marker environment: every marker, at the root and in Requires-Dist, is
 * judged against this one value (CPython `python` on `platform`, Linux x86_64 by default).
 */
export function targetEnvironment(target: { python: string; platform?: MarkerPlatform }): MarkerEnvironment {
  return markerEnvironment(target.python, target.platform);
}

/** "CPython 3.11.0 on linux x86_64": how refusals name the environment a marker was judged in. */
export function describeEnvironment(env: MarkerEnvironment): string {
  return `${env.platform_python_implementation} ${env.python_full_version} on ${env.sys_platform} ${env.platform_machine}`;
}

/**
 * Whether a root requirement applies to the image. pip (`InstallRequirement.match_markers`)
 * evaluates a user's requirement with `extra` set to '' (no extra was requested of the root), so
 * `extra == "x"` is false there and the requirement is ignored, like any other false marker.
 */
export function appliesAtRoot(marker: Marker | null, env: MarkerEnvironment): boolean {
  return marker === null || marker.evaluate({ ...env, extra: '' });
}

/** Splits root items into those whose marker holds and those pip would ignore ("Ignoring x: markers ..."). */
export function splitByMarker<T>(
  items: readonly T[],
  env: MarkerEnvironment,
  role: IgnoredRequirement['role'],
  describe: (item: T) => { text: string; marker: Marker | null },
): { applicable: T[]; ignored: IgnoredRequirement[] } {
  const applicable: T[] = [];
  const ignored: IgnoredRequirement[] = [];
  for (const item of items) {
    const { text, marker } = describe(item);
    if (appliesAtRoot(marker, env)) {
      applicable.push(item);
      continue;
    }
    ignored.push({
      role,
      requirement: text,
      marker: marker!.text,
      reason: `${text} does not apply: its marker ${marker!.text} is false for ${describeEnvironment(env)}.`,
    });
  }
  return { applicable, ignored };
}

/** A lock pin's marker text, parsed (a lock read from text was checked already; a stored one may not be). */
export function pinMarker(name: string, marker: string | null | undefined): Marker | null {
  if (marker === undefined || marker === null || marker.trim() === '') return null;
  try {
    return parseMarker(marker);
  } catch (error) {
    throw new InputError(
      `The pin of ${name} has an unreadable marker '${marker}': ${(error as Error).message}`,
      {
        remedy: 'Write the marker as PEP 508 says, e.g. python_version < "3.12".',
      },
    );
  }
}
