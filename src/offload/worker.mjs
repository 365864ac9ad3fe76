// The entry of every offload worker thread. Workers do not inherit the TypeScript loader the main
// thread was started with (bin/ratchet.mjs, vitest), so each registers tsx itself before loading
// the task table.
import { setPriority } from 'node:os';
import process from 'node:process';
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// On Linux, setpriority(0) applies to the calling thread only: this worker yields the cores to the
// event loop thread, so a tenant keeping every worker busy slows its own heavy work, not others'
// reads. Elsewhere it may apply to the whole process or fail; either way it is only a preference.
try {
  if (process.platform === 'linux') setPriority(10);
} catch {
  // Not allowed here: run at the normal priority.
}

register();
const { runTask } = await import('./tasks.ts');
const { transferablesOf } = await import('./pool.ts');

parentPort.on('message', async (message) => {
  const result = await runTask(message.task, message.input);
  parentPort.postMessage({ id: message.id, ...result }, result.ok ? transferablesOf(result.value) : []);
});
parentPort.postMessage({ ready: true });
