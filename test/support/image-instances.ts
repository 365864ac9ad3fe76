/**
 * A fresh acme instance on a test server, running a given image from a given package source, with
 * no change in flight: for tests that walk image changes from their start, one instance each.
 */
import type { TestServer } from '../../src/api/test-server.js';
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
