// Heavy work off the event loop (issue 13): a worker-thread pool and the tasks it may run.
import { createOffloadPool, workerThreadsFromEnv } from './pool.js';
import type { OffloadPool, RunOptions } from './pool.js';
import type { TaskInput, TaskName, TaskOutput } from './tasks.js';

export { createOffloadPool, workerThreadsFromEnv } from './pool.js';
export type { OffloadPool, RunOptions } from './pool.js';
export type { TaskInput, TaskName, TaskOutput } from './tasks.js';

let shared: OffloadPool | null | undefined;

/** The process's pool, started on first use; null when RATCHET_WORKER_THREADS=0. */
export function sharedOffloadPool(): OffloadPool | null {
  if (shared === undefined) {
    const size = workerThreadsFromEnv();
    shared = size === 0 ? null : createOffloadPool({ size });
  }
  return shared;
}

/**
 * Runs `task` in the shared worker pool, or inline when the caller says the input is small
 * (shipping it would cost more than the work) or the pool is off. Inline runs have no time limit.
 *
 * @example await offload('dbt-project', yamlText, { inline: yamlText.length < 8192, timeoutMs: 2000, onTimeout })
 */
export async function offload<K extends TaskName>(
  task: K,
  input: TaskInput<K>,
  options: RunOptions & { inline?: boolean },
): Promise<TaskOutput<K>> {
  const pool = options.inline === true ? null : sharedOffloadPool();
  if (pool === null) {
    const { runTaskInline } = await import('./tasks.js');
    return runTaskInline(task, input);
  }
  return pool.run(task, input, options);
}
