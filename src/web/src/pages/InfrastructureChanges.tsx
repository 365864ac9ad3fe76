import { useState } from 'react';
import { api, seg } from '../api';
import { useAction, useAsync } from '../async';
import { Empty, ErrorBox, IfOffered, Loading, OwnedBy, StatusBadge, When } from '../components';
import { Activity } from '../components/activity';
import { Confirmation } from '../components/confirmation';
import type { Instance, Me, Tenant } from '../types';
import { isProviderRole } from '../roles';

const CHANGES = '/api/v1/infrastructure/changes';

interface Signoff {
  userName: string;
  party: 'provider' | 'customer';
  role: string;
  note: string;
  createdAt: string;
}

interface InfrastructureChange {
  id: string;
  tenantId: string;
  title: string;
  why: string;
  changes: Record<string, unknown>;
  risk: 'low' | 'medium' | 'high';
  windowStart: string;
  windowEnd: string;
  instanceIds: string[];
  state: 'planned' | 'applied';
  appliedAt: string | null;
  signoffs: Signoff[];
  testedBy: { provider: boolean; customer: boolean };
}

export function InfrastructureChangesPage({ me }: { me: Me }) {
  return (
    <>
      <h1>Infrastructure changes</h1>
      <p className="lede">
        An applied infrastructure change cannot be undone: both sides plan it, test it and sign off before the
        provider applies it.
      </p>
      <IfOffered route={CHANGES} what="Infrastructure change planning">
        <ChangeList me={me} />
      </IfOffered>
    </>
  );
}

function ChangeList({ me }: { me: Me }) {
  const data = useAsync(async () => {
    const [{ changes }, { tenants }, { instances }] = await Promise.all([
      api<{ changes: InfrastructureChange[] }>(CHANGES),
      api<{ tenants: Tenant[] }>('/api/v1/tenants'),
      api<{ instances: Instance[] }>('/api/v1/instances'),
    ]);
    return {
      changes,
      tenants: new Map(tenants.map((t) => [t.id, t.name])),
      instances: new Map(instances.map((i) => [i.id, i.name])),
    };
  }, []);
  if (data.state === 'loading') return <Loading what="infrastructure changes" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  if (data.data.changes.length === 0) return <Empty>No infrastructure changes planned or applied.</Empty>;
  return (
    <>
      {data.data.changes.map((change) => (
        <ChangeCard
          key={change.id}
          me={me}
          change={change}
          tenant={data.data.tenants.get(change.tenantId)}
          instances={change.instanceIds.map((id) => data.data.instances.get(id) ?? id)}
          onDone={data.reload}
        />
      ))}
    </>
  );
}

function ChangeCard({
  me,
  change,
  tenant,
  instances,
  onDone,
}: {
  me: Me;
  change: InfrastructureChange;
  tenant: string | undefined;
  instances: string[];
  onDone: () => void;
}) {
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);
  const [overrideReason, setOverrideReason] = useState('');
  const { busy, error, run } = useAction();
  // The server refuses an apply outside the planned window unless a role GET /api/v1/me names
  // (may.applyInfrastructureOutsideWindow) overrides it
  // with a reason (audited as infrastructure.change.apply.override); the page offers just that.
  const [now] = useState(() => Date.now()); // when the card was shown; it re-renders after each step
  const outsideWindow = now < Date.parse(change.windowStart) || now > Date.parse(change.windowEnd);
  const mayOverride = me.may.applyInfrastructureOutsideWindow.allowed;
  const overrideReady = overrideReason.trim().length >= 10;
  const party = isProviderRole(me.role) ? 'provider' : 'customer';
  const signedByMySide = change.testedBy[party];

  function post(path: string, body: unknown, message: string): Promise<void> {
    setDone(null);
    return run(async () => {
      await api(path, { method: 'POST', body });
      setDone(message);
      onDone();
    });
  }

  return (
    <section className="card" aria-labelledby={`infra-${change.id}`} data-testid="infrastructure-change">
      <div className="card-head">
        <h2 id={`infra-${change.id}`} className="wrap">
          {change.title}
        </h2>
        <StatusBadge status={change.state} />
      </div>
      <p className="muted small">
        {tenant ?? change.tenantId} · {instances.join(', ')} · risk {change.risk} · window{' '}
        <When at={change.windowStart} /> – <When at={change.windowEnd} />
      </p>
      <p className="wrap">{change.why}</p>
      <ChangeContents changes={change.changes} />
      <ul className="plain-list small">
        {(['provider', 'customer'] as const).map((side) => {
          const signoff = change.signoffs.find((s) => s.party === side);
          return (
            <li key={side}>
              <strong>{side === 'provider' ? 'Provider' : 'Customer'} testing sign-off: </strong>
              {signoff ? (
                <>
                  <span className="badge badge-deployed">signed</span> by {signoff.userName} ({signoff.role}){' '}
                  <When at={signoff.createdAt} />
                  {signoff.note ? <span className="wrap"> — {signoff.note}</span> : null}
                </>
              ) : (
                <span className="badge badge-pending">waiting</span>
              )}
            </li>
          );
        })}
      </ul>
      {change.state === 'applied' ? (
        <p className="muted">
          Applied <When at={change.appliedAt} />. This is final: a problem is fixed by a new forward change.
        </p>
      ) : (
        <div className="stack">
          {!signedByMySide ? (
            me.may.signOffInfrastructure.allowed ? (
              <>
                <div className="form-row">
                  <label htmlFor={`note-${change.id}`}>Testing note (optional)</label>
                  <input id={`note-${change.id}`} value={note} onChange={(e) => setNote(e.target.value)} />
                </div>
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  onClick={() =>
                    void post(
                      `${CHANGES}/${seg(change.id)}/signoffs`,
                      note ? { note } : {},
                      `Signed off ${party} testing of “${change.title}”.`,
                    )
                  }
                >
                  Sign off {party} testing
                </button>
              </>
            ) : (
              <OwnedBy step={`Sign off ${party} testing`} roles={[...me.may.signOffInfrastructure.roles]} />
            )
          ) : null}
          {me.may.applyInfrastructure.allowed ? (
            <div className="stack">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={acknowledged}
                  onChange={(e) => setAcknowledged(e.target.checked)}
                />{' '}
                I understand that applying cannot be undone.
              </label>
              {outsideWindow ? (
                mayOverride ? (
                  <div className="form-row">
                    <label htmlFor={`override-${change.id}`}>
                      Outside its planned window: why it must be applied now (at least 10 characters, audited)
                    </label>
                    <textarea
                      id={`override-${change.id}`}
                      value={overrideReason}
                      onChange={(e) => setOverrideReason(e.target.value)}
                    />
                  </div>
                ) : (
                  <p className="muted small">
                    Outside its planned window: apply it within the window, or ask a{' '}
                    {me.may.applyInfrastructureOutsideWindow.roles.join(' or ')} to apply it now with a
                    reason.
                  </p>
                )
              ) : null}
              <div className="buttons">
                <button
                  type="button"
                  className="danger"
                  disabled={busy || !acknowledged || (outsideWindow && (!mayOverride || !overrideReady))}
                  onClick={() =>
                    void post(
                      `${CHANGES}/${seg(change.id)}/apply`,
                      outsideWindow
                        ? { acknowledgeIrreversible: true, override: { reason: overrideReason.trim() } }
                        : { acknowledgeIrreversible: true },
                      outsideWindow
                        ? `Applied “${change.title}” outside its window, with your reason recorded: it is final.`
                        : `Applied “${change.title}”: it is final.`,
                    )
                  }
                >
                  {outsideWindow ? 'Apply outside the window (irreversible)' : 'Apply (irreversible)'}
                </button>
                {!change.testedBy.provider || !change.testedBy.customer ? (
                  <span className="muted small">Both sides must sign off their testing first.</span>
                ) : null}
              </div>
            </div>
          ) : (
            <OwnedBy step="Apply" roles={[...me.may.applyInfrastructure.roles]} />
          )}
        </div>
      )}
      <Confirmation message={done} />
      {error ? <ErrorBox error={error} title="The step was refused" /> : null}
      <details className="step-details">
        <summary>Activity</summary>
        <Activity
          kind="infrastructure"
          id={change.id}
          version={`${change.state}/${String(change.signoffs.length)}`}
        />
      </details>
    </section>
  );
}

/** What the change sets, as fields ("kubernetes: 1.31"), not raw JSON (issue 17). */
function ChangeContents({ changes }: { changes: Record<string, unknown> }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return null;
  return (
    <dl className="fields small" aria-label="What the change sets">
      {entries.map(([key, value]) => (
        <div key={key} className="field">
          <dt>{key}</dt>
          <dd className="wrap">
            {Array.isArray(value) ? (
              value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(', ')
            ) : typeof value === 'object' && value !== null ? (
              <ChangeContents changes={value as Record<string, unknown>} />
            ) : (
              String(value)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
