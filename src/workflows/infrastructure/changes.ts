import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
} from '../../domain/errors/index.js';
import { LAYER_POLICIES } from '../../domain/policy/index.js';
import type { InfrastructureContent } from '../../domain/revisions/index.js';
import { assertCan, canSeeTenant, isProviderRole } from '../../domain/roles/index.js';
import { ACTION_PERMISSION } from '../action-rights.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import type { Receiver } from '../../delivery/outbox/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { newId } from '../../store/index.js';
import type { InfrastructureChangesTable, InfrastructureSignoffsTable } from '../../store/tables/platform.js';
import { auditedBy } from '../audit.js';
import { customerReceiver } from '../defects/notifications.js';
import { outboxOf } from '../outbox.js';
import { deployRevisionInTransaction } from '../platform/deploy.js';
import { resolveInstance, resolveTenant } from '../references.js';
import { recordRevisionInTransaction } from '../revisions.js';
import { parseInput } from '../schema.js';
import {
  ApplyInfrastructureChangeInput,
  InfrastructureChangeRefInput,
  ListInfrastructureChangesInput,
  PlanInfrastructureChangeInput,
  InfrastructureSignoffInput,
} from './schema.js';
import type {
  InfrastructureChange,
  InfrastructureChangeState,
  InfrastructureRisk,
  InfrastructureSignoff,
  SignoffParty,
} from './types.js';

// "Both parties participate in testing prior to applying changes." (rollback-strategy.txt, Infrastructure Layer)
const BOTH_PARTIES_TEST = 'Both parties participate in testing prior to applying changes.';

function toSignoff(row: InfrastructureSignoffsTable): InfrastructureSignoff {
  return {
    userId: row.user_id,
    userName: row.user_name,
    party: row.party as SignoffParty,
    role: row.role,
    note: row.note,
    createdAt: row.created_at,
  };
}

function toChange(
  row: InfrastructureChangesTable,
  signoffRows: InfrastructureSignoffsTable[],
): InfrastructureChange {
  const signoffs = signoffRows.map(toSignoff);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    why: row.why,
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    risk: row.risk as InfrastructureRisk,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    instanceIds: JSON.parse(row.instance_ids) as string[],
    state: row.state as InfrastructureChangeState,
    plannedBy: row.planned_by,
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
    signoffs,
    testedBy: {
      provider: signoffs.some((s) => s.party === 'provider'),
      customer: signoffs.some((s) => s.party === 'customer'),
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

async function loadChange(repos: Repositories, actor: Actor, id: string): Promise<InfrastructureChange> {
  const row = await repos.infrastructureChanges.get(id);
  if (row === null || !canSeeTenant(actor, row.tenant_id)) {
    throw new NotFoundError(`Infrastructure change "${id}" was not found.`, {
      remedy: 'List infrastructure changes (ratchet infra list) to see the ones you can reach.',
    });
  }
  return toChange(row, await repos.infrastructureChanges.signoffsOf([id]));
}

async function customerAdmins(tx: Repositories, tenantId: string): Promise<Receiver[]> {
  return (await tx.users.list(tenantId)).filter((u) => u.role === 'customer-admin').map(customerReceiver);
}

function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return Date.parse(aStart) < Date.parse(bEnd) && Date.parse(bStart) < Date.parse(aEnd);
}

/**
 * A provider engineer plans a change with its window, risk and affected instances, and invites the
 * customer ("Datacoves works collaboratively with the customer's team to plan and execute
 * infrastructure upgrades"). Two changes on one instance in overlapping windows are refused.
 */
export async function planInfrastructureChange(
  store: Store,
  actor: Actor,
  input: PlanInfrastructureChangeInput,
): Promise<InfrastructureChange> {
  assertCan(actor, 'infrastructure.change.plan');
  const parsed = parseInput(PlanInfrastructureChangeInput, input, 'infrastructure change');
  const outbox = outboxOf(store);
  return store.transaction(async (tx) => {
    const instances: Instance[] = [];
    for (const ref of parsed.instances) {
      const instance = await resolveInstance(tx, actor, ref);
      if (!instances.some((i) => i.id === instance.id)) instances.push(instance);
    }
    const tenantId = instances[0]!.tenantId;
    if (instances.some((i) => i.tenantId !== tenantId)) {
      throw new InputError('The affected instances belong to different tenants.', {
        remedy: 'Plan one change per customer: it is tested and signed off with that customer.',
      });
    }
    const windowStart = new Date(parsed.windowStart).toISOString();
    const windowEnd = new Date(parsed.windowEnd).toISOString();
    const existing = await tx.infrastructureChanges.list({ tenantId });
    for (const other of existing) {
      const shared = (JSON.parse(other.instance_ids) as string[]).filter((id) =>
        instances.some((i) => i.id === id),
      );
      if (shared.length === 0 || !overlaps(windowStart, windowEnd, other.window_start, other.window_end))
        continue;
      const names = instances.filter((i) => shared.includes(i.id)).map((i) => i.name);
      throw new ConflictError(
        `The window ${windowStart} – ${windowEnd} overlaps infrastructure change ${other.id} ("${other.title}", ${other.window_start} – ${other.window_end}) on ${names.join(', ')}.`,
        {
          remedy: `Pick a window that starts at or after ${other.window_end} or ends by ${other.window_start}.`,
          extra: { conflictingChange: other.id, instances: names },
        },
      );
    }
    const now = tx.now();
    const row: InfrastructureChangesTable = {
      id: newId('ifc'),
      tenant_id: tenantId,
      title: parsed.title,
      why: parsed.why,
      changes: JSON.stringify(parsed.changes),
      risk: parsed.risk,
      window_start: windowStart,
      window_end: windowEnd,
      instance_ids: JSON.stringify(instances.map((i) => i.id)),
      state: 'planned',
      planned_by: actor.userId,
      applied_by: null,
      applied_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.infrastructureChanges.insert(row);
    const change = toChange(row, []);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId,
        action: 'infrastructure.change.plan',
        target: `infrastructure-change:${change.id}`,
        before: null,
        after: change,
      }),
    );
    await outbox.enqueue(tx.db, {
      topic: 'infrastructure.change.planned',
      eventId: `infrastructure-change:${change.id}:planned`,
      receivers: await customerAdmins(tx, tenantId),
      subject: `Infrastructure change planned: ${change.title}`,
      text:
        `${actor.name} planned "${change.title}" on ${instances.map((i) => i.name).join(', ')} in the window ${windowStart} – ${windowEnd} (risk ${change.risk}). ` +
        `Why: ${change.why}. ${BOTH_PARTIES_TEST} Please test and record your sign-off (ratchet infra signoff ${change.id}); once applied it cannot be undone.`,
      data: { changeId: change.id, instances: change.instanceIds, windowStart, windowEnd, risk: change.risk },
    });
    return change;
  });
}

/** One party records that its testing passed. Nobody signs off their own change. */
export async function signoffInfrastructureChange(
  store: Store,
  actor: Actor,
  input: InfrastructureSignoffInput,
): Promise<InfrastructureChange> {
  assertCan(actor, ACTION_PERMISSION.signOffInfrastructure);
  const parsed = parseInput(InfrastructureSignoffInput, input, 'sign-off');
  return store.transaction(async (tx) => {
    const change = await loadChange(tx, actor, parsed.change);
    if (change.state === 'applied') throw alreadyApplied(change);
    if (change.plannedBy === actor.userId) {
      throw new NotAllowedError(
        `You planned infrastructure change ${change.id}; nobody signs off their own change.`,
        {
          remedy: 'Ask another provider engineer and a customer tester to sign off.',
          policy: 'infrastructure-tested-by-both',
        },
      );
    }
    if (change.signoffs.some((s) => s.userId === actor.userId)) {
      throw new ConflictError(`You already signed off infrastructure change ${change.id}.`, {
        remedy: `It still needs: ${missingParties(change).join(' and ') || 'nothing; a provider engineer can apply it'}.`,
      });
    }
    const party: SignoffParty = isProviderRole(actor.role) ? 'provider' : 'customer';
    await tx.infrastructureChanges.insertSignoff({
      change_id: change.id,
      user_id: actor.userId,
      user_name: actor.name,
      party,
      role: actor.role,
      note: parsed.note ?? '',
      created_at: tx.now(),
    });
    const after = await loadChange(tx, actor, change.id);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: change.tenantId,
        action: 'infrastructure.change.signoff',
        target: `infrastructure-change:${change.id}`,
        before: { testedBy: change.testedBy },
        after: { party, testedBy: after.testedBy },
      }),
    );
    return after;
  });
}

function missingParties(change: InfrastructureChange): string[] {
  const missing: string[] = [];
  if (!change.testedBy.provider) missing.push('a provider sign-off (provider-engineer or provider-admin)');
  if (!change.testedBy.customer) missing.push('a customer sign-off (customer-admin or customer-member)');
  return missing;
}

function alreadyApplied(change: InfrastructureChange): PolicyError {
  return new PolicyError(
    `Infrastructure change ${change.id} ("${change.title}") was applied at ${change.appliedAt ?? '?'} and is final: the rollback policy says "${LAYER_POLICIES.infrastructure.reason}"`,
    {
      policy: 'infrastructure-final',
      remedy: LAYER_POLICIES.infrastructure.remedy,
      extra: { changeId: change.id, state: change.state },
    },
  );
}

/**
 * Applies a signed-off change, recording an infrastructure revision on every affected instance. Needs
 * `acknowledgeIrreversible: true` because "Once an infrastructure upgrade is applied, it cannot be undone."
 */
export async function applyInfrastructureChange(
  store: Store,
  actor: Actor,
  input: ApplyInfrastructureChangeInput,
): Promise<InfrastructureChange> {
  assertCan(actor, ACTION_PERMISSION.applyInfrastructure);
  const parsed = parseInput(ApplyInfrastructureChangeInput, input, 'apply request');
  if (parsed.acknowledgeIrreversible !== true) {
    throw new InputError(
      `Applying infrastructure change ${parsed.change} needs "acknowledgeIrreversible": true. The rollback policy says "${LAYER_POLICIES.infrastructure.reason}"`,
      {
        policy: 'infrastructure-final',
        remedy:
          'Send acknowledgeIrreversible: true (ratchet infra apply --acknowledge-irreversible) once you accept that there is no undo.',
      },
    );
  }
  if (parsed.override !== undefined) assertCan(actor, ACTION_PERMISSION.applyInfrastructureOutsideWindow);
  const outbox = outboxOf(store);
  return store.transaction(async (tx) => {
    const change = await loadChange(tx, actor, parsed.change);
    if (change.state === 'applied') throw alreadyApplied(change);
    const missing = missingParties(change);
    if (missing.length > 0) {
      throw new PolicyError(
        `Infrastructure change ${change.id} cannot be applied yet: it still needs ${missing.join(' and ')}. The rollback policy says "${BOTH_PARTIES_TEST}"`,
        {
          policy: 'infrastructure-tested-by-both',
          remedy:
            'Both parties test the change and record their sign-off (ratchet infra signoff), then apply it.',
          extra: { testedBy: change.testedBy },
        },
      );
    }
    const now = tx.now();
    const outsideWindow = !withinWindow(change, now);
    if (outsideWindow && parsed.override === undefined) throw outsideItsWindow(change, now);
    const content: InfrastructureContent = { changes: change.changes, description: change.title };
    for (const instanceId of change.instanceIds) {
      const instance = await tx.instances.get(instanceId);
      if (instance === null) continue;
      const recorded = await recordRevisionInTransaction(tx, actor, {
        instance: instance.id,
        layer: 'infrastructure',
        content,
        reason: `Infrastructure change ${change.id}: ${change.why}`,
      });
      await deployRevisionInTransaction(tx, actor, instance, recorded);
    }
    await tx.infrastructureChanges.markApplied(change.id, change.version, actor.userId, now);
    const after = await loadChange(tx, actor, change.id);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: change.tenantId,
        action: 'infrastructure.change.apply',
        target: `infrastructure-change:${change.id}`,
        before: { state: change.state },
        after: {
          state: after.state,
          appliedAt: after.appliedAt,
          acknowledgeIrreversible: true,
          ...(outsideWindow
            ? { outsideWindow: { windowStart: change.windowStart, windowEnd: change.windowEnd } }
            : {}),
        },
      }),
    );
    if (outsideWindow) {
      await tx.audit.append(
        auditedBy(actor, {
          tenantId: change.tenantId,
          action: 'infrastructure.change.apply.override',
          target: `infrastructure-change:${change.id}`,
          before: { windowStart: change.windowStart, windowEnd: change.windowEnd },
          after: { appliedAt: after.appliedAt, reason: parsed.override!.reason },
        }),
      );
    }
    await outbox.enqueue(tx.db, {
      topic: 'infrastructure.change.applied',
      eventId: `infrastructure-change:${change.id}:applied`,
      receivers: await customerAdmins(tx, change.tenantId),
      subject: `Infrastructure change applied: ${change.title}`,
      text: `"${change.title}" was applied at ${now}. It is final: any further change is a new forward change, planned and tested by both parties.`,
      data: { changeId: change.id, appliedAt: now },
    });
    return after;
  });
}

function withinWindow(change: InfrastructureChange, now: string): boolean {
  const at = Date.parse(now);
  return at >= Date.parse(change.windowStart) && at <= Date.parse(change.windowEnd);
}

/** Both parties planned and tested for the window; applying at another time is not what they agreed. */
function outsideItsWindow(change: InfrastructureChange, now: string): PolicyError {
  const when = Date.parse(now) < Date.parse(change.windowStart) ? 'has not opened yet' : 'has closed';
  return new PolicyError(
    `Infrastructure change ${change.id} ("${change.title}") is planned for the window ${change.windowStart} – ${change.windowEnd}, which ${when} (it is ${now}). The change is applied in the window both parties planned and tested for.`,
    {
      policy: 'infrastructure-window',
      remedy:
        'Apply it within its window, or plan it again with a new window; a provider-admin may apply it now with a reason (ratchet infra apply --override "..."), audited.',
      extra: { changeId: change.id, windowStart: change.windowStart, windowEnd: change.windowEnd, now },
    },
  );
}

/**
 * "Undo this change": always refused. An applied change is final; a planned one was never applied.
 * Nothing is written.
 */
export async function attemptInfrastructureUndo(
  store: Store,
  actor: Actor,
  input: InfrastructureChangeRefInput,
): Promise<never> {
  assertCan(actor, 'rollback.attempt');
  const parsed = parseInput(InfrastructureChangeRefInput, input, 'undo request');
  const change = await loadChange(store.repos, actor, parsed.change);
  if (change.state === 'applied') {
    const refusal = alreadyApplied(change);
    throw new PolicyError(`Undoing ${refusal.message.charAt(0).toLowerCase()}${refusal.message.slice(1)}`, {
      policy: 'infrastructure-final',
      remedy: refusal.remedy,
      extra: refusal.extra,
    });
  }
  throw new ConflictError(
    `Infrastructure change ${change.id} was never applied, so there is nothing to undo.`,
    {
      remedy: "Leave it unapplied, or plan a different change; applying needs both parties' sign-off.",
    },
  );
}

export async function getInfrastructureChange(
  store: Store,
  actor: Actor,
  id: string,
): Promise<InfrastructureChange> {
  assertCan(actor, 'infrastructure.change.read');
  return loadChange(store.repos, actor, id);
}

export async function listInfrastructureChanges(
  store: Store,
  actor: Actor,
  input: ListInfrastructureChangesInput = {},
): Promise<InfrastructureChange[]> {
  assertCan(actor, 'infrastructure.change.read');
  const parsed = parseInput(ListInfrastructureChangesInput, input, 'infrastructure change query');
  let tenantId: string | undefined;
  if (parsed.tenant !== undefined) {
    tenantId = (await resolveTenant(store.repos, actor, parsed.tenant)).id;
  } else if (!isProviderRole(actor.role)) {
    tenantId = actor.tenantId ?? '';
  }
  const rows = await store.repos.infrastructureChanges.list({
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(parsed.state === undefined ? {} : { state: parsed.state }),
  });
  const signoffs = await store.repos.infrastructureChanges.signoffsOf(rows.map((r) => r.id));
  return rows.map((row) =>
    toChange(
      row,
      signoffs.filter((s) => s.change_id === row.id),
    ),
  );
}
