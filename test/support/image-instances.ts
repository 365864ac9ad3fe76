/**
 * For tests that walk image changes from their start: a fresh acme instance on a test server,
 * running a given image from a given package source with no change in flight (one instance each),
 * and the body the dashboard sends for a step the server offers.
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
} from '../../src/workflows/index.js';

export async function freshImageInstance(
  server: TestServer,
  engineer: Actor,
  options: {
    name: string;
    kind: 'test' | 'production';
    testInstance?: string;
    image: ImageContent;
    source: string;
  },
): Promise<string> {
  const instance = await createInstance(server.store, engineer, {
    tenant: 'acme',
    name: options.name,
    kind: options.kind,
    ...(options.testInstance ? { testInstance: options.testInstance } : {}),
  });
  const revision = await recordRevision(server.store, engineer, {
    instance: instance.id,
    layer: 'image',
    content: options.image,
    reason: `The image of ${options.name}`,
  });
  await markRevisionDeployed(server.store, engineer, {
    instance: instance.id,
    layer: 'image',
    number: revision.number,
  });
  await setImageSource(server.store, engineer, { instance: instance.id, source: options.source });
  return instance.id;
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
