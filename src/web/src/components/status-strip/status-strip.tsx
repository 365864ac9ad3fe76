import { api, seg } from '../../api';
import { useAsync } from '../../async';
import { LAYER_TITLE } from '../../layers';
import { Link } from '../../router';
import type { InFlightItem, InstanceStrip } from '../../types';
import { ErrorBox, Loading } from '../feedback';
import { When } from '../when';

/** Where a change's page is in the dashboard. */
function changePath(change: NonNullable<InFlightItem['change']>): string {
  switch (change.kind) {
    case 'rollback':
      return `/rollback-requests/${seg(change.id)}`;
    case 'upgrade':
      return `/upgrades/${seg(change.id)}`;
    case 'defect':
      return '/defects';
    case 'infrastructure':
      return '/infrastructure-changes';
  }
}

function badgeOf(item: InFlightItem): string {
  if (item.breached) return 'badge badge-failed';
  if (item.kind === 'rollback-pin') return 'badge badge-kind';
  return 'badge badge-pending';
}

function Item({ item }: { item: InFlightItem }) {
  return (
    <li data-testid="in-flight">
      <span className={badgeOf(item)}>{item.breached ? `${item.state}, SLA breached` : item.state}</span>{' '}
      {item.change ? <Link to={changePath(item.change)}>{item.title}</Link> : <strong>{item.title}</strong>}
      {item.detail ? <div className="muted small">{item.detail}</div> : null}
    </li>
  );
}

/**
 * Per layer what runs and what is in flight (issue 17): the infrastructure change with its sign-offs
 * and window, defects with their SLA clock, rollback pins with expiry and follow-up, deployments.
 */
export function StatusStrip({ strip }: { strip: InstanceStrip }) {
  return (
    <div
      className="status-strip"
      aria-label={`What is in flight on ${strip.instance.name}`}
      data-testid="status-strip"
    >
      {strip.layers.map((layer) => (
        <div key={layer.layer} className="strip-layer" data-testid={`strip-${layer.layer}`}>
          <h3>{LAYER_TITLE[layer.layer]}</h3>
          <p className="small">
            {layer.current ? (
              <>
                <strong>{layer.current.summary}</strong>{' '}
                <span className="muted">
                  revision {layer.current.revision}, since <When at={layer.current.since} />
                </span>
              </>
            ) : (
              <span className="muted">nothing deployed yet</span>
            )}
          </p>
          {layer.inFlight.length === 0 ? (
            <p className="small strip-quiet">Nothing in flight.</p>
          ) : (
            <ul className="small">
              {layer.inFlight.map((item) => (
                <Item key={`${item.kind}-${item.id}`} item={item} />
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

/** The fleet's compact form: how many things are in flight and what they are, layer by layer. */
export function InFlightSummary({ strip }: { strip: InstanceStrip }) {
  if (strip.inFlight === 0) return <span className="muted small">Nothing in flight</span>;
  return (
    <div data-testid="in-flight-summary">
      <strong>{strip.inFlight} in flight</strong>
      <ul className="plain-list small">
        {strip.layers.flatMap((layer) =>
          layer.inFlight.map((item) => (
            <li key={`${item.kind}-${item.id}`} data-testid="in-flight">
              <span className="muted">{LAYER_TITLE[layer.layer]}:</span>{' '}
              {item.change ? <Link to={changePath(item.change)}>{item.title}</Link> : item.title}{' '}
              <span className={badgeOf(item)}>{item.breached ? 'SLA breached' : item.state}</span>
              {item.due ? (
                <span className="muted">
                  {' '}
                  ·{' '}
                  {item.kind === 'rollback-pin'
                    ? 'until'
                    : item.kind === 'infrastructure-change'
                      ? 'window'
                      : 'due'}{' '}
                  <When at={item.due} />
                </span>
              ) : null}
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

/** The instance page's strip: loads `/api/v1/instances/{id}/status` and shows it in a card. */
export function InstanceStatusStrip({ instanceId }: { instanceId: string }) {
  const data = useAsync(
    () => api<InstanceStrip>(`/api/v1/instances/${seg(instanceId)}/status`),
    [instanceId],
  );
  return (
    <section className="card" aria-labelledby="in-flight-heading">
      <h2 id="in-flight-heading">In flight</h2>
      {data.state === 'loading' ? <Loading what="what is in flight" /> : null}
      {data.state === 'error' ? (
        <ErrorBox error={data.error} title="What is in flight could not be read" />
      ) : null}
      {data.state === 'ready' ? <StatusStrip strip={data.data} /> : null}
    </section>
  );
}
