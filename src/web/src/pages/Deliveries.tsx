import { useState } from 'react';
import { api, seg } from '../api';
import { useAction, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, OwnedBy, Section, Table, When } from '../components';
import type { Me } from '../types';

const FAILED = '/api/v1/deliveries/failed';
const REQUEUE = '/api/v1/deliveries/{deliveryId}/requeue';

interface FailedDelivery {
  id: string;
  topic: string;
  receiverId: string;
  channel: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/**
 * Notifications parked as failed after their last retry (issue 8: "parked as failed and visible in
 * the API and dashboard"), for provider roles; nothing renders when the server has no such route.
 */
export function FailedDeliveriesPanel({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  if (!offers(capabilities, FAILED)) return null;
  return (
    <Section title="Failed notifications" id="failed-deliveries">
      <FailedDeliveries me={me} canRequeue={offers(capabilities, REQUEUE, 'post')} />
    </Section>
  );
}

function FailedDeliveries({ me, canRequeue }: { me: Me; canRequeue: boolean }) {
  const data = useAsync(() => api<{ deliveries: FailedDelivery[] }>(FAILED), []);
  const { error, run } = useAction();
  const [requeued, setRequeued] = useState<string | null>(null);
  if (data.state === 'loading') return <Loading what="failed notifications" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  const { deliveries } = data.data;
  // Who may requeue: GET /api/v1/me says, from the permission requeueDelivery asserts.
  const mayRequeue = canRequeue && me.may.requeueDelivery.allowed;

  function requeue(delivery: FailedDelivery): Promise<void> {
    return run(async () => {
      await api(`/api/v1/deliveries/${seg(delivery.id)}/requeue`, { method: 'POST' });
      setRequeued(delivery.subject);
      data.reload();
    });
  }

  return (
    <>
      {requeued ? (
        <p role="status" className="small">
          Requeued “{requeued}”: the outbox retries it with the same idempotency key.
        </p>
      ) : null}
      {deliveries.length === 0 ? (
        <Empty>No notification is parked: every delivery went out or is still being retried.</Empty>
      ) : (
        <div className="table-wrap">
          <Table
            caption="Failed notifications"
            columns={[
              'Topic',
              'Receiver',
              'Channel',
              'Attempts',
              'Last error',
              'Queued',
              <span className="visually-hidden">Action</span>,
            ]}
          >
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-testid="failed-delivery">
                <th scope="row" className="wrap">
                  {delivery.topic}
                  <span className="muted small wrap"> — {delivery.subject}</span>
                </th>
                <td className="wrap">{delivery.receiverId}</td>
                <td>{delivery.channel}</td>
                <td>{delivery.attempts}</td>
                <td className="wrap small">{delivery.lastError ?? '—'}</td>
                <td>
                  <When at={delivery.createdAt} />
                </td>
                <td>
                  {mayRequeue ? (
                    <button type="button" onClick={() => void requeue(delivery)}>
                      Requeue
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
      {!mayRequeue && deliveries.length > 0 ? (
        <OwnedBy step="Requeue" roles={[...me.may.requeueDelivery.roles]} />
      ) : null}
      {error ? <ErrorBox error={error} title="The notification was not requeued" /> : null}
    </>
  );
}
