import type { ImpactReport, Verdict } from '../../image-types';
import { Empty } from '../feedback';
import { Table } from '../table';
import { When } from '../when';

const VERDICT_TEXT: Record<Verdict, string> = {
  breaks: 'breaks',
  fixes: 'fixes',
  unaffected: 'unaffected',
  'still-broken': 'still broken',
  unknown: 'unknown',
};

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return <span className={`badge verdict-${verdict}`}>{VERDICT_TEXT[verdict]}</span>;
}

/** What the change does to each user and pipeline, by the run evidence on both sides of it. */
export function Impact({ impact }: { impact: ImpactReport }) {
  return (
    <>
      <p className="legend" aria-label="Pipelines by verdict">
        {(Object.keys(VERDICT_TEXT) as Verdict[]).map((verdict) => (
          <span key={verdict}>
            <VerdictBadge verdict={verdict} /> {impact.counts[verdict] ?? 0}
          </span>
        ))}
      </p>
      <h3>Per user</h3>
      {impact.affectedUsers.length === 0 ? (
        <Empty>No user is named in the evidence.</Empty>
      ) : (
        <Table caption="Impact per user" columns={['User', 'Verdicts', 'Pipelines', 'Policy advice']}>
          {impact.affectedUsers.map((user) => (
            <tr key={user.user}>
              <th scope="row" className="wrap">
                {user.user}
              </th>
              <td>
                {user.verdicts.map((v) => (
                  <VerdictBadge key={v} verdict={v} />
                ))}
              </td>
              <td className="small wrap">{user.pipelines.join(', ')}</td>
              <td className="small">{user.shouldForwardFix ? 'forward-fix their code' : '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      <h3>Per pipeline</h3>
      {impact.pipelines.length === 0 ? (
        <Empty>No pipeline ran in the evidence window.</Empty>
      ) : (
        <Table
          caption="Impact per pipeline"
          columns={['Pipeline', 'Owner', 'Verdict', 'Because', 'Evidence']}
        >
          {impact.pipelines.map((p) => (
            <tr key={p.pipeline}>
              <th scope="row" className="wrap">
                {p.pipeline}
              </th>
              <td className="wrap">
                {p.owners.length > 0 ? p.owners.join(', ') : <span className="muted">unknown</span>}
              </td>
              <td>
                <VerdictBadge verdict={p.verdict} />
              </td>
              <td className="small wrap">{p.reason}</td>
              <td className="small">
                {p.evidence.length === 0 ? (
                  <span className="muted">no runs</span>
                ) : (
                  <details>
                    <summary>
                      {p.evidence.length} run{p.evidence.length === 1 ? '' : 's'}
                    </summary>
                    <ul>
                      {p.evidence.map((run) => (
                        <li key={run.runId} className="wrap">
                          <code>{run.runId.slice(0, 8)}</code> {run.outcome} on image r{run.imageRevision}{' '}
                          <When at={run.at} />
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
