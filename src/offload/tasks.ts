/**
 * What offload/ knows about the work it runs: a task module, named by its URL, whose `tasks` export
 * maps task names to functions. Each task is a pure function of cloneable input (no store, no
 * sockets), so it runs the same in a worker thread as inline. The table itself belongs to the
 * caller (src/workflows/offload-tasks.ts): the pool imports no task, so the workflows that offload
 * and the work they offload never import each other through it.
 */
import { serializeError } from './errors.js';
import type { SerializedError } from './errors.js';

/** Task name -> the function that runs it, on the cloned input. */
export type TaskTable = Readonly<Record<string, (input: never) => unknown>>;

export type TaskName<T extends TaskTable> = keyof T & string;
export type TaskInput<T extends TaskTable, K extends TaskName<T>> = Parameters<T[K]>[0];
export type TaskOutput<T extends TaskTable, K extends TaskName<T>> = Awaited<ReturnType<T[K]>>;

/** A task table as the two threads reach it: a worker by its module's URL, this thread by `load`. */
export interface TaskModule<T extends TaskTable> {
  /**
   * The URL of a module whose named export `tasks` is the table, as `new URL('./x.js',
   * import.meta.url)` names it: under the sources a worker loads the `.ts` beside a missing `.js`.
   */
  readonly url: string;
  /** The same table on this thread (an `import()` of the same module), for inline runs. */
  load(): Promise<T>;
}

export type TaskResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/** Runs a task and reports its value or its error as data, as a worker sends it back. */
export async function runTask(tasks: TaskTable, task: string, input: unknown): Promise<TaskResult> {
  try {
    const run = Object.hasOwn(tasks, task) ? (tasks[task] as (input: unknown) => unknown) : undefined;
    if (typeof run !== 'function') throw new Error(`unknown offload task "${task}"`);
    return { ok: true, value: await run(input) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
