/**
 * Every `ratchet` command, registered in help order. A static list (not a directory listing) so the
 * build can bundle the CLI entry into one file that starts fast (issue 15: `--help` < 150 ms); a new
 * command is one file in this folder plus one line here. Commands import heavy modules (server,
 * store, resolver, zod schemas) inside their actions, so registering them all loads little.
 */
import type { Command } from 'commander';
import { register as audit } from './audit.js';
import { register as defect } from './defect.js';
import { register as demo } from './demo.js';
import { register as deploy } from './deploy.js';
import { register as evidence } from './evidence.js';
import { register as history } from './history.js';
import { register as image } from './image.js';
import { register as impact } from './impact.js';
import { register as infra } from './infra.js';
import { register as instances } from './instances.js';
import { register as platform } from './platform.js';
import { register as projects } from './projects.js';
import { register as resolve } from './resolve.js';
import { register as rollback } from './rollback.js';
import { register as serve } from './serve.js';
import { register as status } from './status.js';
import { register as tenants } from './tenants.js';
import { register as trial } from './trial.js';
import { register as upgrade } from './upgrade.js';
import { register as worker } from './worker.js';

/** In file-name order, the order the directory listing used to give. */
export const COMMANDS: readonly ((program: Command) => void)[] = [
  audit,
  defect,
  demo,
  deploy,
  evidence,
  history,
  image,
  impact,
  infra,
  instances,
  platform,
  projects,
  resolve,
  rollback,
  serve,
  status,
  tenants,
  trial,
  upgrade,
  worker,
];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
