import { withNames } from './names.js';
import type { DefectNames } from './names.js';
import { InputError, NotAllowedError, NotFoundError } from '../../domain/errors/index.js';
import { assertDefectStep, nextDefectSteps, SEVERITIES, slaClocks } from '../../domain/defects/index.js';
import type {
  Defect,
  NextDefectStep,
  Severity,
  SeverityDefinition,
  SlaClock,
} from '../../domain/defects/index.js';
import { assertCan, isProviderRole } from '../../domain/roles/index.js';
import { ACTION_PERMISSION } from '../action-rights.js';
import type { Actor } from '../../domain/roles/index.js';
import { compareSemver } from '../../domain/semver/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { newId } from '../../store/index.js';
import type { DefectsTable } from '../../store/tables/platform.js';
import { auditedBy } from '../audit.js';
import { outboxOf } from '../outbox.js';
import { resolveInstance, resolveTenant } from '../references.js';
import { parseInput } from '../schema.js';
import { progressDefect } from './progress.js';
import { findVisibleDefect } from './records.js';
import {
  CloseDefectInput,
  ConfigureSeverityInput,
  ConfirmDefectInput,
  LinkDefectInput,
  ListDefectsInput,
  ReopenDefectInput,
  ReportDefectInput,
  StartFixInput,
  TriageDefectInput,
} from './schema.js';

/** A defect as the API shows it: with its SLA clocks as of the store clock, computed at read time. */
export interface DefectView extends Defect, Partial<DefectNames> {
  severityName: string | null;
  sla: SlaClock[];
  /** True when any SLA clock is breached. */
  breached: boolean;
  /** The steps it may take next and who owns each (the dashboard offers these). */
  nextSteps: NextDefectStep[];
}

function view(defect: Defect, definitions: Record<Severity, SeverityDefinition>, now: Date): DefectView {
  const sla = slaClocks(defect, definitions, now);
  return {
    ...defect,
    severityName: defect.severity === null ? null : definitions[defect.severity].name,
    sla,
    breached: sla.some((c) => c.breached),
    nextSteps: nextDefectSteps(defect.state),
  };
}

async function named(store: Store, defect: DefectView): Promise<DefectView> {
  return (await withNames(store.repos.defects, [defect]))[0]!;
}

function target(defect: Defect): string {
  return `defect:${defect.id}`;
}

async function assertProviderUser(tx: Repositories, userId: string): Promise<void> {
  const user = await tx.users.get(userId);
  if (user !== null && isProviderRole(user.role)) return;
  throw new InputError(`Assignee "${userId}" is not a provider user.`, {
    remedy: 'Assign the defect to a provider engineer or support user (their user id).',
  });
}

/**
 * A customer reports a defect: "The customer reports the issue through the established support
 * channel." The response clock starts now.
 */
export async function reportDefect(
  store: Store,
  actor: Actor,
  input: ReportDefectInput,
): Promise<DefectView> {
  assertCan(actor, ACTION_PERMISSION.reportDefect);
  const parsed = parseInput(ReportDefectInput, input, 'defect report');
  const since = new Date(parsed.since);
  if (since.getTime() > store.now().getTime()) {
    throw new InputError(`"since" (${parsed.since}) is in the future.`, {
      remedy: 'Say when you first saw the problem: a date or date-time in the past.',
    });
  }
  const defect = await store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const now = tx.now();
    const row: DefectsTable = {
      id: newId('def'),
      tenant_id: instance.tenantId,
      instance_id: instance.id,
      reporter_user_id: actor.userId,
      title: parsed.title,
      observed: parsed.observed,
      since: since.toISOString(),
      suggested_severity: parsed.suggestedSeverity,
      severity: null,
      assignee_user_id: null,
      regressed_in: null,
      state: 'reported',
      close_outcome: null,
      close_reason: null,
      duplicate_of: null,
      fixed_by_release: null,
      reopen_count: 0,
      reported_at: now,
      triaged_at: null,
      deployed_at: null,
      resolved_at: null,
      closed_at: null,
      updated_at: now,
      version: 1,
    };
    const created = await tx.defects.insert(row);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'defect.report',
        target: target(created),
        before: null,
        after: created,
      }),
    );
    return created;
  });
  return named(store, view(defect, await store.repos.defects.severityDefinitions(), store.now()));
}

export async function getDefect(store: Store, actor: Actor, id: string): Promise<DefectView> {
  assertCan(actor, 'defect.read');
  const defect = await findVisibleDefect(store.repos, actor, id);
  return named(store, view(defect, await store.repos.defects.severityDefinitions(), store.now()));
}

/** Defects the caller may see (customers: their tenant), newest first. */
export async function listDefects(
  store: Store,
  actor: Actor,
  input: ListDefectsInput = {},
): Promise<DefectView[]> {
  assertCan(actor, 'defect.read');
  const parsed = parseInput(ListDefectsInput, input, 'defect query');
  let tenantId: string | undefined;
  if (parsed.tenant !== undefined) {
    tenantId = (await resolveTenant(store.repos, actor, parsed.tenant)).id;
  } else if (!isProviderRole(actor.role)) {
    tenantId = actor.tenantId ?? '';
  }
  const defects = await store.repos.defects.list({
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(parsed.state === undefined ? {} : { state: parsed.state }),
  });
  const definitions = await store.repos.defects.severityDefinitions();
  const now = store.now();
  return withNames(
    store.repos.defects,
    defects.map((defect) => view(defect, definitions, now)),
  );
}

/** One step of the process in one transaction: load, check the order, change, audit. */
async function step(
  store: Store,
  actor: Actor,
  id: string,
  action: string,
  change: (tx: Repositories, defect: Defect) => Promise<Defect>,
  /** What the step was told (a reason, a note): the activity history shows it (issue 17). */
  told: Record<string, unknown> = {},
): Promise<DefectView> {
  const updated = await store.transaction(async (tx) => {
    const defect = await findVisibleDefect(tx, actor, id);
    const after = await change(tx, defect);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: defect.tenantId,
        action,
        target: target(defect),
        before: { state: defect.state, severity: defect.severity, version: defect.version },
        after: {
          state: after.state,
          severity: after.severity,
          version: after.version,
          assigneeUserId: after.assigneeUserId,
          regressedIn: after.regressedIn,
          ...told,
        },
      }),
    );
    return after;
  });
  return named(store, view(updated, await store.repos.defects.severityDefinitions(), store.now()));
}

/**
 * "The Datacoves engineering team triages the issue and determines severity": severity 1-4, an
 * assignee and the release it regressed in. The response clock stops at the first triage.
 */
export async function triageDefect(
  store: Store,
  actor: Actor,
  input: TriageDefectInput,
): Promise<DefectView> {
  assertCan(actor, 'defect.triage');
  const parsed = parseInput(TriageDefectInput, input, 'triage');
  return step(store, actor, parsed.defect, 'defect.triage', async (tx, defect) => {
    assertDefectStep('triage', defect.state, defect.id);
    if (parsed.assignee !== undefined) await assertProviderUser(tx, parsed.assignee);
    if (parsed.regressedIn !== undefined && (await tx.platform.findRelease(parsed.regressedIn)) === null) {
      const known = (await tx.platform.listReleases()).map((r) => r.version);
      throw new InputError(`Platform release ${parsed.regressedIn} (regressedIn) was never published.`, {
        remedy: `Name a published release: ${known.join(', ') || '(none yet)'}.`,
      });
    }
    return tx.defects.update(
      defect,
      {
        state: 'triaged',
        severity: parsed.severity,
        ...(parsed.assignee !== undefined ? { assignee_user_id: parsed.assignee } : {}),
        ...(parsed.regressedIn !== undefined ? { regressed_in: parsed.regressedIn } : {}),
        triaged_at: defect.triagedAt ?? tx.now(),
      },
      tx.now(),
    );
  });
}

/** "A hotfix is developed": engineering takes the triaged defect on. */
export async function startDefectFix(store: Store, actor: Actor, input: StartFixInput): Promise<DefectView> {
  assertCan(actor, 'defect.fix');
  const parsed = parseInput(StartFixInput, input, 'fix start');
  return step(store, actor, parsed.defect, 'defect.fix-in-progress', async (tx, defect) => {
    assertDefectStep('start-fix', defect.state, defect.id);
    if (parsed.assignee !== undefined) await assertProviderUser(tx, parsed.assignee);
    return tx.defects.update(
      defect,
      {
        state: 'fix-in-progress',
        ...(parsed.assignee !== undefined ? { assignee_user_id: parsed.assignee } : {}),
      },
      tx.now(),
    );
  });
}

/**
 * Links a defect to the published hotfix release that fixes it. The defect then follows the
 * release's rollouts: fix-in-test on the test instance, deployed (reporter notified) on its instance.
 */
export async function linkDefect(store: Store, actor: Actor, input: LinkDefectInput): Promise<DefectView> {
  assertCan(actor, 'defect.fix');
  const parsed = parseInput(LinkDefectInput, input, 'defect link');
  const outbox = outboxOf(store);
  const updated = await store.transaction(async (tx) => {
    const defect = await findVisibleDefect(tx, actor, parsed.defect);
    assertDefectStep('link', defect.state, defect.id);
    const release = await tx.platform.findRelease(parsed.release);
    if (release === null) {
      throw new NotFoundError(`Platform release ${parsed.release} was not found.`, {
        remedy: 'Publish the hotfix first (ratchet platform release), then link the defect to it.',
      });
    }
    if (defect.regressedIn !== null && compareSemver(release.version, defect.regressedIn) <= 0) {
      throw new InputError(
        `Release ${release.version} cannot fix a defect that regressed in ${defect.regressedIn}: a fix is a new forward release.`,
        { remedy: `Link a release above ${defect.regressedIn}.`, policy: 'platform-forward-fix' },
      );
    }
    return progressDefect(tx, outbox, actor, defect, release.version);
  });
  return named(store, view(updated, await store.repos.defects.severityDefinitions(), store.now()));
}

/** Closed as not a defect or a duplicate, with a reason the customer sees. */
export async function closeDefect(store: Store, actor: Actor, input: CloseDefectInput): Promise<DefectView> {
  assertCan(actor, 'defect.close');
  const parsed = parseInput(CloseDefectInput, input, 'defect closing');
  return step(
    store,
    actor,
    parsed.defect,
    `defect.close.${parsed.as}`,
    async (tx, defect) => {
      assertDefectStep('close', defect.state, defect.id);
      if (parsed.duplicateOf !== undefined) {
        const original = await findVisibleDefect(tx, actor, parsed.duplicateOf);
        if (original.id === defect.id) {
          throw new InputError('A defect cannot duplicate itself.', {
            remedy: 'Name the other defect in duplicateOf.',
          });
        }
      }
      return tx.defects.update(
        defect,
        {
          state: 'closed',
          close_outcome: parsed.as,
          close_reason: parsed.reason,
          duplicate_of: parsed.duplicateOf ?? null,
          closed_at: tx.now(),
        },
        tx.now(),
      );
    },
    { reason: parsed.reason, duplicateOf: parsed.duplicateOf ?? null },
  );
}

function assertMayConfirm(actor: Actor, defect: Defect): void {
  if (actor.role === 'customer-admin' || actor.userId === defect.reporterUserId) return;
  throw new NotAllowedError(
    `Only the reporter of defect ${defect.id} or a customer-admin of the tenant may confirm or reopen it.`,
    {
      remedy: 'Ask the reporter or your customer-admin.',
      extra: { allowedRoles: ['customer-admin'], reporter: defect.reporterUserId },
    },
  );
}

/** "The customer validates ... and confirms resolution." */
export async function resolveDefect(
  store: Store,
  actor: Actor,
  input: ConfirmDefectInput,
): Promise<DefectView> {
  assertCan(actor, 'defect.confirm');
  const parsed = parseInput(ConfirmDefectInput, input, 'resolution');
  return step(
    store,
    actor,
    parsed.defect,
    'defect.resolve',
    async (tx, defect) => {
      assertMayConfirm(actor, defect);
      assertDefectStep('resolve', defect.state, defect.id);
      return tx.defects.update(defect, { state: 'resolved', resolved_at: tx.now() }, tx.now());
    },
    { note: parsed.note ?? null },
  );
}

/** The fix did not hold (or the closing reason does not): back to the provider, severity kept. */
export async function reopenDefect(
  store: Store,
  actor: Actor,
  input: ReopenDefectInput,
): Promise<DefectView> {
  assertCan(actor, 'defect.confirm');
  const parsed = parseInput(ReopenDefectInput, input, 'reopening');
  return step(
    store,
    actor,
    parsed.defect,
    'defect.reopen',
    async (tx, defect) => {
      assertMayConfirm(actor, defect);
      assertDefectStep('reopen', defect.state, defect.id);
      return tx.defects.update(
        defect,
        {
          state: defect.severity === null ? 'reported' : 'triaged',
          fixed_by_release: null,
          deployed_at: null,
          resolved_at: null,
          closed_at: null,
          close_outcome: null,
          close_reason: null,
          duplicate_of: null,
          reopen_count: defect.reopenCount + 1,
        },
        tx.now(),
      );
    },
    { reason: parsed.reason },
  );
}

export async function listSeverities(store: Store, actor: Actor): Promise<SeverityDefinition[]> {
  assertCan(actor, 'defect.read');
  const definitions = await store.repos.defects.severityDefinitions();
  return SEVERITIES.map((s) => definitions[s]);
}

/** Stores one severity's definition and SLA targets (provider admin). */
export async function configureSeverity(
  store: Store,
  actor: Actor,
  input: ConfigureSeverityInput,
): Promise<SeverityDefinition> {
  assertCan(actor, 'defect.severity.configure');
  const parsed = parseInput(ConfigureSeverityInput, input, 'severity definition');
  if (parsed.resolutionMinutes < parsed.responseMinutes) {
    throw new InputError('The resolution target is shorter than the response target.', {
      remedy: 'Give resolutionMinutes at least responseMinutes.',
    });
  }
  return store.transaction(async (tx) => {
    const before = (await tx.defects.severityDefinitions())[parsed.severity];
    const after: SeverityDefinition = {
      severity: parsed.severity,
      name: parsed.name,
      definition: parsed.definition,
      responseMinutes: parsed.responseMinutes,
      resolutionMinutes: parsed.resolutionMinutes,
    };
    await tx.defects.saveSeverityDefinition(after, tx.now());
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: null,
        action: 'defect.severity.configure',
        target: `severity:${parsed.severity}`,
        before,
        after,
      }),
    );
    return after;
  });
}
