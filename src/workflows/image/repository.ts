import { canonicalJson } from '../../domain/audit/index.js';
import type { Role } from '../../domain/roles/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { newId } from '../../store/index.js';
import type {
  ForwardFixFollowUpsTable,
  ImageChangesTable,
  RollbackPinsTable,
} from '../../store/tables/image-workflow.js';
import { FINISHED_STATES } from './types.js';
import type { ForwardFixFollowUp, ImageChangeRecord, ImageChangeState, RollbackPin } from './types.js';

function toChange(row: ImageChangesTable): ImageChangeRecord {
  return {
    id: row.id,
    kind: row.kind,
    tenantId: row.tenant_id,
    instanceId: row.instance_id,
    state: row.state as ImageChangeState,
    requestedBy: row.requested_by,
    requestedRole: row.requested_role as Role,
    reason: row.reason,
    requests: JSON.parse(row.requests) as string[],
    report: JSON.parse(row.report) as ImageChangeRecord['report'],
    reportHash: row.report_hash,
    approvedBy: row.approved_by,
    approvedHash: row.approved_hash,
    decisionReason: row.decision_reason,
    urgent: Number(row.urgent) === 1,
    acceptedBy: row.accepted_by,
    acceptedHash: row.accepted_hash,
    stages: JSON.parse(row.stages) as ImageChangeRecord['stages'],
    notes: JSON.parse(row.notes) as ImageChangeRecord['notes'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

function toPin(row: RollbackPinsTable): RollbackPin {
  return {
    id: row.id,
    instanceId: row.instance_id,
    package: row.package,
    pinnedVersion: row.pinned_version,
    changeId: row.change_id,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

function toFollowUp(row: ForwardFixFollowUpsTable): ForwardFixFollowUp {
  return {
    id: row.id,
    instanceId: row.instance_id,
    package: row.package,
    pinnedVersion: row.pinned_version,
    changeId: row.change_id,
    status: row.status,
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

export type NewImageChange = Omit<
  ImageChangeRecord,
  | 'id'
  | 'createdAt'
  | 'updatedAt'
  | 'version'
  | 'approvedBy'
  | 'approvedHash'
  | 'decisionReason'
  | 'acceptedBy'
  | 'acceptedHash'
  | 'notes'
  | 'stages'
  | 'urgent'
>;

export type ImageChangeUpdate = Partial<
  Pick<
    ImageChangeRecord,
    | 'state'
    | 'report'
    | 'reportHash'
    | 'approvedBy'
    | 'approvedHash'
    | 'decisionReason'
    | 'urgent'
    | 'acceptedBy'
    | 'acceptedHash'
    | 'stages'
    | 'notes'
  >
>;

export interface ImageWorkflowRepository {
  insertChange(input: NewImageChange): Promise<ImageChangeRecord>;
  getChange(id: string): Promise<ImageChangeRecord | null>;
  /** Throws ConflictError when the row's version is no longer `expectedVersion`. */
  updateChange(id: string, expectedVersion: number, changes: ImageChangeUpdate): Promise<ImageChangeRecord>;
  listChanges(filter: {
    instanceId?: string;
    tenantId?: string;
    kind?: 'upgrade' | 'rollback';
  }): Promise<ImageChangeRecord[]>;
  /** The change in flight on `instanceId` (as target or as a deployment stage), if any, other than `exceptId`. */
  inFlight(instanceId: string, exceptId?: string): Promise<ImageChangeRecord | null>;
  insertPin(input: Omit<RollbackPin, 'id' | 'createdAt'> & { tenantId: string }): Promise<RollbackPin>;
  /** Pins whose expiry is after `at`. */
  activePins(instanceId: string, at: string): Promise<RollbackPin[]>;
  listPins(instanceId: string): Promise<RollbackPin[]>;
  insertFollowUp(
    input: Omit<ForwardFixFollowUp, 'id' | 'createdAt' | 'closedAt' | 'status'> & { tenantId: string },
  ): Promise<ForwardFixFollowUp>;
  listFollowUps(instanceId: string, status?: 'open' | 'closed'): Promise<ForwardFixFollowUp[]>;
  closeFollowUp(id: string): Promise<void>;
  countRows(): Promise<number>;
  /** Every change not yet finished, oldest first. */
  listOpen(): Promise<ImageChangeRecord[]>;
}

/**
 * The image workflow's records over the store's rows (`tx` inside a transaction, `store.repos` for
 * reads): JSON columns parsed and written canonically, timestamps from the store clock.
 */
export function imageWorkflowRepository(
  repos: Pick<Repositories, 'imageChanges' | 'now'>,
): ImageWorkflowRepository {
  const rows = repos.imageChanges;
  const now = () => repos.now();
  async function getChange(id: string): Promise<ImageChangeRecord | null> {
    const row = await rows.get(id);
    return row === null ? null : toChange(row);
  }
  return {
    async insertChange(input) {
      const at = now();
      const id = newId(input.kind === 'rollback' ? 'rbr' : 'upg');
      await rows.insert({
        id,
        kind: input.kind,
        tenant_id: input.tenantId,
        instance_id: input.instanceId,
        state: input.state,
        requested_by: input.requestedBy,
        requested_role: input.requestedRole,
        reason: input.reason,
        requests: canonicalJson(input.requests),
        report: canonicalJson(input.report),
        report_hash: input.reportHash,
        approved_by: null,
        approved_hash: null,
        decision_reason: null,
        urgent: 0,
        accepted_by: null,
        accepted_hash: null,
        stages: '[]',
        notes: '[]',
        created_at: at,
        updated_at: at,
        version: 1,
      });
      return (await getChange(id))!;
    },
    getChange,
    async updateChange(id, expectedVersion, changes) {
      const values: Partial<ImageChangesTable> = { updated_at: now() };
      if (changes.state !== undefined) values.state = changes.state;
      if (changes.report !== undefined) values.report = canonicalJson(changes.report);
      if (changes.reportHash !== undefined) values.report_hash = changes.reportHash;
      if (changes.approvedBy !== undefined) values.approved_by = changes.approvedBy;
      if (changes.approvedHash !== undefined) values.approved_hash = changes.approvedHash;
      if (changes.decisionReason !== undefined) values.decision_reason = changes.decisionReason;
      if (changes.urgent !== undefined) values.urgent = changes.urgent ? 1 : 0;
      if (changes.acceptedBy !== undefined) values.accepted_by = changes.acceptedBy;
      if (changes.acceptedHash !== undefined) values.accepted_hash = changes.acceptedHash;
      if (changes.stages !== undefined) values.stages = canonicalJson(changes.stages);
      if (changes.notes !== undefined) values.notes = canonicalJson(changes.notes);
      await rows.update(id, expectedVersion, values);
      return (await getChange(id))!;
    },
    async listChanges(filter) {
      return (await rows.list(filter)).map(toChange);
    },
    async inFlight(instanceId, exceptId) {
      // Deployment stages live in JSON: a production change deploying to its test instance holds both.
      const open = (await rows.listNotIn(FINISHED_STATES, exceptId)).map(toChange);
      return (
        open.find((c) => c.instanceId === instanceId) ??
        open.find((c) => c.stages.some((s) => s.instanceId === instanceId)) ??
        null
      );
    },
    async insertPin(input) {
      const id = newId('pin');
      const at = now();
      await rows.insertPin({
        id,
        tenant_id: input.tenantId,
        instance_id: input.instanceId,
        package: input.package,
        pinned_version: input.pinnedVersion,
        change_id: input.changeId,
        expires_at: input.expiresAt,
        created_at: at,
      });
      return { id, ...input, createdAt: at };
    },
    async activePins(instanceId, at) {
      return (await rows.activePins(instanceId, at)).map(toPin);
    },
    async listPins(instanceId) {
      return (await rows.listPins(instanceId)).map(toPin);
    },
    async insertFollowUp(input) {
      const id = newId('fix');
      const at = now();
      await rows.insertFollowUp({
        id,
        tenant_id: input.tenantId,
        instance_id: input.instanceId,
        package: input.package,
        pinned_version: input.pinnedVersion,
        change_id: input.changeId,
        status: 'open',
        created_at: at,
        closed_at: null,
        version: 1,
      });
      return { id, ...input, status: 'open', createdAt: at, closedAt: null };
    },
    async listFollowUps(instanceId, status) {
      return (await rows.listFollowUps(instanceId, status)).map(toFollowUp);
    },
    async closeFollowUp(id) {
      await rows.closeFollowUp(id);
    },
    countRows: () => rows.countRows(),
    async listOpen() {
      return (await rows.listNotIn(FINISHED_STATES)).map(toChange);
    },
  };
}

/** The image tables on the pool, for reads outside a transaction. */
export function readRepo(store: Store): ImageWorkflowRepository {
  return imageWorkflowRepository(store.repos);
}
