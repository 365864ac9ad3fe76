/**
 * For tests that walk image changes from their start: fresh acme instances on a test server, each
 * running the demo image with no change in flight, and the body the dashboard sends for a step the
 * server offers.
 */
import type { TestServer } from '../../src/api/test-server.js';
import type { ImageNextStep } from '../../src/api/wire.js';
import type { ImageContent } from '../../src/domain/revisions/index.js';
import type { Actor } from '../../src/domain/roles/index.js';
import {
  createInstance,
  markRevisionDeployed,
  recordRevision,
  setImageSource,
  writeDemoWheels,
} from '../../src/workflows/index.js';

/** Makes a fresh acme instance of `kind` (a production one may name its test instance). */
export type FreshImageInstance = (kind: 'test' | 'production', testInstance?: string) => Promise<string>;

/**
 * Fresh acme instances running acme-prod's image (the demo's, dbt 1.11) from the demo wheels,
 * recorded and deployed by `engineer`, named `<prefix>-<kind>-<n>`.
 */
export async function demoImageInstances(
  server: TestServer,
  engineer: Actor,
  prefix: string,
): Promise<FreshImageInstance> {
  const current = await server.store.repos.revisions.current(server.seed.instances.acmeProd.id, 'image');
  const image = current!.content as ImageContent;
  const source = writeDemoWheels();
  let made = 0;
  return async (kind, testInstance) => {
    made += 1;
    const name = `${prefix}-${kind}-${String(made)}`;
    const instance = await createInstance(server.store, engineer, {
      tenant: 'acme',
      name,
      kind,
      ...(testInstance ? { testInstance } : {}),
    });
    const revision = await recordRevision(server.store, engineer, {
      instance: instance.id,
      layer: 'image',
      content: image,
      reason: `The image of ${name}`,
    });
    await markRevisionDeployed(server.store, engineer, {
      instance: instance.id,
      layer: 'image',
      number: revision.number,
    });
    await setImageSource(server.store, engineer, { instance: instance.id, source });
    return instance.id;
  };
}

/**
 * The body the dashboard sends for a step, built only from what the server said about it: its
 * body, the input it asks for (filled with `label`), and the acknowledgement it requires.
 */
export function stepBody(step: ImageNextStep, label: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...step.body };
  if (step.input !== null) body[step.input.field] = `${step.input.label}: written in the ${label}`;
  if (step.acknowledge !== null) body['acknowledgeBreaks'] = true;
  return body;
}
