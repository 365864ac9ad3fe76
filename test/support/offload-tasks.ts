/**
 * A task table of the test's own, for the offload pool's tests: the pool runs whatever table its
 * caller names, loaded in each worker thread by this module's URL.
 */
export const tasks = {
  shout: (text: string): string => text.toUpperCase(),
  /** Which thread ran the task: the pool's tests tell a worker's run from an inline one. */
  thread: async (): Promise<boolean> => (await import('node:worker_threads')).isMainThread,
};

export const testTasks = {
  url: new URL('./offload-tasks.js', import.meta.url).href,
  load: async (): Promise<typeof tasks> => (await import('./offload-tasks.js')).tasks,
};
