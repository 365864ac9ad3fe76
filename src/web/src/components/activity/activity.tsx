import { api, seg } from '../../api';
import { useAsync, useReloadOn } from '../../async';
import type { ChangeActivity, ChangeKind } from '../../types';
import { Empty, ErrorBox, Loading } from '../feedback';
import { When } from '../when';

/** A report hash is long; its start names it, its whole is in the title. */
function ShortHash({ hash }: { hash: string }) {
  const bare = hash.replace(/^sha256:/, '');
  return (
    <code title={hash} className="activity-hash">
      {bare.length > 12 ? `${bare.slice(0, 12)}…` : bare}
    </code>
  );
}

/**
 * The activity history of one change (issue 17): who did what, when, with which note and bound to
 * which report, each step linked to its audit entry. `version` reloads it after a step was taken.
 */
export function Activity({ kind, id, version }: { kind: ChangeKind; id: string; version?: unknown }) {
  const data = useAsync(() => api<ChangeActivity>(`/api/v1/changes/${kind}/${seg(id)}/activity`), [kind, id]);
  useReloadOn(version, data.reload);
  const headingId = `activity-${kind}-${id.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  return (
    <section className="card activity" aria-labelledby={headingId} data-testid="activity">
      <h2 id={headingId}>Activity</h2>
      {data.state === 'loading' ? (
        <Loading what="the activity" />
      ) : data.state === 'error' ? (
        <ErrorBox error={data.error} title="The activity could not be read" />
      ) : data.data.entries.length === 0 ? (
        <Empty>Nothing recorded yet.</Empty>
      ) : (
        <ol className="activity-list">
          {data.data.entries.map((entry) => (
            <li key={entry.seq} data-testid="activity-entry">
              <p className="activity-line">
                <When at={entry.at} /> · <strong>{entry.actor.name}</strong>{' '}
                <span className="muted small">({entry.actor.role})</span> {entry.summary}
              </p>
              {entry.note ? <blockquote className="activity-note wrap">{entry.note}</blockquote> : null}
              <p className="muted small">
                {entry.reportHash ? (
                  <>
                    report <ShortHash hash={entry.reportHash} /> ·{' '}
                  </>
                ) : null}
                <span title={`audit entry ${String(entry.seq)}, hash ${entry.auditHash}`}>
                  audit #{entry.seq}
                </span>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
