import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { buildFindLinksFromUniverse } from '../../index/wheel-builder/index.js';
import type { Store } from '../../store/index.js';
import { DEMO_UNIVERSE } from './demo-universe.js';
import { setImageSource } from './queries.js';

/** Writes the demo's find-links folder (deterministic wheels) and returns its `file:` URL. */
export function writeDemoWheels(dir?: string): string {
  const digest = createHash('sha256').update(JSON.stringify(DEMO_UNIVERSE)).digest('hex').slice(0, 12);
  const target = dir ?? join(tmpdir(), `ratchet-demo-wheels-${digest}`);
  mkdirSync(target, { recursive: true });
  buildFindLinksFromUniverse(target, DEMO_UNIVERSE);
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
