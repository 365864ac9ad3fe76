/**
 * `offload()` for the workflows: the pool of src/offload bound to the workflows' own task table
 * (offload-tasks.ts). The table is imported for its type only and loaded on demand, by URL in a
 * worker thread or by `import()` for an inline run, so a workflow that offloads does not load
 * every other task's code with it.
 */
import { createOffloader } from '../offload/index.js';
import type { TaskModule } from '../offload/index.js';
import type { tasks } from './offload-tasks.js';

export const workflowTasks: TaskModule<typeof tasks> = {
  url: new URL('./offload-tasks.js', import.meta.url).href,
  load: async () => (await import('./offload-tasks.js')).tasks,
};

export const { offload } = createOffloader(workflowTasks);
