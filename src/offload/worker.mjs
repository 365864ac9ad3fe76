// The entry of every offload worker thread; it runs the tasks of the module the pool names
// (workerData.tasks, a task table outside this folder). Workers do not inherit the TypeScript loader
// the main thread was started with (bin/ratchet.mjs, vitest): beside the compiled pool (dist/offload,
// where scripts/build-cli.mjs copies this file) it loads the JavaScript; beside the sources it
// registers tsx itself and loads the TypeScript.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';
import { setPriority } from 'node:os';
import process from 'node:process';
import { parentPort, workerData } from 'node:worker_threads';

// On Linux, setpriority(0) applies to the calling thread only: this worker yields the cores to the
// event loop thread, so a tenant keeping every worker busy slows its own heavy work, not others'
// reads. Elsewhere it may apply to the whole process or fail; either way it is only a preference.
try {
  if (process.platform === 'linux') setPriority(10);
} catch {
  // Not allowed here: run at the normal priority.
}

const compiled = existsSync(new URL('./pool.js', import.meta.url));
if (!compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}
const extension = compiled ? 'js' : 'ts';
const { runTask } = await import(`./tasks.${extension}`);
const { transferablesOf } = await import(`./pool.${extension}`);

// The caller names its table as the compiled file would be (`new URL('./x.js', import.meta.url)`);
// under the sources only the TypeScript beside it exists.
let tasksUrl = new URL(workerData.tasks);
if (!compiled && tasksUrl.pathname.endsWith('.js') && !existsSync(tasksUrl)) {
  tasksUrl = new URL(tasksUrl.href.replace(/\.js$/, '.ts'));
}
const { tasks } = await import(tasksUrl.href);
if (tasks === null || typeof tasks !== 'object') {
  throw new Error(`offload task module ${tasksUrl.href} has no \`tasks\` export`);
}

parentPort.on('message', async (message) => {
  const result = await runTask(tasks, message.task, message.input);
  parentPort.postMessage({ id: message.id, ...result }, result.ok ? transferablesOf(result.value) : []);
});
parentPort.postMessage({ ready: true });
