import type { Defect } from '../../domain/defects/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { readableTime } from '../../domain/time/index.js';
import type { Store } from '../../store/index.js';
import { listDefects } from '../defects/index.js';
import type { DefectView } from '../defects/index.js';
import { FINISHED_STATES, imageWorkflowRepository, NEXT_STEPS } from '../image/index.js';
import type { ImageChangeRecord } from '../image/index.js';
import { listInfrastructureChanges } from '../infrastructure/index.js';
import type { InfrastructureChange } from '../infrastructure/index.js';
import { listInstances } from '../instances.js';
import { resolveInstance } from '../references.js';
import { revisionSummary } from './summary.js';
import type { InFlightItem, InstanceStrip, LayerStrip, StripLayer } from './types.js';

const LAYERS: readonly StripLayer[] = ['infrastructure', 'platform', 'image'];
// Defects still under way: "resolved" and "closed" are done.
const DONE_DEFECTS: readonly Defect['state'][] = ['resolved', 'closed'];

function item(
  fields: Omit<InFlightItem, 'breached' | 'due' | 'change'> & Partial<InFlightItem>,
): InFlightItem {
  return { due: null, breached: false, change: null, ...fields };
}

function infrastructureItem(change: InfrastructureChange): InFlightItem {
  const signoff = (party: 'provider' | 'customer'): string => {
    const by = change.signoffs.find((s) => s.party === party);
    return by === undefined ? `${party} sign-off waiting` : `${party} signed off by ${by.userName}`;
  };
  return item({
    kind: 'infrastructure-change',
    id: change.id,
    title: change.title,
    state: change.state,
    detail: `${signoff('provider')}; ${signoff('customer')}; window ${readableTime(change.windowStart)} – ${readableTime(change.windowEnd)}`,
    due: change.windowStart,
    change: { kind: 'infrastructure', id: change.id },
  });
}

function defectItem(defect: DefectView): InFlightItem {
  const running = defect.sla.find((clock) => clock.metAt === null);
  const severity =
    defect.severity === null
      ? `suggested S${String(defect.suggestedSeverity)}`
      : `S${String(defect.severity)}`;
  const clock =
    running === undefined
      ? 'SLA clocks met'
      : running.breached
        ? `${running.clock} SLA breached (due ${readableTime(running.targetAt)})`
        : `${running.clock} due ${readableTime(running.targetAt)}`;
  const fix = defect.fixedByRelease === null ? '' : `; hotfix ${defect.fixedByRelease}`;
  return item({
    kind: 'defect',
    id: defect.id,
    title: `${severity} ${defect.title}`,
    state: defect.state,
    detail: `${clock}${fix}`,
    due: running?.targetAt ?? null,
    breached: defect.breached,
    change: { kind: 'defect', id: defect.id },
  });
}

function imageChangeItem(change: ImageChangeRecord): InFlightItem {
  const next = NEXT_STEPS[change.kind][change.state];
  return item({
    kind: 'image-change',
    id: change.id,
    title: `${change.kind === 'rollback' ? 'Rollback' : 'Upgrade'}: ${change.requests.join(', ')}`,
    state: change.state,
    detail: next === undefined ? '' : `next: ${next.step} (${next.roles.join(' or ')})`,
    change: { kind: change.kind, id: change.id },
  });
}

interface FleetFacts {
  defects: DefectView[];
  infrastructure: InfrastructureChange[];
  tenantSlugs: Map<string, string>;
  now: string;
}

async function imageItems(store: Store, instance: Instance, now: string): Promise<InFlightItem[]> {
  const repo = imageWorkflowRepository(store.repos);
  const [changes, pins, followUps, trials] = await Promise.all([
    repo.listChanges({ instanceId: instance.id }),
    repo.activePins(instance.id, now),
    repo.listFollowUps(instance.id, 'open'),
    store.repos.imageTrials.listInStates(['queued', 'running'], instance.id),
  ]);
  const items = changes.filter((c) => !FINISHED_STATES.includes(c.state)).map(imageChangeItem);
  for (const pin of pins) {
    const followUp = followUps.find((f) => f.changeId === pin.changeId && f.package === pin.package);
    items.push(
      item({
        kind: 'rollback-pin',
        id: pin.id,
        title: `${pin.package} held at ${pin.pinnedVersion}`,
        state: 'holding',
        detail: `upgrades of ${pin.package} refused until ${readableTime(pin.expiresAt)}; forward-fix follow-up ${followUp === undefined ? 'closed' : 'open'}`,
        due: pin.expiresAt,
        change: { kind: 'rollback', id: pin.changeId },
      }),
    );
  }
  for (const followUp of followUps) {
    if (pins.some((p) => p.changeId === followUp.changeId && p.package === followUp.package)) continue;
    items.push(
      item({
        kind: 'forward-fix',
        id: followUp.id,
        title: `Forward fix of ${followUp.package}`,
        state: followUp.status,
        detail: `the pin at ${followUp.pinnedVersion} expired; move ${followUp.package} forward again`,
        change: { kind: 'rollback', id: followUp.changeId },
      }),
    );
  }
  for (const trial of trials) {
    const progress = JSON.parse(trial.progress) as { done?: number; total?: number; step?: string };
    items.push(
      item({
        kind: 'trial',
        id: trial.id,
        title: `Trial: ${(JSON.parse(trial.requests) as string[]).join(', ')}`,
        state: trial.state,
        detail:
          progress.total === undefined
            ? ''
            : `${String(progress.done ?? 0)} of ${String(progress.total)}${progress.step ? `: ${progress.step}` : ''}`,
      }),
    );
  }
  return items;
}

async function stripOf(store: Store, instance: Instance, facts: FleetFacts): Promise<InstanceStrip> {
  const layers: LayerStrip[] = [];
  for (const layer of LAYERS) {
    const revisions = await store.repos.revisions.list(instance.id, layer);
    const current = await store.repos.revisions.current(instance.id, layer);
    const inFlight: InFlightItem[] = revisions
      .filter((r) => r.status === 'pending')
      .map((r) =>
        item({
          kind: 'deployment',
          id: r.id,
          title: `Revision ${String(r.number)}: ${revisionSummary(r)}`,
          state: 'pending',
          detail: `with the deployer since ${readableTime(r.createdAt)}`,
        }),
      );
    if (layer === 'infrastructure') {
      inFlight.push(
        ...facts.infrastructure.filter((c) => c.instanceIds.includes(instance.id)).map(infrastructureItem),
      );
    } else if (layer === 'platform') {
      inFlight.push(...facts.defects.filter((d) => d.instanceId === instance.id).map(defectItem));
    } else {
      inFlight.push(...(await imageItems(store, instance, facts.now)));
    }
    layers.push({
      layer,
      current:
        current === null
          ? null
          : {
              revision: current.number,
              summary: revisionSummary(current),
              since: current.statusChangedAt ?? current.createdAt,
            },
      inFlight,
    });
  }
  return {
    instance: {
      id: instance.id,
      name: instance.name,
      kind: instance.kind,
      tenantId: instance.tenantId,
      tenantSlug: facts.tenantSlugs.get(instance.tenantId) ?? null,
    },
    layers,
    inFlight: layers.reduce((n, l) => n + l.inFlight.length, 0),
  };
}

async function factsFor(store: Store, actor: Actor, instances: readonly Instance[]): Promise<FleetFacts> {
  const [defects, infrastructure] = await Promise.all([
    listDefects(store, actor, {}),
    listInfrastructureChanges(store, actor, { state: 'planned' }),
  ]);
  const tenantSlugs = new Map<string, string>();
  for (const tenantId of new Set(instances.map((i) => i.tenantId))) {
    const tenant = await store.repos.tenants.get(tenantId);
    if (tenant !== null) tenantSlugs.set(tenantId, tenant.slug);
  }
  return {
    defects: defects.filter((d) => !DONE_DEFECTS.includes(d.state)),
    infrastructure,
    tenantSlugs,
    now: store.now().toISOString(),
  };
}

/**
 * What is in flight on every instance the caller may see (issue 17): per layer the deployed revision
 * and what is under way (infrastructure changes with their sign-offs and window, defects with their
 * SLA clock, rollback pins with expiry and follow-up, image changes, trials, pending deployments).
 */
export async function fleetStatus(
  store: Store,
  actor: Actor,
  input: { tenant?: string } = {},
): Promise<InstanceStrip[]> {
  assertCan(actor, 'instance.read');
  const instances = await listInstances(store, actor, input);
  const facts = await factsFor(store, actor, instances);
  const strips: InstanceStrip[] = [];
  for (const instance of instances) strips.push(await stripOf(store, instance, facts));
  return strips;
}

/** The status strip of one instance (another tenant's instance is not found). */
export async function instanceStatus(
  store: Store,
  actor: Actor,
  instanceRef: string,
): Promise<InstanceStrip> {
  assertCan(actor, 'instance.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  return stripOf(store, instance, await factsFor(store, actor, [instance]));
}
