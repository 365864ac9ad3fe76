import { api, seg } from '../api';
import { useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, When } from '../components';
import { Link } from '../router';
import type { Instance, Me } from '../types';

const DEFECTS = '/api/v1/defects';
// src/domain/defects/types.ts: the forward-only defect process, in order.
const COLUMNS = ['reported', 'triaged', 'fix-in-progress', 'fix-in-test', 'deployed', 'resolved', 'closed'];

export interface SlaClock {
  clock: 'response' | 'resolution';
  targetAt: string;
  metAt: string | null;
  breached: boolean;
}

export interface Defect {
  id: string;
  tenantId: string;
  instanceId: string;
  title: string;
  observed: string;
  since: string;
  suggestedSeverity: number;
  severity: number | null;
  severityName: string | null;
  state: string;
  closeReason: string | null;
  fixedByRelease: string | null;
  reportedAt: string;
  sla: SlaClock[];
}

export function DefectsPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  return (
    <>
      <h1>Defects</h1>
      <p className="lede">
        Platform defects are fixed forward: the customer reports, the provider triages and sets the severity,
        a hotfix ships as a new release, the customer confirms.
      </p>
      {offers(capabilities, DEFECTS) ? (
        <DefectBoard me={me} />
      ) : (
        <NotAvailable what="Defect tracking" route={`GET ${DEFECTS}`} />
      )}
    </>
  );
}

function DefectBoard({ me }: { me: Me }) {
  const data = useAsync(async () => {
    const [{ defects }, { instances }] = await Promise.all([
      api<{ defects: Defect[] }>(DEFECTS),
      api<{ instances: Instance[] }>('/api/v1/instances'),
    ]);
    return { defects, names: new Map(instances.map((i) => [i.id, i.name])) };
  }, []);
  if (data.state === 'loading') return <Loading what="defects" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  const { defects, names } = data.data;
  if (defects.length === 0) {
    return (
      <Empty>
        No defects reported.{' '}
        {me.role.startsWith('customer-')
          ? 'Report one through the support channel (ratchet defects report).'
          : 'Customers report them through the support channel.'}
      </Empty>
    );
  }
  const states = [...new Set([...COLUMNS, ...defects.map((d) => d.state)])].filter((s) =>
    defects.some((d) => d.state === s),
  );
  return (
    <div className="board">
      {states.map((state) => (
        <section key={state} className="board-column card" aria-labelledby={`col-${state}`}>
          <h2 id={`col-${state}`} className="h3">
            {state} ({defects.filter((d) => d.state === state).length})
          </h2>
          <ul className="plain-list">
            {defects
              .filter((d) => d.state === state)
              .map((defect) => (
                <DefectCard key={defect.id} defect={defect} instanceName={names.get(defect.instanceId)} />
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function DefectCard({ defect, instanceName }: { defect: Defect; instanceName: string | undefined }) {
  const severity = defect.severity ?? defect.suggestedSeverity;
  return (
    <li className="defect" data-testid="defect">
      <p className="wrap">
        <strong>{defect.title}</strong>
      </p>
      <p className="small">
        <span className="badge badge-kind">
          S{severity}
          {defect.severityName ? ` ${defect.severityName}` : ''}
          {defect.severity === null ? ' (suggested)' : ''}
        </span>{' '}
        on{' '}
        {instanceName ? (
          <Link to={`/instances/${seg(defect.instanceId)}`}>{instanceName}</Link>
        ) : (
          defect.instanceId
        )}
      </p>
      <p className="small wrap">{defect.observed}</p>
      <ul className="small clocks" aria-label="SLA clocks">
        {defect.sla.map((clock) => (
          <li key={clock.clock}>
            {clock.clock}:{' '}
            {clock.breached ? (
              <span className="badge badge-failed">breached</span>
            ) : clock.metAt ? (
              <span className="badge badge-deployed">met</span>
            ) : (
              <span className="badge badge-pending">running</span>
            )}{' '}
            <span className="muted">
              target <When at={clock.targetAt} />
            </span>
          </li>
        ))}
      </ul>
      {defect.fixedByRelease ? <p className="small">Fixed by release {defect.fixedByRelease}</p> : null}
    </li>
  );
}
