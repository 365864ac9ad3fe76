// Heavy work off the event loop (issue 13): a worker-thread pool that runs the caller's tasks.
import { createOffloadPool, workerThreadsFromEnv } from './pool.js';
import type { OffloadPool, RunOptions } from './pool.js';
import type { TaskInput, TaskModule, TaskName, TaskOutput, TaskTable } from './tasks.js';

export { createOffloadPool, workerThreadsFromEnv } from './pool.js';
export type { OffloadPool, OffloadPoolOptions, RunOptions } from './pool.js';
export type { TaskInput, TaskModule, TaskName, TaskOutput, TaskTable } from './tasks.js';

export interface Offloader<T extends TaskTable> {
  /**
   * Runs `task` in the shared worker pool, or inline when the caller says the input is small
   * (shipping it would cost more than the work) or the pool is off. Inline runs have no time limit.
   *
   * @example await offload('dbt-project', yamlText, { inline: yamlText.length < 8192, timeoutMs: 2000, onTimeout })
   */
  offload<K extends TaskName<T>>(
    task: K,
    input: TaskInput<T, K>,
    options: RunOptions & { inline?: boolean },
  ): Promise<TaskOutput<T, K>>;
  /** The process's pool for these tasks, started on first use; null when RATCHET_WORKER_THREADS=0. */
  sharedPool(): OffloadPool<T> | null;
}

/**
 * Binds `offload()` to one task table, with one pool per process for it. The caller owns the table,
 * so this folder imports no task.
 *
 * @example export const { offload } = createOffloader(workflowTasks);
 */
export function createOffloader<T extends TaskTable>(tasks: TaskModule<T>): Offloader<T> {
  let shared: OffloadPool<T> | null | undefined;
  function sharedPool(): OffloadPool<T> | null {
    if (shared === undefined) {
      const size = workerThreadsFromEnv();
      shared = size === 0 ? null : createOffloadPool({ size, tasks });
    }
    return shared;
  }
  async function offload<K extends TaskName<T>>(
    task: K,
    input: TaskInput<T, K>,
    options: RunOptions & { inline?: boolean },
  ): Promise<TaskOutput<T, K>> {
    const pool = options.inline === true ? null : sharedPool();
    if (pool === null) {
      // The same table on this thread, loaded on first inline use only.
      const table = await tasks.load();
      const run = table[task] as (input: TaskInput<T, K>) => TaskOutput<T, K> | Promise<TaskOutput<T, K>>;
      return run(input);
    }
    return pool.run(task, input, options);
  }
  return { offload, sharedPool };
}
