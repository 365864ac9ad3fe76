import { afterAll, describe, expect, it } from 'vitest';
import { pathologicalYaml } from '../../bench/isolation.js';
import { InputError } from '../domain/errors/index.js';
import { testTasks } from '../../test/support/offload-tasks.js';
import { workflowTasks } from '../workflows/offload.js';
import { createOffloadPool, createOffloader, workerThreadsFromEnv } from './index.js';

// The workflows' real task table: the pool is tested the way it runs, a worker loading it by URL.
describe('offload pool', () => {
  const pool = createOffloadPool({ size: 1, tasks: workflowTasks });
  afterAll(() => pool.close());
  const budget = { timeoutMs: 30_000, onTimeout: () => new Error('unexpected timeout') };

  it('runs a task in a worker thread and returns its value', async () => {
    const project = await pool.run('dbt-project', 'name: finance\nrequire-dbt-version: ">=1.10"\n', budget);
    expect(project).toEqual({ name: 'finance', requireDbtVersion: ['>=1.10'] });
  }, 60_000);

  it("brings a worker's InputError back as an InputError, with its remedy and field", async () => {
    const error = await pool.run('dbt-project', 'name: [', budget).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/not valid YAML/);
    expect((error as InputError).extra).toMatchObject({ field: 'body' });
    expect((error as InputError).remedy).toMatch(/dbt_project\.yml/);
  }, 60_000);

  it('stops a task over its time budget, answers with the given error, and keeps serving', async () => {
    const started = Date.now();
    const error = await pool
      .run('dbt-project', pathologicalYaml(), {
        timeoutMs: 50,
        onTimeout: () => new InputError('too complex'),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('too complex');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The terminated worker is replaced.
    expect(await pool.run('dbt-project', 'name: again\n', budget)).toEqual({
      name: 'again',
      requireDbtVersion: [],
    });
  }, 60_000);

  it('sizes itself from RATCHET_WORKER_THREADS and refuses a bad value', () => {
    expect(workerThreadsFromEnv('0')).toBe(0);
    expect(workerThreadsFromEnv('3')).toBe(3);
    expect(workerThreadsFromEnv(undefined)).toBeGreaterThanOrEqual(2);
    expect(() => workerThreadsFromEnv('lots')).toThrow(/RATCHET_WORKER_THREADS/);
    expect(() => createOffloadPool({ size: 0, tasks: workflowTasks })).toThrow(/positive integer/);
  });
});

describe('an offload pool runs the task table its caller names, and no other', () => {
  const pool = createOffloadPool({ size: 1, tasks: testTasks });
  afterAll(() => pool.close());
  const budget = { timeoutMs: 30_000, onTimeout: () => new Error('unexpected timeout') };

  it("runs the caller's task in a worker thread", async () => {
    expect(await pool.run('shout', 'quiet', budget)).toBe('QUIET');
    expect(await pool.run('thread', undefined, budget)).toBe(false);
  }, 60_000);

  it('refuses a task name its table lacks, even one another table has', async () => {
    const unknown = pool as unknown as {
      run(task: string, input: unknown, options: typeof budget): Promise<unknown>;
    };
    await expect(unknown.run('dbt-project', 'name: x\n', budget)).rejects.toThrow(
      /unknown offload task "dbt-project"/,
    );
    await expect(unknown.run('toString', null, budget)).rejects.toThrow(/unknown offload task "toString"/);
    expect(await pool.run('shout', 'still serving', budget)).toBe('STILL SERVING');
  }, 60_000);

  it('runs inline on the calling thread when asked, from the same table', async () => {
    const { offload } = createOffloader(testTasks);
    expect(await offload('thread', undefined, { ...budget, inline: true })).toBe(true);
    expect(await offload('shout', 'here', { ...budget, inline: true })).toBe('HERE');
  });

  it('refuses a pool without a task table, saying what to pass', () => {
    expect(() => createOffloadPool({ size: 1 } as never)).toThrow(/needs \{ tasks \}/);
  });
});
