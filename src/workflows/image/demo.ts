import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { buildFindLinksFromUniverse } from '../../index/wheel-builder/index.js';
import type { Store } from '../../store/index.js';
import { DEMO_UNIVERSE } from './demo-universe.js';
import { setImageSource } from './queries.js';

/**
 * Writes the demo's find-links folder (deterministic wheels) and returns its `file:` URL. The
 * shared default folder is built aside and renamed into place, so several processes seeding demos
 * at once (servers, test workers) never read a wheel another one is still writing.
 */
export function writeDemoWheels(dir?: string): string {
  if (dir !== undefined) {
    mkdirSync(dir, { recursive: true });
    buildFindLinksFromUniverse(dir, DEMO_UNIVERSE);
    return pathToFileURL(dir).href;
  }
  const digest = createHash('sha256').update(JSON.stringify(DEMO_UNIVERSE)).digest('hex').slice(0, 12);
  const target = join(tmpdir(), `ratchet-demo-wheels-${digest}`);
  if (!existsSync(target)) {
    const building = mkdtempSync(`${target}.building-`);
    buildFindLinksFromUniverse(building, DEMO_UNIVERSE);
    try {
      renameSync(building, target);
    } catch {
      // Another process renamed its complete copy first: use that one.
      rmSync(building, { recursive: true, force: true });
    }
  }
  return pathToFileURL(target).href;
}

/**
 * Demo data for the image workflow: a small offline package source (no network, no ../shared at
 * runtime) that the demo instances' images are planned against.
 */
export async function seedDemoImage(
  store: Store,
  engineer: Actor,
  instances: readonly Instance[],
  options: { wheelsDir?: string } = {},
): Promise<{ source: string }> {
  const source = writeDemoWheels(options.wheelsDir);
  for (const instance of instances) await setImageSource(store, engineer, { instance: instance.id, source });
  return { source };
}
