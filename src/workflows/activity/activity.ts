import type { AuditEntry } from '../../domain/audit/index.js';
import { NotFoundError } from '../../domain/errors/index.js';
import { assertCan, canSeeTenant } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import { getDefect } from '../defects/index.js';
import { getImageChange } from '../image/index.js';
import type { ImageChangeNote } from '../image/index.js';
import { getInfrastructureChange } from '../infrastructure/index.js';
import type { InfrastructureSignoff } from '../infrastructure/index.js';
import { parseInput } from '../schema.js';
import { describeStep, noteOf } from './describe.js';
import { ChangeActivityInput } from './schema.js';
import type { ActivityEntry, ChangeActivity, ChangeKind } from './types.js';

/**
 * Which audit entries belong to one change: their exact targets, which the audit log's target index
 * finds without reading the rest of the log.
 */
interface AuditScope {
  targets: readonly string[];
}

/** What the activity of one change is built from: its audit scope and what its record adds. */
interface ChangeSubject {
  id: string;
  title: string;
  scope: AuditScope;
  /** Instance ids the entries may name (stages, rollout targets). */
  instanceIds: string[];
  /** Notes kept on the change record, matched to the entries of their step. */
  notes?: ImageChangeNote[];
  signoffs?: InfrastructureSignoff[];
  /** A customer sees only its own tenant's entries (another tenant's rollout of the same release). */
  visible: (entry: AuditEntry) => boolean;
}

async function subjectOf(store: Store, actor: Actor, kind: ChangeKind, id: string): Promise<ChangeSubject> {
  const everyEntry = (): boolean => true;
  switch (kind) {
    case 'rollback':
    case 'upgrade': {
      const change = await getImageChange(store, actor, id, kind);
      return {
        id: change.id,
        title: `${kind === 'rollback' ? 'Rollback' : 'Upgrade'} on ${change.report.instance.name}: ${change.requests.join(', ')}`,
        scope: { targets: [`image-change:${change.id}`] },
        instanceIds: [change.instanceId, ...change.stages.map((stage) => stage.instanceId)],
        notes: change.notes,
        visible: everyEntry,
      };
    }
    case 'defect': {
      const defect = await getDefect(store, actor, id);
      return {
        id: defect.id,
        title: `Defect: ${defect.title}`,
        scope: { targets: [`defect:${defect.id}`] },
        instanceIds: [defect.instanceId],
        visible: everyEntry,
      };
    }
    case 'infrastructure': {
      const change = await getInfrastructureChange(store, actor, id);
      return {
        id: change.id,
        title: `Infrastructure change: ${change.title}`,
        scope: { targets: [`infrastructure-change:${change.id}`] },
        instanceIds: change.instanceIds,
        signoffs: change.signoffs,
        visible: everyEntry,
      };
    }
    case 'platform-release': {
      assertCan(actor, 'platform.read');
      const release = await store.repos.platform.findRelease(id);
      if (release === null) {
        throw new NotFoundError(`Platform release ${id} was not found.`, {
          remedy: 'Name a published release by its version (ratchet platform releases lists them).',
        });
      }
      const rollouts = await store.repos.platform.rolloutTargets(release.id);
      return {
        id: release.version,
        title: `Platform release ${release.version}`,
        // The release's own entries, and one per rollout: a rollout's row and its entry are written
        // in one transaction (workflows/platform/releases.ts), and neither is ever deleted.
        scope: {
          targets: [
            `platform-release:${release.version}`,
            ...rollouts.map((rollout) => `platform-release:${release.version}/${rollout.instanceId}`),
          ],
        },
        instanceIds: rollouts.filter((r) => canSeeTenant(actor, r.tenantId)).map((r) => r.instanceId),
        visible: (entry) => entry.tenantId === null || canSeeTenant(actor, entry.tenantId),
      };
    }
  }
}

function parsed(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** The record's own note for an entry: the first unused note of the same step by the same person. */
function recordNote(subject: ChangeSubject, entry: AuditEntry, used: Set<object>): string | null {
  const step = entry.action.split('.').at(-1);
  const note = subject.notes?.find(
    (n) => !used.has(n) && n.step === step && n.byUserId === entry.actorUserId,
  );
  if (note !== undefined) {
    used.add(note);
    return note.text;
  }
  if (entry.action === 'infrastructure.change.signoff') {
    const signoff = subject.signoffs?.find((s) => s.userId === entry.actorUserId);
    if (signoff !== undefined && signoff.note.trim() !== '') return signoff.note;
  }
  return null;
}

async function namesOf(store: Store, ids: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    const user = await store.repos.users.get(id);
    if (user !== null) names.set(id, user.name);
  }
  return names;
}

function reportHashOf(kind: ChangeKind, after: Record<string, unknown>): string | null {
  if (kind !== 'rollback' && kind !== 'upgrade') return null;
  const hash = after.acceptedHash ?? after.reportHash;
  return typeof hash === 'string' ? hash : null;
}

/**
 * The activity history of one change (issue 17): who did what, when, with which note and bound to
 * which report, one entry per audit entry of the change, oldest first. Names, not ids: the history
 * is read by people. The caller must be able to see the change (another tenant's is not found).
 */
export async function getChangeActivity(
  store: Store,
  actor: Actor,
  input: ChangeActivityInput,
): Promise<ChangeActivity> {
  const { kind, id } = parseInput(ChangeActivityInput, input, 'activity query');
  const subject = await subjectOf(store, actor, kind, id);
  const audit = (await store.repos.audit.entriesFor(subject.scope)).filter(subject.visible);
  const afters = audit.map((entry) => parsed(entry.after));
  const assignees = afters
    .map((after) => after.assigneeUserId)
    .filter((v): v is string => typeof v === 'string');
  const actors = audit.map((entry) => entry.actorUserId).filter((v): v is string => v !== null);
  const userNames = await namesOf(store, [...actors, ...assignees]);
  const instanceNames = new Map<string, string>();
  for (const instanceId of new Set(subject.instanceIds)) {
    const instance = await store.repos.instances.get(instanceId);
    if (instance !== null && canSeeTenant(actor, instance.tenantId))
      instanceNames.set(instanceId, instance.name);
  }
  const context = { kind, instanceNames, userNames };
  const used = new Set<object>();
  const entries = audit.map((entry, index): ActivityEntry => {
    const after = afters[index]!;
    const name =
      entry.actorUserId === null ? 'Ratchet' : (userNames.get(entry.actorUserId) ?? 'a deleted user');
    return {
      seq: entry.seq,
      auditHash: entry.hash,
      at: entry.at,
      actor: { userId: entry.actorUserId, name, role: entry.actorRole },
      action: entry.action,
      summary: describeStep(entry.action, entry.target, after, context),
      note: recordNote(subject, entry, used) ?? noteOf(after),
      reportHash: reportHashOf(kind, after),
    };
  });
  return { kind, id: subject.id, title: subject.title, entries };
}
