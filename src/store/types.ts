import type { SecretBox } from './secret-box.js';
import type { OutboxStatus, OutboxTables } from './tables/outbox.js';
import type { AuthFailureTables } from './tables/auth-failures.js';
import type { DeployerTables, DeploymentHandOffsTable, InstanceDeployersTable } from './tables/deployers.js';
import type { EvidenceTables } from './tables/evidence.js';
import type {
  ForwardFixFollowUpsTable,
  ImageChangesTable,
  ImageSourcesTable,
  ImageWorkflowTables,
  RollbackPinsTable,
} from './tables/image-workflow.js';
import type {
  DefectSlaBreachesTable,
  DefectsTable,
  InfrastructureChangesTable,
  InfrastructureSignoffsTable,
  PlatformRolloutsTable,
  PlatformTables,
} from './tables/platform.js';
import type { Defect, Severity, SeverityDefinition } from '../domain/defects/index.js';
import type { ClassifiedEvidence, DeclaredConstraint, OwnershipRule, RunEvidence } from '../impact/index.js';
import type { ImageTrialsTable, TrialProjectsTable, TrialTables } from './tables/trial.js';
import type { Kysely } from 'kysely';
import type { AuditChainResult, AuditEntry, AuditEntryInput } from '../domain/audit/index.js';
import type { Layer } from '../domain/layers/index.js';
import type { DeploymentStatus, Revision } from '../domain/revisions/index.js';
import type { Role } from '../domain/roles/index.js';
import type { Instance, InstanceKind, Tenant } from '../domain/tenancy/index.js';
import type { ApiTokenInfo, User } from '../domain/users/index.js';

/*
 * Column conventions, so one set of queries works on SQLite and PostgreSQL:
 * - ids are text (`ten_...`, `ins_...`), timestamps are ISO-8601 text (UTC, ms precision),
 * - JSON is text we serialize ourselves (canonical JSON), integers are `integer`,
 * - every row that can change carries `version` (optimistic concurrency).
 */

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface InstancesTable {
  id: string;
  tenant_id: string;
  name: string;
  kind: InstanceKind;
  test_instance_id: string | null;
  /** JSON array of OpenLineage namespaces. */
  namespaces: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RevisionsTable {
  id: string;
  instance_id: string;
  tenant_id: string;
  layer: Layer;
  number: number;
  status: DeploymentStatus;
  actor_user_id: string;
  actor_role: Role;
  reason: string;
  /** JSON of the layer's content. */
  content: string;
  rollback_of: number | null;
  created_at: string;
  status_changed_at: string | null;
  version: number;
}

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  tenant_id: string | null;
  version: number;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  label: string;
  /** SHA-256 (hex) of the token's secret part; the plaintext is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  version: number;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_user_id: string | null;
  actor_role: string;
  tenant_id: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyKeysTable {
  actor_user_id: string;
  route: string;
  key: string;
  /** SHA-256 of the canonical request body: the same key with another body is a conflict. */
  request_hash: string;
  status: number;
  /** JSON of the first response body. */
  body: string;
  created_at: string;
}

/**
 * The whole schema as Kysely sees it. A later feature adds its table interface here (or in its own
 * file, intersected in) together with a migration in `migrations/`.
 */
/**
 * Every table. Later features keep their row types in `tables/<feature>.ts` (one file per
 * migration) so they can grow without touching this file.
 */
export interface Database
  extends
    OutboxTables,
    ImageWorkflowTables,
    EvidenceTables,
    PlatformTables,
    DeployerTables,
    AuthFailureTables,
    TrialTables {
  tenants: TenantsTable;
  instances: InstancesTable;
  revisions: RevisionsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type Engine = 'sqlite' | 'postgres';

/** A Kysely handle: the store's pool, or a connection inside a transaction. Repositories take this. */
export type Db = Kysely<Database>;

export interface OpenStoreOptions {
  /** `postgres://...` selects PostgreSQL; default from RATCHET_DATABASE_URL, else SQLite. */
  databaseUrl?: string;
  /** SQLite directory; default RATCHET_DATA_DIR, else `./.ratchet`. The file is `<dataDir>/ratchet.sqlite`. */
  dataDir?: string;
  /** The clock every write uses (tests pass a fixed one). */
  now?: () => Date;
  /** PostgreSQL pool size (default 5). */
  poolSize?: number;
  /**
   * The key that seals stored secrets (secret-box.ts): 32 bytes as base64 or hex. Default
   * RATCHET_SECRET_KEY, else on SQLite a key file in the data directory; on PostgreSQL, none.
   */
  secretKey?: string;
}

// ---- repositories ------------------------------------------------------------------------------

export interface NewTenant {
  slug: string;
  name: string;
}

export interface TenantRepository {
  insert(input: NewTenant): Promise<Tenant>;
  get(id: string): Promise<Tenant | null>;
  getBySlug(slug: string): Promise<Tenant | null>;
  list(): Promise<Tenant[]>;
  /** Throws ConflictError when the row's version is no longer `expectedVersion`. */
  update(id: string, expectedVersion: number, changes: { name?: string }): Promise<Tenant>;
}

export interface NewInstance {
  tenantId: string;
  name: string;
  kind: InstanceKind;
  testInstanceId: string | null;
  namespaces: string[];
}

export interface InstanceRepository {
  insert(input: NewInstance): Promise<Instance>;
  get(id: string): Promise<Instance | null>;
  /** Instances named `name`: in one tenant when `tenantId` is given, else across all tenants. */
  findByName(name: string, tenantId?: string): Promise<Instance[]>;
  list(tenantId?: string): Promise<Instance[]>;
}

export interface NewRevision {
  instanceId: string;
  tenantId: string;
  layer: Layer;
  actorUserId: string;
  actorRole: Role;
  reason: string;
  content: unknown;
  rollbackOf: number | null;
}

export interface RevisionRepository {
  /**
   * Appends revision `expectedLatest + 1`. Two writers with the same `expectedLatest` collide on the
   * unique (instance, layer, number) key: the loser gets ConflictError, nothing is overwritten.
   */
  append(input: NewRevision, expectedLatest: number): Promise<Revision>;
  get(instanceId: string, layer: Layer, number: number): Promise<Revision | null>;
  /** The highest revision number of the layer (any status); 0 when there is none. */
  latestNumber(instanceId: string, layer: Layer): Promise<number>;
  /** Oldest first. */
  list(instanceId: string, layer?: Layer): Promise<Revision[]>;
  current(instanceId: string, layer: Layer): Promise<Revision | null>;
  /**
   * Throws ConflictError when the row's version is no longer `expectedVersion`. `at` is when the
   * status changed (default now): an imported image was deployed when it went live.
   */
  setStatus(id: string, expectedVersion: number, status: DeploymentStatus, at?: string): Promise<Revision>;
  count(): Promise<number>;
}

export interface NewUser {
  name: string;
  email: string | null;
  role: Role;
  tenantId: string | null;
}

export interface UserRepository {
  insert(input: NewUser): Promise<User>;
  get(id: string): Promise<User | null>;
  list(tenantId?: string): Promise<User[]>;
  count(): Promise<number>;
}

/** A token row including its hash: for authentication inside the store and workflows only. */
export interface ApiTokenRecord extends ApiTokenInfo {
  tokenHash: string;
  version: number;
}

export interface NewApiToken {
  id: string;
  userId: string;
  label: string;
  tokenHash: string;
  expiresAt: string;
}

export interface ApiTokenRepository {
  insert(input: NewApiToken): Promise<ApiTokenRecord>;
  get(id: string): Promise<ApiTokenRecord | null>;
  listForUser(userId: string): Promise<ApiTokenRecord[]>;
  revoke(id: string, expectedVersion: number): Promise<ApiTokenRecord>;
  /** Usage bookkeeping, not a state change: no version bump and no audit entry. */
  touch(id: string, at: string): Promise<void>;
}

export interface AuditRepository {
  /** Appends one hash-chained entry. Call it inside `store.transaction` with the write it records. */
  append(input: AuditEntryInput): Promise<AuditEntry>;
  /** Entries in seq order, from `afterSeq` (exclusive), at most `limit`. */
  list(options?: { afterSeq?: number; limit?: number; tenantId?: string }): Promise<AuditEntry[]>;
  count(): Promise<number>;
  /** The entries naming any of `targets`, in seq order (through the index on target). */
  entriesFor(scope: { targets: readonly string[] }): Promise<AuditEntry[]>;
}

export interface IdempotencyRecord {
  actorUserId: string;
  route: string;
  key: string;
  requestHash: string;
  status: number;
  body: unknown;
  createdAt: string;
}

/** Which key of which caller on which route: the primary key of `idempotency_keys`. */
export interface IdempotencyClaim {
  actorUserId: string;
  route: string;
  key: string;
  requestHash: string;
}

/** `status` of a reserved key whose request has not answered yet (no HTTP status is 0). */
export const IDEMPOTENCY_IN_PROGRESS = 0;

export interface IdempotencyRepository {
  find(actorUserId: string, route: string, key: string): Promise<IdempotencyRecord | null>;
  /** Throws ConflictError when the key was already stored (a concurrent replay won). */
  save(record: Omit<IdempotencyRecord, 'createdAt'>): Promise<IdempotencyRecord>;
  /**
   * Reserves the key before the request runs: inserts an in-progress row, or, when a row exists
   * (another attempt reserved or answered it first), returns that row and inserts nothing.
   * The primary key makes exactly one of any number of concurrent attempts, in any process, win.
   */
  reserve(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Stores the answer of a reserved key (only while it is still in progress). */
  complete(claim: IdempotencyClaim, status: number, body: unknown): Promise<void>;
  /** Drops a reservation whose request changed nothing (refused or failed), so a retry may run. */
  release(claim: IdempotencyClaim): Promise<void>;
}

/** Every repository, bound to one Kysely handle (the pool, or a transaction's connection). */
/** A published platform release: the provider's forward-only unit of change for platform services. */
export interface PlatformRelease {
  id: string;
  version: string;
  components: Record<string, string>;
  notes: string;
  /** Defect ids this release fixes: a hotfix when non-empty. */
  fixes: string[];
  /** Instance ids a hotfix is limited to (their test instances may take it too); null = everyone. */
  targets: string[] | null;
  publishedBy: string;
  publishedAt: string;
}

/** Platform releases and the rollouts that record them on instances (issue 13). */
export interface PlatformRepository {
  /** Every release, lowest version first (SemVer precedence, not text order). */
  listReleases(): Promise<PlatformRelease[]>;
  /** The release published as `version` (surrounding spaces ignored), or null. */
  findRelease(version: string): Promise<PlatformRelease | null>;
  insertRelease(release: PlatformRelease): Promise<void>;
  insertRollout(row: PlatformRolloutsTable): Promise<void>;
  /** The instances a release was rolled out to, with their tenants. */
  rolloutTargets(releaseId: string): Promise<{ instanceId: string; tenantId: string }[]>;
}

/** The columns a defect step may change (id, tenant, version and updated_at are the repository's). */
export type DefectChanges = Partial<Omit<DefectsTable, 'id' | 'tenant_id' | 'version' | 'updated_at'>>;

export interface DefectRepository {
  get(id: string): Promise<Defect | null>;
  insert(row: DefectsTable): Promise<Defect>;
  /** Optimistic update: ConflictError when someone else changed the defect since it was read. */
  update(defect: Defect, changes: DefectChanges, now: string): Promise<Defect>;
  /** Newest first; every tenant's unless `tenantId` is given. */
  list(filter?: { tenantId?: string; state?: string }): Promise<Defect[]>;
  /** A tenant's defects linked to a release and not yet deployed (fix-in-progress, fix-in-test). */
  listAwaitingRollout(tenantId: string): Promise<Defect[]>;
  idsOfTenant(tenantId: string): Promise<string[]>;
  /** Stored severity definitions over the built-in defaults. */
  severityDefinitions(): Promise<Record<Severity, SeverityDefinition>>;
  /** Inserts or replaces one severity's definition (its row's version goes up). */
  saveSeverityDefinition(definition: SeverityDefinition, now: string): Promise<void>;
  /** The (defect, clock) pairs whose breach was already announced. */
  slaBreachesAnnounced(): Promise<{ defectId: string; clock: string }[]>;
  insertSlaBreach(row: DefectSlaBreachesTable): Promise<void>;
  /** Display names by id, for what people read instead of ids (issue 17); unknown ids are absent. */
  displayNames(ids: {
    tenantIds: readonly string[];
    instanceIds: readonly string[];
    userIds: readonly string[];
  }): Promise<{ tenants: Map<string, string>; instances: Map<string, string>; users: Map<string, string> }>;
}

export interface InfrastructureChangeRepository {
  get(id: string): Promise<InfrastructureChangesTable | null>;
  /** By window start, then id; every tenant's unless `tenantId` is given. */
  list(filter?: { tenantId?: string; state?: string }): Promise<InfrastructureChangesTable[]>;
  /** The sign-offs of these changes, oldest first. */
  signoffsOf(changeIds: readonly string[]): Promise<InfrastructureSignoffsTable[]>;
  insert(row: InfrastructureChangesTable): Promise<void>;
  insertSignoff(row: InfrastructureSignoffsTable): Promise<void>;
  /** Planned -> applied; ConflictError when the change is no longer at `expectedVersion`. */
  markApplied(id: string, expectedVersion: number, appliedBy: string, at: string): Promise<void>;
}

export interface TrialProjectRepository {
  /** An instance's projects by name. */
  listOfInstance(instanceId: string): Promise<TrialProjectsTable[]>;
  findByName(instanceId: string, name: string): Promise<TrialProjectsTable | null>;
  insert(row: TrialProjectsTable): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface ImageTrialRepository {
  get(id: string): Promise<ImageTrialsTable | null>;
  getOnInstance(id: string, instanceId: string): Promise<ImageTrialsTable | null>;
  /** Newest first, at most `limit`. */
  listOfInstance(instanceId: string, limit: number): Promise<ImageTrialsTable[]>;
  /** Trials in one of `states`, on one instance when `instanceId` is given. */
  listInStates(
    states: readonly ImageTrialsTable['state'][],
    instanceId?: string,
  ): Promise<ImageTrialsTable[]>;
  insert(row: ImageTrialsTable): Promise<void>;
  update(id: string, values: Partial<ImageTrialsTable>): Promise<void>;
  /**
   * Updates the trial only while `leaseOwner` holds its lease and it is queued or running (a trial
   * cancelled elsewhere, or taken over after a lost lease, is not written). False when nothing was.
   */
  updateWhileLeased(id: string, leaseOwner: string, values: Partial<ImageTrialsTable>): Promise<boolean>;
  /** The commit a project last ran (its newest run event with a code revision), or null. */
  lastRanCommit(instanceId: string, project: string): Promise<string | null>;
}

export interface StoredEvent {
  readonly tenantId: string;
  readonly evidence: RunEvidence;
  /** The event as received, serialized once. */
  readonly eventJson: string;
}

/** Runs of one instance per pipeline and job, for `ratchet evidence`. */
export interface JobEvidenceRow {
  pipeline: string;
  jobName: string;
  owner: string | null;
  project: string | null;
  events: number;
  successes: number;
  failures: number;
  firstEventAt: string;
  lastEventAt: string;
}

/** Run evidence (OpenLineage), ownership rules and declared constraints (issue 5, 14). */
export interface EvidenceRepository {
  /**
   * Inserts events, skipping those already stored (same tenant and idempotency key, also within the
   * batch). Returns how many rows were new. Call inside a transaction for all-or-nothing.
   */
  insertRunEvents(events: readonly StoredEvent[], receivedAt: string): Promise<number>;
  countRunEvents(filter?: { instanceId?: string }): Promise<number>;
  hasRunEvents(instanceId: string): Promise<boolean>;
  /**
   * Every event of one instance since `since`, with only the columns the classifier reads. Not only
   * terminal events: START events carry the owners and facts the report gathers by run (issue 14).
   */
  runEvidenceSince(instanceId: string, since: string): Promise<ClassifiedEvidence[]>;
  jobEvidence(
    instanceId: string,
    page: { since: string; limit: number; offset: number },
  ): Promise<JobEvidenceRow[]>;
  ownershipRules(tenantId: string): Promise<OwnershipRule[]>;
  replaceOwnershipRules(tenantId: string, rules: readonly OwnershipRule[], at: string): Promise<void>;
  declaredConstraints(tenantId: string): Promise<DeclaredConstraint[]>;
  /** A project's constraints are replaced whole: an upload says everything the project declares. */
  replaceProjectConstraints(
    tenantId: string,
    project: string,
    constraints: readonly DeclaredConstraint[],
    at: string,
  ): Promise<void>;
  /** Replaces an instance's namespaces (optimistic: a stale `expectedVersion` changes nothing). */
  setInstanceNamespaces(
    instanceId: string,
    expectedVersion: number,
    namespaces: readonly string[],
    at: string,
  ): Promise<boolean>;
  /** A tenant's instances with their namespaces (JSON text). */
  instanceNamespaces(tenantId: string): Promise<Pick<InstancesTable, 'id' | 'namespaces'>[]>;
  /**
   * Attributes the instance's runs since `since` to image revision `revision` (source
   * 'deployment'), except runs a facet or tag attributed. Returns how many rows changed.
   */
  attributeRunsToImageSince(instanceId: string, since: string, revision: number): Promise<number>;
  /** A tenant's deployed image revisions, with when the deployer confirmed them. */
  deployedImageRevisions(
    tenantId: string,
  ): Promise<Pick<RevisionsTable, 'instance_id' | 'number' | 'content' | 'status_changed_at'>[]>;
}

export type HandOffState = DeploymentHandOffsTable['state'];

export interface HandOff {
  instanceId: string;
  revision: number;
  kind: 'webhook' | 'command';
  state: HandOffState;
  outcome: string | null;
  startedAt: string;
  updatedAt: string;
}

export interface DeployerRepository {
  /** The instance's deployer row (config JSON with its secret sealed), or null for the default. */
  getConfigRow(instanceId: string): Promise<InstanceDeployersTable | null>;
  /** Inserts or replaces the instance's deployer (the caller seals and audits, in its transaction). */
  saveConfig(input: {
    instanceId: string;
    tenantId: string;
    kind: InstanceDeployersTable['kind'];
    config: string;
    at: string;
  }): Promise<void>;
  getHandOff(instanceId: string, revision: number): Promise<HandOff | null>;
  /**
   * Claims the hand-off of one revision: true for exactly one caller, however many race (the primary
   * key decides). `staleBefore` also lets a caller take over a `running` hand-off last touched before
   * that time: its process died mid-deploy.
   */
  claimHandOff(input: {
    instanceId: string;
    revision: number;
    kind: 'webhook' | 'command';
    at: string;
    staleBefore?: string;
  }): Promise<boolean>;
  /** Moves a hand-off on; `from` guards against overwriting a later state (a callback that came first). */
  updateHandOff(input: {
    instanceId: string;
    revision: number;
    from: readonly HandOffState[];
    state: HandOffState;
    outcome: string;
    at: string;
  }): Promise<void>;
}

export interface ImageSourceRepository {
  get(instanceId: string): Promise<ImageSourcesTable | null>;
  /** Sets an instance's package source (caller audits, inside its transaction); returns the one before. */
  set(input: {
    instanceId: string;
    tenantId: string;
    source: string;
    at: string;
  }): Promise<{ before: string | null }>;
}

/** The image workflow's rows (issue 4); workflows/image/repository.ts maps them to records. */
export interface ImageChangeRepository {
  get(id: string): Promise<ImageChangesTable | null>;
  insert(row: ImageChangesTable): Promise<void>;
  /**
   * Sets `values` and version `expectedVersion + 1`. Throws ConflictError when the row's version is
   * no longer `expectedVersion`.
   */
  update(
    id: string,
    expectedVersion: number,
    values: Partial<Omit<ImageChangesTable, 'id' | 'version'>>,
  ): Promise<void>;
  /** Oldest first (then by id). */
  list(filter: {
    instanceId?: string;
    tenantId?: string;
    kind?: 'upgrade' | 'rollback';
  }): Promise<ImageChangesTable[]>;
  /** Changes in none of `states` (the open ones), other than `exceptId`, oldest first. */
  listNotIn(states: readonly string[], exceptId?: string): Promise<ImageChangesTable[]>;
  insertPin(row: RollbackPinsTable): Promise<void>;
  /** Pins whose expiry is after `at`, oldest first. */
  activePins(instanceId: string, at: string): Promise<RollbackPinsTable[]>;
  listPins(instanceId: string): Promise<RollbackPinsTable[]>;
  insertFollowUp(row: ForwardFixFollowUpsTable): Promise<void>;
  listFollowUps(instanceId: string, status?: 'open' | 'closed'): Promise<ForwardFixFollowUpsTable[]>;
  /** Closes an open follow-up (a closed one stays as it was). */
  closeFollowUp(id: string): Promise<void>;
  /** Rows in the image workflow's tables (image sources included): tests check a refusal wrote none. */
  countRows(): Promise<number>;
}

/** Where one copy of an outbox message goes: a configured channel, and for email the recipient address. */
export interface Receiver {
  /** Stable per receiver (e.g. `tenant:acme:ops-webhook`): half of the idempotency key. */
  id: string;
  /** The name of a channel configured on the delivery worker (`channels` option), e.g. `ops-slack`. */
  channel: string;
  /** Channel-specific destination: the `To` address for email; unused by webhooks (the URL is config). */
  address?: string;
}

/**
 * What a state change asks to announce. Enqueued in the same transaction as the change and fanned
 * out into one outbox row per receiver.
 */
export interface OutboxMessage {
  /** e.g. `rollback.approved`, `hotfix.deployed`, `defect.updated`. */
  topic: string;
  /** Unique per state change: the same event enqueued twice is delivered once per receiver. */
  eventId: string;
  receivers: Receiver[];
  subject: string;
  text: string;
  data: Record<string, unknown>;
}

/** One row of the outbox: one message for one receiver. */
export interface OutboxEntry {
  id: string;
  /** `${eventId}:${receiverId}`; travels with every attempt so the receiver can drop duplicates. */
  idempotencyKey: string;
  eventId: string;
  topic: string;
  receiverId: string;
  channel: string;
  address: string | null;
  subject: string;
  text: string;
  data: Record<string, unknown>;
  /** Attempts started so far, counting the current one once claimed. */
  attempts: number;
  status: OutboxStatus;
  nextAttemptAt: string;
  leaseUntil: string | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface EnqueueResult {
  /** Rows written now. */
  enqueued: number;
  /** Receivers skipped because their idempotency key was already in the outbox. */
  duplicates: number;
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  workerId: string;
  /** How long the claim holds; another worker may take the row after it. */
  leaseMs: number;
}

/**
 * The transactional outbox on one handle, like every repository: `tx.outbox.enqueue` inside
 * `store.transaction` commits or rolls back with the state change it announces; the delivery
 * worker claims and marks rows on the pool (`store.repos.outbox`).
 */
export interface OutboxQueue {
  /** Fans `message` out into one row per receiver; a receiver already enqueued for the event is skipped. */
  enqueue(message: OutboxMessage): Promise<EnqueueResult>;
  /**
   * Leases up to `limit` due pending rows to `workerId` and counts the attempt. PostgreSQL: `FOR
   * UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows; SQLite: one atomic UPDATE under
   * the single-writer lock. A row whose lease ran out (its worker died) is due again.
   */
  claimDue(options: ClaimOptions): Promise<OutboxEntry[]>;
  /** Marks delivered and releases the lease in one write: a delivered row is never claimed again. */
  markDelivered(id: string, workerId: string): Promise<void>;
  markRetry(id: string, workerId: string, nextAttemptAt: Date, error: string): Promise<void>;
  /** Parks the row: it is not retried until someone requeues it. */
  markFailed(id: string, workerId: string, error: string): Promise<void>;
  /** Parked rows, newest first, for the API and dashboard. */
  listFailed(options?: { limit?: number }): Promise<OutboxEntry[]>;
  /** Puts a parked row back in the queue (an operator fixed the receiver), attempts reset. */
  requeue(id: string): Promise<void>;
  get(idempotencyKey: string): Promise<OutboxEntry | null>;
}

export interface Repositories {
  readonly db: Db;
  readonly tenants: TenantRepository;
  readonly instances: InstanceRepository;
  readonly revisions: RevisionRepository;
  readonly users: UserRepository;
  readonly tokens: ApiTokenRepository;
  readonly audit: AuditRepository;
  readonly idempotency: IdempotencyRepository;
  readonly platform: PlatformRepository;
  readonly defects: DefectRepository;
  readonly infrastructureChanges: InfrastructureChangeRepository;
  readonly trialProjects: TrialProjectRepository;
  readonly imageTrials: ImageTrialRepository;
  readonly evidence: EvidenceRepository;
  readonly deployers: DeployerRepository;
  readonly imageSources: ImageSourceRepository;
  readonly imageChanges: ImageChangeRepository;
  readonly outbox: OutboxQueue;
  /** The store's clock, as an ISO string. */
  now(): string;
}

export interface Store {
  readonly engine: Engine;
  /** Repositories on the pool, for reads outside a transaction. Never use inside `transaction`. */
  readonly repos: Repositories;
  /** Raw Kysely on the pool (tests, admin tooling). */
  readonly db: Db;
  /** Seals secrets before they are stored (webhook deployer secrets). */
  readonly secrets: SecretBox;
  now(): Date;
  /**
   * Runs `fn` in one write transaction; `tx` repositories are bound to it. Writers are serialized
   * (SQLite `BEGIN IMMEDIATE`; PostgreSQL a transaction-scoped advisory lock) because every write
   * appends to the single audit hash chain. Rolled back when `fn` throws.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  verifyAuditChain(): Promise<AuditChainResult>;
  /** Rejects when the database does not answer (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
