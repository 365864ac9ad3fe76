import type { BackoffOptions } from './types.js';

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 1000, capMs: 15 * 60_000 };

/**
 * Delay before the next attempt, after `attempts` failed ones: exponential (base·2^(n-1)) with a cap,
 * and "equal jitter" (half fixed, half random) so workers that failed together do not retry in
 * lockstep, while the delay still grows with every attempt.
 */
export function backoffDelay(
  attempts: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempts, options);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The longest `backoffDelay` can wait after `attempts` failed attempts. */
export function backoffCeiling(attempts: number, options: BackoffOptions = {}): number {
  const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...options };
  const exponent = Math.max(0, attempts - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap bounds it either way.
  return Math.min(capMs, baseMs * 2 ** Math.min(exponent, 52));
}
