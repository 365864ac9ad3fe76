import { api } from '../api';
import { useAsync } from '../async';
import { ErrorBox, Loading, Section, Table } from '../components';
import type { PolicyDocument } from '../types';

export function PolicyPage() {
  const policy = useAsync(() => api<PolicyDocument>('/api/v1/policy'), []);
  return (
    <>
      <h1>Rollback policy</h1>
      <p className="lede">
        The rules Ratchet enforces on every change: what each layer allows, and who is responsible for what.
      </p>
      {policy.state === 'loading' ? <Loading what="the policy" /> : null}
      {policy.state === 'error' ? <ErrorBox error={policy.error} /> : null}
      {policy.state === 'ready' ? (
        <>
          <div className="layer-grid">
            {policy.data.layers.map((layer) => (
              <section key={layer.layer} className="card" aria-labelledby={`policy-${layer.layer}`}>
                <h2 id={`policy-${layer.layer}`} className="h3">
                  {layer.title}
                </h2>
                <p>
                  <span
                    className={layer.capability === 'never' ? 'badge badge-failed' : 'badge badge-pending'}
                  >
                    {layer.capability === 'never' ? 'never goes back' : 'rollback by request only'}
                  </span>
                </p>
                <p>
                  <strong>{layer.capabilityText}.</strong> {layer.reason}
                </p>
                <p>
                  <span className="muted">Responsibility: </span>
                  {layer.responsibility}
                </p>
                <p>
                  <span className="muted">Instead: </span>
                  {layer.remedy}
                </p>
              </section>
            ))}
          </div>
          <Section title="Summary of responsibilities" id="responsibilities">
            <div className="table-wrap">
              <Table columns={['Scenario', 'Provider', 'Customer']}>
                {policy.data.responsibilities.map((row) => (
                  <tr key={row.scenario}>
                    <th scope="row">{row.scenario}</th>
                    <td>{row.provider}</td>
                    <td>{row.customer}</td>
                  </tr>
                ))}
              </Table>
            </div>
            <p className="muted small">Source: {policy.data.source}</p>
          </Section>
        </>
      ) : null}
    </>
  );
}
