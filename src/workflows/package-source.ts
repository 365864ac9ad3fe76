import type { Repositories } from '../store/index.js';

/**
 * The source an instance's image is planned and tried against: its configured source, else the
 * image's `index`. Here, above workflows/image and workflows/trial, because both read it and
 * workflows/image imports workflows/trial (a review's trial step), never the other way round.
 */
export async function sourceRefOf(
  repos: Repositories,
  instanceId: string,
  imageIndex: string,
): Promise<string> {
  return (await repos.imageSources.get(instanceId))?.source ?? imageIndex;
}
