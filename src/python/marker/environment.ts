import { InputError } from '../../domain/errors/index.js';
import type { MarkerEnvironment } from './types.js';

export type MarkerPlatform = 'linux' | 'darwin' | 'win32';

// What CPython's `platform` and `os` modules report on each platform (PEP 508 "Environment
// Markers" table); the kernel release and version strings are plausible placeholders, since no
// dependency of a data platform keys on them.
const PLATFORMS: Readonly<
  Record<
    MarkerPlatform,
    Pick<
      MarkerEnvironment,
      | 'sys_platform'
      | 'platform_system'
      | 'platform_machine'
      | 'os_name'
      | 'platform_release'
      | 'platform_version'
    >
  >
> = {
  linux: {
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: 'x86_64',
    os_name: 'posix',
    platform_release: '6.1.0',
    platform_version: '#1 SMP PREEMPT_DYNAMIC',
  },
  darwin: {
    sys_platform: 'darwin',
    platform_system: 'Darwin',
    platform_machine: 'arm64',
    os_name: 'posix',
    platform_release: '23.6.0',
    platform_version: 'Darwin Kernel Version 23.6.0',
  },
  win32: {
    sys_platform: 'win32',
    platform_system: 'Windows',
    platform_machine: 'AMD64',
    os_name: 'nt',
    platform_release: '10',
    platform_version: '10.0.19045',
  },
};

/**
 * A CPython marker environment for `python` ('3.11' or '3.11.7'; a bare minor version stands for
 * its '.0' release) on `platform` (Linux x86_64 by default).
 *
 * @example markerEnvironment('3.11').python_full_version // '3.11.0'
 */
export function markerEnvironment(python: string, platform: MarkerPlatform = 'linux'): MarkerEnvironment {
  const match = /^\s*(\d+)\.(\d+)(?:\.(\d+))?((?:a|b|rc)\d+)?\s*$/.exec(python);
  if (!match) {
    throw new InputError(`Invalid Python version '${python}': expected 'X.Y' or 'X.Y.Z'`, {
      remedy: "Pass the image's Python, e.g. '3.11' or '3.11.7'.",
      extra: { python },
    });
  }
  const [, major, minor, micro = '0', pre = ''] = match;
  const full = `${major!}.${minor!}.${micro}${pre}`;
  const base = PLATFORMS[platform];
  if (!base) throw new InputError(`Unknown platform '${String(platform)}': use linux, darwin or win32`);
  return {
    python_version: `${major!}.${minor!}`,
    python_full_version: full,
    ...base,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython',
    implementation_version: full,
    extra: '',
  };
}
