import path from 'node:path';

/**
 * `../shared` beside the project root (CI clones the project anywhere, with shared/ next to it),
 * so fixture paths are never absolute.
 */
export const sharedDir = path.resolve(import.meta.dirname, '..', '..', '..', 'shared');

export function sharedFixture(name: string): string {
  return path.join(sharedDir, 'fixtures', name);
}
