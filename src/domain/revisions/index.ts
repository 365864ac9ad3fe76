export type { DeploymentEvent, DeploymentStatus, LayerContent, Revision, RevisionContent } from './types.js';
export {
  ImageContent,
  InfrastructureContent,
  PackagePin,
  PinnedFile,
  PlatformContent,
  SemverString,
} from './schema.js';
export { parseRevisionContent } from './content.js';
export { currentOf, nextDeploymentStatus } from './status.js';
