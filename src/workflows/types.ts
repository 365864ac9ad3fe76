import type { Instance, Tenant } from '../domain/tenancy/index.js';
import type { IssuedToken, User } from '../domain/users/index.js';

// Input types live beside their zod schemas in schema.ts (schema and type share one name).
export type {
  AttemptRollbackInput,
  BootstrapAdminInput,
  CreateInstanceInput,
  CreateTenantInput,
  CreateUserInput,
  CurrentRevisionInput,
  InstanceRef,
  IssueTokenInput,
  ListAuditInput,
  ListInstancesInput,
  ListRevisionsInput,
  ListUsersInput,
  MarkRevisionInput,
  RecordRevisionInput,
  RevisionRefInput,
  RevokeTokenInput,
  TenantRef,
  UpdateTenantInput,
} from './schema.js';

/** For workflows built on recordRevision (the image rollback request), never for API input. */
export interface RecordRevisionOptions {
  /** The change went through the reviewed rollback request: restoring older pins is allowed. */
  viaRollbackRequest?: boolean;
  /**
   * Recorded directly by a person, not by a workflow: platform and infrastructure revisions only
   * as the layer's first (onboarding). See `recordDirectRevision`.
   */
  onboardingOnly?: boolean;
}

export type BootstrapResult = { created: true; user: User; token: IssuedToken } | { created: false };

export interface DemoUser {
  user: User;
  /** Plaintext bearer token, shown once. */
  token: string;
}

export interface DemoSeed {
  tenants: { acme: Tenant; globex: Tenant };
  instances: { acmeTest: Instance; acmeProd: Instance; globexProd: Instance };
  users: {
    providerAdmin: DemoUser;
    providerEngineer: DemoUser;
    bea: DemoUser;
    ana: DemoUser;
    globexAdmin: DemoUser;
  };
}
