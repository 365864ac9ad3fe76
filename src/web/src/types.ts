// Wire shapes of /api/v1 as the dashboard reads them: inferred on the server (src/api/wire.ts).
export type {
  Defect,
  NextDefectStep,
  SlaClock,
  ImageContent,
  InfrastructureContent,
  Instance,
  Layer,
  LayerPolicy,
  ListedRevision,
  Me,
  PackagePin,
  PlatformContent,
  PolicyDocument,
  Revision,
  Role,
  Tenant,
} from '../../api/wire';
