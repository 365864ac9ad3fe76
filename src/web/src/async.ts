import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

export type AsyncState<T> =
  { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ready'; data: T };

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, {
    title: 'Unexpected error',
    detail: error instanceof Error ? error.message : String(error),
  });
}

/** Runs `load` when `deps` change; `reload` runs it again (after an action changed the data). */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [result, setResult] = useState<AsyncState<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (error: unknown) => live && setResult({ state: 'error', error: toApiError(error) }),
    );
    return () => {
      live = false;
    };
    // The caller's `deps` stand for `load` (the lint checks them at each useAsync call, as it does
    // for useEffect): a new closure every render must not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...result, reload };
}

/** What a page needs around a step the viewer takes (a POST): whether it runs, and why it was refused. */
export interface Action {
  busy: boolean;
  error: ApiError | null;
  /** Runs `step` after clearing the last refusal; a failure becomes `error`. */
  run: (step: () => Promise<void>) => Promise<void>;
  /** Refuses before asking the server (a required field is empty), in the same place as its refusals. */
  refuse: (message: string) => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function run(step: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, refuse: (message) => setError(toApiError(new Error(message))) };
}

export { toApiError };

/**
 * Runs `reload` when `key` changes after the first render: a step taken elsewhere on the page (its
 * version, a reload counter) changed the data this hook's caller shows.
 */
export function useReloadOn(key: unknown, reload: () => void): void {
  const seen = useRef(key);
  useEffect(() => {
    if (Object.is(seen.current, key)) return;
    seen.current = key;
    reload();
  }, [key, reload]);
}
