/**
 * A small pool of worker threads for the CPU-heavy work a request can ask for (YAML, large
 * OpenLineage batches, resolver plans), so one tenant's big input never holds the event loop that
 * answers everyone else (issue 13). Node's own worker_threads: the tasks are few and fixed, and a
 * task over its time budget is stopped the only way a busy JS thread can be, by terminating it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { deserializeError } from './errors.js';
import type { SerializedError } from './errors.js';
import type { TaskInput, TaskModule, TaskName, TaskOutput, TaskTable } from './tasks.js';

export interface RunOptions {
  /** Wall time the task may run once a worker took it; then the worker is terminated. */
  timeoutMs: number;
  /** The error a timed-out task rejects with (a sentence the caller can act on). */
  onTimeout: () => Error;
}

export interface OffloadPool<T extends TaskTable> {
  readonly size: number;
  run<K extends TaskName<T>>(task: K, input: TaskInput<T, K>, options: RunOptions): Promise<TaskOutput<T, K>>;
  close(): Promise<void>;
}

export interface OffloadPoolOptions<T extends TaskTable> {
  size: number;
  /** The tasks its workers may run: each worker thread loads this module by its URL. */
  tasks: TaskModule<T>;
}

interface Job {
  id: number;
  task: string;
  input: unknown;
  options: RunOptions;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

type Reply =
  | { ready: true }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

/**
 * The buffers of top-level byte arrays that own their whole ArrayBuffer: moved to the other thread
 * instead of copied (a 30 MiB body cloned cost the event loop about 160 ms). The sender must not use
 * them afterwards. Views into a shared pool (small Buffers) are copied as usual.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  if (value === null || typeof value !== 'object') return [];
  const found: ArrayBuffer[] = [];
  for (const item of Object.values(value as Record<string, unknown>)) {
    if (!(item instanceof Uint8Array) || !(item.buffer instanceof ArrayBuffer)) continue;
    if (item.byteOffset === 0 && item.byteLength === item.buffer.byteLength && !found.includes(item.buffer)) {
      found.push(item.buffer);
    }
  }
  return found;
}

/**
 * @example
 * const pool = createOffloadPool({ size: 2, tasks: workflowTasks });
 * const project = await pool.run('dbt-project', yamlText, { timeoutMs: 2000, onTimeout: () => new InputError('...') });
 */
export function createOffloadPool<T extends TaskTable>(options: OffloadPoolOptions<T>): OffloadPool<T> {
  if (!Number.isInteger(options?.size) || options.size < 1) {
    throw new TypeError(
      `createOffloadPool needs { size } as a positive integer, got ${String(options?.size)}.`,
    );
  }
  if (typeof options.tasks?.url !== 'string') {
    throw new TypeError(
      'createOffloadPool needs { tasks }: a task module, its `url` naming a module that exports `tasks`.',
    );
  }
  const size = options.size;
  // Every worker thread loads the caller's task table from here (worker.mjs).
  const workerData = { tasks: options.tasks.url };
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function release(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    // An idle worker must not keep a CLI process alive; a busy one must (its caller awaits it).
    slot.worker.unref();
  }

  function discard(slot: Slot, error: Error): void {
    slots.delete(slot);
    const job = slot.job;
    release(slot);
    void slot.worker.terminate();
    job?.reject(error);
    // A worker that died before it was ready cannot start at all (a broken install): fail what
    // waits instead of spawning it again forever while the callers hang.
    if (!slot.ready) for (const waiting of queue.splice(0)) waiting.reject(error);
    dispatch();
  }

  function spawn(): void {
    const slot: Slot = {
      worker: new Worker(WORKER_URL, { workerData }),
      ready: false,
      job: null,
      timer: null,
    };
    slot.worker.unref();
    slots.add(slot);
    slot.worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        slot.ready = true;
        dispatch();
        return;
      }
      const job = slot.job;
      if (job === null || job.id !== reply.id) return;
      release(slot);
      if (reply.ok) job.resolve(reply.value);
      else job.reject(deserializeError(reply.error));
      dispatch();
    });
    slot.worker.on('error', (error) => {
      if (slots.has(slot)) discard(slot, new Error(`offload worker failed: ${error.message}`));
    });
    slot.worker.on('exit', () => {
      if (slots.has(slot)) discard(slot, new Error('offload worker exited unexpectedly'));
    });
  }

  function dispatch(): void {
    if (closed) return;
    while (queue.length > 0) {
      const idle = [...slots].find((slot) => slot.ready && slot.job === null);
      if (idle === undefined) {
        if (slots.size < size) spawn();
        return;
      }
      const job = queue.shift()!;
      idle.job = job;
      idle.worker.ref();
      idle.timer = setTimeout(() => discard(idle, job.options.onTimeout()), job.options.timeoutMs);
      idle.worker.postMessage({ id: job.id, task: job.task, input: job.input }, transferablesOf(job.input));
    }
  }

  return {
    size,
    run<K extends TaskName<T>>(task: K, input: TaskInput<T, K>, runOptions: RunOptions) {
      if (closed) return Promise.reject(new Error('The offload pool is closed.'));
      return new Promise<TaskOutput<T, K>>((resolve, reject) => {
        queue.push({
          id: nextId++,
          task,
          input,
          options: runOptions,
          // The worker ran this task of the same table: its value is the task's output.
          resolve: (value) => resolve(value as TaskOutput<T, K>),
          reject,
        });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('The offload pool was closed.'));
      const all = [...slots];
      slots.clear();
      for (const slot of all) slot.job?.reject(new Error('The offload pool was closed.'));
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * `RATCHET_WORKER_THREADS`: how many worker threads take heavy work; `0` runs it inline (on the
 * caller's thread, as before issue 13). Default: one less than the cores, at least 2 and at most 4,
 * so a task that runs to its time limit never leaves the others without a worker.
 */
export function workerThreadsFromEnv(
  value: string | undefined = process.env['RATCHET_WORKER_THREADS'],
): number {
  if (value === undefined || value.trim() === '') return Math.min(4, Math.max(2, availableParallelism() - 1));
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 64) {
    throw new TypeError(`RATCHET_WORKER_THREADS must be an integer from 0 to 64, got "${value}".`);
  }
  return parsed;
}
