import { api } from '../api';
import { useAsync } from '../async';
import { firstOffered, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, StatusBadge, When } from '../components';
import { firstArray, text } from '../loose';
import type { Me } from '../types';

const CHANGES = ['/api/v1/infrastructure-changes', '/api/v1/infrastructure/changes'];

export function InfrastructureChangesPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  const route = firstOffered(capabilities, CHANGES);
  return (
    <>
      <h1>Infrastructure changes</h1>
      <p className="lede">
        Infrastructure changes cannot be undone once applied: both sides plan and test them, and sign off
        before they are applied.
      </p>
      {route ? (
        <ChangeList route={route} me={me} />
      ) : (
        <NotAvailable what="Infrastructure change planning" route="GET /api/v1/infrastructure-changes" />
      )}
    </>
  );
}

function ChangeList({ route }: { route: string; me: Me }) {
  const changes = useAsync(async () => firstArray(await api<unknown>(route)), [route]);
  if (changes.state === 'loading') return <Loading what="infrastructure changes" />;
  if (changes.state === 'error') return <ErrorBox error={changes.error} />;
  if (changes.data.length === 0) return <Empty>No infrastructure changes planned.</Empty>;
  return (
    <div className="table-wrap card">
      <table>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">State</th>
            <th scope="col">Provider sign-off</th>
            <th scope="col">Customer sign-off</th>
            <th scope="col">Planned</th>
          </tr>
        </thead>
        <tbody>
          {changes.data.map((change) => (
            <tr key={text(change, 'id')}>
              <th scope="row" className="wrap">
                {text(change, 'title', 'description', 'summary') ?? text(change, 'id')}
              </th>
              <td>
                <StatusBadge status={text(change, 'state', 'status') ?? 'unknown'} />
              </td>
              <td>
                {text(change, 'providerSignedOffBy', 'providerSignOff') ?? (
                  <span className="muted">pending</span>
                )}
              </td>
              <td>
                {text(change, 'customerSignedOffBy', 'customerSignOff') ?? (
                  <span className="muted">pending</span>
                )}
              </td>
              <td>
                <When at={text(change, 'plannedFor', 'plannedAt', 'createdAt')} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
