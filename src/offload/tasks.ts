/**
 * The work that may leave the event loop: each task is a pure function of cloneable input (no
 * store, no sockets), so it runs the same in a worker thread as inline. A worker loads this table
 * through worker.mjs; the main thread imports it only to run a task inline.
 */
import { classifyChangeImpact, parseDbtProject } from '../impact/index.js';
import { planImageFromSource } from '../workflows/image/plan-task.js';
import { prepareRunEvents } from '../workflows/evidence/prepare.js';
import { serializeError } from './errors.js';
import type { SerializedError } from './errors.js';

const TASKS = {
  /** dbt_project.yml text -> project name and require-dbt-version (the `yaml` package is superlinear on some inputs). */
  'dbt-project': parseDbtProject,
  /** An OpenLineage batch (text or bytes) -> validated, attributed rows ready to insert. */
  'lineage-batch': prepareRunEvents,
  /** An image plan against a package source named by its ref (URL or find-links folder). */
  'image-plan': planImageFromSource,
  /** The impact report over an instance's run evidence (thousands of runs take 100+ ms). */
  'impact-classify': classifyChangeImpact,
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;

export type TaskResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/** Runs a task and reports its value or its error as data, as a worker sends it back. */
export async function runTask(task: TaskName, input: unknown): Promise<TaskResult> {
  try {
    const run = TASKS[task] as (input: unknown) => unknown;
    if (typeof run !== 'function') throw new Error(`unknown offload task "${String(task)}"`);
    return { ok: true, value: await run(input) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

/** The same task on the caller's thread (RATCHET_WORKER_THREADS=0, or an input too small to ship). */
export async function runTaskInline<K extends TaskName>(
  task: K,
  input: TaskInput<K>,
): Promise<TaskOutput<K>> {
  const run = TASKS[task] as (input: TaskInput<K>) => TaskOutput<K> | Promise<TaskOutput<K>>;
  return run(input);
}
