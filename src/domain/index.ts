// The domain's public face: pure types and rules, no I/O (ARCHITECTURE.md "Layout").
export { canonicalJson, findBrokenLink, GENESIS_HASH, hashAuditEntry, sha256Hex } from './audit/index.js';
export type { AuditChainResult, AuditEntry, AuditEntryInput } from './audit/index.js';
export {
  ConflictError,
  InputError,
  isRatchetError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
  RatchetError,
  UnauthenticatedError,
  UnavailableError,
} from './errors/index.js';
export type { ErrorDetails, ErrorKind } from './errors/index.js';
export {
  checkJsonText,
  checkValue,
  describeUnsafe,
  JSON_MAX_DEPTH,
  printableName,
  unsafeCharacterIn,
} from './input/index.js';
export type { JsonLimits, UnsafeCharacter } from './input/index.js';
export { isLayer, LAYERS } from './layers/index.js';
export type { Layer } from './layers/index.js';
export {
  assertImageRevisionIsForward,
  assertPlatformVersionIncreases,
  findPackageDowngrades,
  LAYER_POLICIES,
  PLATFORM_FORWARD_REASON,
  renderPolicyMarkdown,
  RESPONSIBILITIES,
  rollbackPolicy,
  rollbackRefusal,
  sameImagePins,
} from './policy/index.js';
export type {
  ImageHistoryEntry,
  ImageRevisionCheck,
  LayerRollbackPolicy,
  PackageDowngrade,
  PolicyId,
  ResponsibilityRow,
  RollbackAttempt,
  RollbackCapability,
  RollbackPolicyDocument,
} from './policy/index.js';
export {
  currentOf,
  ImageContent,
  InfrastructureContent,
  nextDeploymentStatus,
  PackagePin,
  parseRevisionContent,
  PinnedFile,
  PlatformContent,
  SemverString,
} from './revisions/index.js';
export type {
  DeploymentEvent,
  DeploymentStatus,
  LayerContent,
  Revision,
  RevisionContent,
} from './revisions/index.js';
export {
  assertCan,
  assertTenantVisible,
  can,
  canSeeTenant,
  CUSTOMER_ROLES,
  isProviderRole,
  isRole,
  PERMISSIONS,
  PROVIDER_ROLES,
  ROLES,
  SERVICE_ROLES,
} from './roles/index.js';
export type { Action, Actor, CustomerRole, ProviderRole, Role, ServiceRole } from './roles/index.js';
export { compareSemver, parseSemver } from './semver/index.js';
export type { Semver } from './semver/index.js';
export { INSTANCE_KINDS, InstanceName, TenantSlug } from './tenancy/index.js';
export type { Instance, InstanceKind, Tenant } from './tenancy/index.js';
export { normalizeEmail } from './users/index.js';
export type { ApiTokenInfo, IssuedToken, User } from './users/index.js';
export { describePackageSource } from './package-source/index.js';
export type { PackageSourceView } from './package-source/index.js';
