// The entry of every offload worker thread. Workers do not inherit the TypeScript loader the main
// thread was started with (bin/ratchet.mjs, vitest), so each registers tsx itself before loading
// the task table.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runTask } = await import('./tasks.ts');
const { transferablesOf } = await import('./pool.ts');

parentPort.on('message', async (message) => {
  const result = await runTask(message.task, message.input);
  parentPort.postMessage({ id: message.id, ...result }, result.ok ? transferablesOf(result.value) : []);
});
parentPort.postMessage({ ready: true });
