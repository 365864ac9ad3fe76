// The entry of every offload worker thread. Workers do not inherit the TypeScript loader the main
// thread was started with (bin/ratchet.mjs, vitest): beside the compiled task table (dist/offload,
// copied there by scripts/build-cli.mjs) it loads the JavaScript; beside the sources it registers
// tsx itself and loads the TypeScript.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';
import { setPriority } from 'node:os';
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

// On Linux, setpriority(0) applies to the calling thread only: this worker yields the cores to the
// event loop thread, so a tenant keeping every worker busy slows its own heavy work, not others'
// reads. Elsewhere it may apply to the whole process or fail; either way it is only a preference.
try {
  if (process.platform === 'linux') setPriority(10);
} catch {
  // Not allowed here: run at the normal priority.
}

const compiled = existsSync(new URL('./tasks.js', import.meta.url));
if (!compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}
const extension = compiled ? 'js' : 'ts';
const { runTask } = await import(`./tasks.${extension}`);
const { transferablesOf } = await import(`./pool.${extension}`);

parentPort.on('message', async (message) => {
  const result = await runTask(message.task, message.input);
  parentPort.postMessage({ id: message.id, ...result }, result.ok ? transferablesOf(result.value) : []);
});
parentPort.postMessage({ ready: true });
