import { useMemo } from 'react';
import { api, seg } from '../api';
import { useAsync } from '../async';
import { firstOffered, offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, StatusBadge, Table, When } from '../components';
import { currentRevision, latestRevision, summarise } from '../layers';
import { InFlightSummary } from '../components/status-strip';
import { Link } from '../router';
import type { Defect, Instance, InstanceStrip, Me, Revision, Tenant } from '../types';
import { FailedDeliveriesPanel } from './Deliveries';
import { LAYERS } from '../layers';
import { isProviderRole } from '../roles';

interface InstanceRow {
  instance: Instance;
  revisions: Record<string, Revision[]>;
}

interface FleetData {
  tenants: Tenant[];
  rows: InstanceRow[];
  openRequests: Map<string, number> | null;
  /** What is in flight per instance (issue 17); null on a server without the status route. */
  strips: Map<string, InstanceStrip> | null;
  slaBreaches: Map<string, number> | null;
}

const REQUEST_LISTS = {
  rollback: '/api/v1/instances/{instanceId}/image/rollback-requests',
  upgrade: '/api/v1/instances/{instanceId}/image/upgrade-requests',
} as const;
const DEFECT_LIST = ['/api/v1/defects'];
const FLEET_STATUS = '/api/v1/fleet/status';
// src/workflows/image/types.ts FINISHED_STATES: after these the instance is free again.
const FINISHED = new Set(['rejected', 'resolved', 'completed']);

/** Open image requests per instance: rollbacks and upgrades, of the kinds this server offers. */
async function countOpenRequests(
  instances: Instance[],
  kinds: readonly ('rollback' | 'upgrade')[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(
    instances.flatMap((instance) =>
      kinds.map(async (kind) => {
        const body = await api<{ requests: { state: string }[] }>(
          `/api/v1/instances/${seg(instance.id)}/image/${kind}-requests`,
        );
        const open = body.requests.filter((r) => !FINISHED.has(r.state)).length;
        counts.set(instance.id, (counts.get(instance.id) ?? 0) + open);
      }),
    ),
  );
  return counts;
}

async function countBreaches(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const { defects } = await api<{ defects: Defect[] }>(path);
  for (const defect of defects) {
    if (!defect.sla.some((clock) => clock.breached)) continue;
    counts.set(defect.tenantId, (counts.get(defect.tenantId) ?? 0) + 1);
  }
  return counts;
}

export function FleetPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  // Memoised on the capabilities (state held by App) so the fleet loads again only when they change.
  const requestKinds = useMemo(
    () => (['rollback', 'upgrade'] as const).filter((kind) => offers(capabilities, REQUEST_LISTS[kind])),
    [capabilities],
  );
  const defectList = firstOffered(capabilities, DEFECT_LIST);
  const withStrips = offers(capabilities, FLEET_STATUS);
  const fleet = useAsync<FleetData>(async () => {
    const [{ tenants }, { instances }] = await Promise.all([
      api<{ tenants: Tenant[] }>('/api/v1/tenants'),
      api<{ instances: Instance[] }>('/api/v1/instances'),
    ]);
    const rows = await Promise.all(
      instances.map(async (instance) => {
        const revisions: Record<string, Revision[]> = {};
        await Promise.all(
          LAYERS.map(async (layer) => {
            const body = await api<{ revisions: Revision[] }>(
              `/api/v1/instances/${seg(instance.id)}/layers/${layer}/revisions`,
            );
            revisions[layer] = body.revisions;
          }),
        );
        return { instance, revisions };
      }),
    );
    const [openRequests, strips, slaBreaches] = await Promise.all([
      // The strips say more than a count of open requests; the count is for servers without them.
      requestKinds.length > 0 && !withStrips
        ? countOpenRequests(instances, requestKinds).catch(() => null)
        : null,
      withStrips
        ? api<{ instances: InstanceStrip[] }>(FLEET_STATUS).then(
            (r) => new Map(r.instances.map((strip) => [strip.instance.id, strip])),
            () => null,
          )
        : null,
      defectList ? countBreaches(defectList).catch(() => null) : null,
    ]);
    return { tenants, rows, openRequests, strips, slaBreaches };
  }, [requestKinds, defectList, withStrips]);

  const provider = isProviderRole(me.role);
  return (
    <>
      <h1>{provider ? 'Fleet' : 'Your tenant'}</h1>
      <p className="lede">
        {provider
          ? 'Every customer tenant, its instances, and what each of the three layers runs right now.'
          : 'Your instances and what each of the three layers runs right now.'}
      </p>
      {fleet.state === 'loading' ? <Loading what="the fleet" /> : null}
      {fleet.state === 'error' ? <ErrorBox error={fleet.error} /> : null}
      {fleet.state === 'ready' ? (
        fleet.data.tenants.length === 0 ? (
          <Empty>No tenants yet. A provider admin creates one with `ratchet tenants create`.</Empty>
        ) : (
          fleet.data.tenants.map((tenant) => <TenantCard key={tenant.id} tenant={tenant} data={fleet.data} />)
        )
      ) : null}
      {provider ? <FailedDeliveriesPanel me={me} /> : null}
    </>
  );
}

function TenantCard({ tenant, data }: { tenant: Tenant; data: FleetData }) {
  const rows = data.rows.filter((row) => row.instance.tenantId === tenant.id);
  const breaches = data.slaBreaches?.get(tenant.id) ?? 0;
  return (
    <section className="card" aria-labelledby={`tenant-${tenant.id}`} data-testid="tenant">
      <div className="card-head">
        <h2 id={`tenant-${tenant.id}`}>
          {tenant.name} <span className="muted slug">{tenant.slug}</span>
        </h2>
        {data.slaBreaches ? (
          <span className={breaches > 0 ? 'badge badge-failed' : 'badge badge-deployed'}>
            {breaches > 0 ? `${String(breaches)} SLA breach${breaches === 1 ? '' : 'es'}` : 'No SLA breaches'}
          </span>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <Empty>No instances yet.</Empty>
      ) : (
        <div className="table-wrap">
          <Table
            caption={`Instances of ${tenant.name}`}
            columns={[
              'Instance',
              'Infrastructure',
              'Platform',
              'Image',
              'Last deployment',
              data.strips ? 'In flight' : 'Open requests',
            ]}
          >
            {rows.map(({ instance, revisions }) => {
              const all = LAYERS.flatMap((layer) => revisions[layer] ?? []);
              const last = all.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
              return (
                <tr key={instance.id}>
                  <th scope="row">
                    <Link to={`/instances/${seg(instance.id)}`}>{instance.name}</Link>
                    <div className="muted small">{instance.kind}</div>
                  </th>
                  {LAYERS.map((layer) => {
                    const current = currentRevision(revisions[layer] ?? []);
                    const latest = latestRevision(revisions[layer] ?? []);
                    return (
                      <td key={layer}>
                        <span className="wrap">{summarise(layer, current)}</span>
                        {current ? <div className="muted small">revision {current.number}</div> : null}
                        {latest && latest !== current ? (
                          <div className="small">
                            r{latest.number} <StatusBadge status={latest.status} />
                          </div>
                        ) : null}
                      </td>
                    );
                  })}
                  <td>
                    {last ? (
                      <>
                        <StatusBadge status={last.status} />
                        <div className="muted small">
                          {last.layer} r{last.number}, <When at={last.statusChangedAt ?? last.createdAt} />
                        </div>
                      </>
                    ) : (
                      <span className="muted">never deployed</span>
                    )}
                  </td>
                  <td className="in-flight-cell">
                    {data.strips?.get(instance.id) ? (
                      <InFlightSummary strip={data.strips.get(instance.id)!} />
                    ) : data.openRequests ? (
                      String(data.openRequests.get(instance.id) ?? 0)
                    ) : (
                      <span className="muted small">not available</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </Table>
        </div>
      )}
    </section>
  );
}
