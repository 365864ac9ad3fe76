import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, seg } from '../api';
import type { ApiError } from '../api';
import { toApiError, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, OwnedBy, Section, StatusBadge, When } from '../components';
import type { ChangeState, ImageChange, ImpactReport, Verdict } from '../image-types';
import { Link, navigate } from '../router';
import { OutcomesChart } from './Outcomes';
import type { ImageContent, Instance, Me, Revision, Role } from '../types';

// Routes of the image rollback-request workflow (src/api/routes/image.ts).
const INSTANCE_REQUESTS = '/api/v1/instances/{instanceId}/image/rollback-requests';
const ONE_REQUEST = '/api/v1/rollback-requests/{id}';

type StepName =
  'approve' | 'reject' | 'accept' | 'refresh' | 'confirm' | 'reopen' | 'deployed' | 'failed' | 'retry';

interface StepDefinition {
  step: StepName;
  label: string;
  /** Who owns it (src/domain/roles/permissions.ts: image.rollback.*). */
  owners: Role[];
  from: ChangeState[];
  /** A text the step needs, and the body field it goes in. */
  input?: { label: string; field: 'reason' | 'information' | 'note' | 'error'; required: boolean };
  tone?: 'primary' | 'danger';
  route: (change: ImageChange) => string;
}

const stepRoute = (step: string) => (change: ImageChange) =>
  `/api/v1/rollback-requests/${seg(change.id)}/${step}`;
/** The stage the deployer works on now: the test instance first, then production. */
export function currentStage(change: ImageChange): { instanceId: string; instanceName: string } {
  const stage =
    change.stages.find((s) => s.status === 'pending' || s.status === 'failed') ??
    change.stages.find((s) => s.status === 'waiting');
  return stage ?? { instanceId: change.instanceId, instanceName: change.report.instance.name };
}
const deployRoute = (step: string) => (change: ImageChange) =>
  `/api/v1/instances/${seg(currentStage(change).instanceId)}/image/deployment/${step}`;

// The rollback's path: requested -> approved -> deploying -> deployed -> resolved.
const STEPS: StepDefinition[] = [
  {
    step: 'approve',
    label: 'Approve',
    owners: ['provider-engineer'],
    from: ['requested'],
    input: { label: 'Review note', field: 'reason', required: true },
    tone: 'primary',
    route: stepRoute('approve'),
  },
  {
    step: 'reject',
    label: 'Reject',
    owners: ['provider-engineer'],
    from: ['requested', 'approved'],
    input: { label: 'Review note', field: 'reason', required: true },
    tone: 'danger',
    route: stepRoute('reject'),
  },
  {
    step: 'accept',
    label: 'Accept responsibility',
    owners: ['customer-admin'],
    from: ['approved'],
    tone: 'primary',
    route: stepRoute('accept'),
  },
  {
    step: 'deployed',
    label: 'Report deployed',
    owners: ['provider-admin', 'provider-engineer'],
    from: ['deploying'],
    tone: 'primary',
    route: deployRoute('confirm'),
  },
  {
    step: 'failed',
    label: 'Report deployment failed',
    owners: ['provider-admin', 'provider-engineer'],
    from: ['deploying'],
    input: { label: 'What failed', field: 'error', required: false },
    route: deployRoute('fail'),
  },
  {
    step: 'retry',
    label: 'Retry deployment',
    owners: ['provider-admin', 'provider-engineer'],
    from: ['deploy-failed'],
    tone: 'primary',
    route: deployRoute('retry'),
  },
  {
    step: 'confirm',
    label: 'Confirm resolution',
    owners: ['customer-admin'],
    from: ['deployed'],
    input: { label: 'Validation note', field: 'note', required: false },
    tone: 'primary',
    route: stepRoute('confirm'),
  },
  {
    step: 'reopen',
    label: 'Reopen',
    owners: ['customer-admin'],
    from: ['deployed'],
    input: { label: 'What is still wrong', field: 'information', required: true },
    route: stepRoute('reopen'),
  },
];

const PATH: { state: ChangeState; label: string; owner: string }[] = [
  { state: 'requested', label: 'Requested', owner: 'customer-admin' },
  { state: 'approved', label: 'Reviewed and approved', owner: 'provider-engineer' },
  {
    state: 'deploying',
    label: 'Responsibility accepted, deploying',
    owner: 'customer-admin, then the deployer',
  },
  { state: 'deployed', label: 'Deployed', owner: 'provider (deployer)' },
  { state: 'resolved', label: 'Resolution confirmed', owner: 'customer-admin' },
];

function labelOf(step: StepDefinition, change: ImageChange): string {
  if (step.step === 'deployed' || step.step === 'failed' || step.step === 'retry') {
    return `${step.label} on ${currentStage(change).instanceName}`;
  }
  return step.label;
}

function title(change: ImageChange, instanceName?: string): string {
  return `Roll back ${change.requests.join(', ')}${instanceName ? ` on ${instanceName}` : ''}`;
}

// ---- list ------------------------------------------------------------------------------------

export function RollbackRequestsPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  const available = offers(capabilities, INSTANCE_REQUESTS);
  return (
    <>
      <h1>Rollback requests</h1>
      <p className="lede">
        An image rollback is a last resort: reviewed for dependency conflicts and impact, approved by a
        provider engineer, and accepted by the customer admin, who owns its downstream effects.
      </p>
      {available ? (
        <AllRequests me={me} />
      ) : (
        <NotAvailable what="The rollback-request workflow" route={`GET ${INSTANCE_REQUESTS}`} />
      )}
    </>
  );
}

interface Listed {
  change: ImageChange;
  instance: Instance;
}

function AllRequests({ me }: { me: Me }) {
  const data = useAsync(async () => {
    const { instances } = await api<{ instances: Instance[] }>('/api/v1/instances');
    const lists = await Promise.all(
      instances.map(async (instance) => {
        const body = await api<{ requests: ImageChange[] }>(
          `/api/v1/instances/${seg(instance.id)}/image/rollback-requests`,
        );
        return body.requests.map((change) => ({ change, instance }));
      }),
    );
    return lists.flat().sort((a, b) => b.change.createdAt.localeCompare(a.change.createdAt));
  }, []);
  if (data.state === 'loading') return <Loading what="rollback requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  if (data.data.length === 0) {
    return (
      <Empty>
        No rollback requests.{' '}
        {me.role === 'customer-admin'
          ? 'Start one from an instance page, in its “Image rollback requests” section.'
          : 'Customer admins start them from an instance page.'}
      </Empty>
    );
  }
  return <RequestTable rows={data.data} showInstance />;
}

function RequestTable({ rows, showInstance }: { rows: Listed[]; showInstance: boolean }) {
  return (
    <div className="table-wrap card">
      <table>
        <caption className="visually-hidden">Rollback requests</caption>
        <thead>
          <tr>
            <th scope="col">Request</th>
            {showInstance ? <th scope="col">Instance</th> : null}
            <th scope="col">State</th>
            <th scope="col">Why</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ change, instance }) => (
            <tr key={change.id}>
              <th scope="row" className="wrap">
                <Link to={`/rollback-requests/${seg(change.id)}`}>{title(change)}</Link>
              </th>
              {showInstance ? <td>{instance.name}</td> : null}
              <td>
                <StatusBadge status={change.state} />
              </td>
              <td className="wrap">{change.reason}</td>
              <td>
                <When at={change.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---- on the instance page ---------------------------------------------------------------------

export function InstanceRollbackRequests({
  me,
  instance,
  image,
}: {
  me: Me;
  instance: Instance;
  image: Revision | undefined;
}) {
  const capabilities = useCapabilities();
  const available = offers(capabilities, INSTANCE_REQUESTS);
  const canCreate = offers(capabilities, INSTANCE_REQUESTS, 'post');
  return (
    <Section title="Image rollback requests" id="rollback-requests">
      {!available ? (
        <NotAvailable what="The rollback-request workflow" route={`GET ${INSTANCE_REQUESTS}`} />
      ) : (
        <>
          <InstanceRequestList instance={instance} />
          {canCreate && image ? (
            me.role === 'customer-admin' ? (
              <RequestForm instance={instance} image={image} />
            ) : (
              <OwnedBy step="Request a rollback" roles={['customer-admin']} />
            )
          ) : null}
        </>
      )}
    </Section>
  );
}

function InstanceRequestList({ instance }: { instance: Instance }) {
  const data = useAsync(
    () => api<{ requests: ImageChange[] }>(`/api/v1/instances/${seg(instance.id)}/image/rollback-requests`),
    [instance.id],
  );
  if (data.state === 'loading') return <Loading what="rollback requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  if (data.data.requests.length === 0) return <Empty>No rollback requests for this instance.</Empty>;
  return (
    <RequestTable
      rows={[...data.data.requests].reverse().map((change) => ({ change, instance }))}
      showInstance={false}
    />
  );
}

function RequestForm({ instance, image }: { instance: Instance; image: Revision }) {
  const packages = (image.content as ImageContent).packages;
  const [pkg, setPkg] = useState(
    packages.find((p) => p.name === 'dbt-core')?.name ?? packages[0]?.name ?? '',
  );
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<ImageChange>(
        `/api/v1/instances/${seg(instance.id)}/image/rollback-requests`,
        {
          method: 'POST',
          body: { package: pkg, target: target.trim(), reason: reason.trim() },
        },
      );
      navigate(`/rollback-requests/${seg(created.id)}`);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="request-form-heading">
      <h3 id="request-form-heading">Request a rollback (last resort)</h3>
      <p className="muted small">
        The policy recommends a targeted forward fix: users who already adapted to the new version break when
        it goes back, and you accept responsibility for those downstream effects.
      </p>
      <div className="form-grid">
        <div className="form-row">
          <label htmlFor="rb-package">Package</label>
          <select id="rb-package" value={pkg} onChange={(e) => setPkg(e.target.value)}>
            {packages.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} (now {p.version})
              </option>
            ))}
          </select>
        </div>
        <div className="form-row">
          <label htmlFor="rb-target">Target version</label>
          <input
            id="rb-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="==1.10.* or 1.10.15"
            aria-describedby="rb-target-help"
            required
          />
          <span id="rb-target-help" className="muted small">
            An exact version or a PEP 440 specifier.
          </span>
        </div>
      </div>
      <div className="form-row">
        <label htmlFor="rb-reason">Why</label>
        <textarea
          id="rb-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          required
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking availability, dependencies and impact…' : 'Submit rollback request'}
      </button>
      {error ? <ErrorBox error={error} title="The request was refused" /> : null}
    </form>
  );
}

// ---- one request --------------------------------------------------------------------------------

export function RollbackRequestPage({ me, id }: { me: Me; id: string }) {
  const capabilities = useCapabilities();
  if (!offers(capabilities, ONE_REQUEST)) {
    return (
      <>
        <h1>Rollback request</h1>
        <NotAvailable what="The rollback-request workflow" route={`GET ${ONE_REQUEST}`} />
      </>
    );
  }
  return <RequestDetail me={me} id={id} />;
}

function RequestDetail({ me, id }: { me: Me; id: string }) {
  const data = useAsync(() => api<ImageChange>(`/api/v1/rollback-requests/${seg(id)}`), [id]);
  if (data.state === 'loading') return <Loading what="the rollback request" />;
  if (data.state === 'error') {
    if (data.error.status === 404) {
      return (
        <div className="empty" role="alert">
          <h1>Rollback request not found</h1>
          <p>{data.error.problem.detail}</p>
          <p>
            <Link to="/rollback-requests">All rollback requests</Link>
          </p>
        </div>
      );
    }
    return <ErrorBox error={data.error} />;
  }
  const change = data.data;
  const { report } = change;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/rollback-requests">Rollback requests</Link> /{' '}
        <Link to={`/instances/${seg(change.instanceId)}`}>{report.instance.name}</Link>
      </p>
      <h1 className="wrap">{title(change, report.instance.name)}</h1>
      <p className="lede">
        <StatusBadge status={change.state} /> requested by a {change.requestedRole}{' '}
        <When at={change.createdAt} /> · image revision {report.currentRevision ?? '—'} · Python{' '}
        {report.python}
      </p>
      <p className="why">
        <span className="muted">Why: </span>
        {change.reason}
      </p>

      <div className="recommendation" role="note">
        {/^recommended/i.test(report.recommendation) ? null : <strong>Recommended approach. </strong>}
        {report.recommendation}
      </div>

      <Progress change={change} />
      <NextSteps me={me} change={change} onDone={data.reload} />

      {report.blockers.length > 0 ? (
        <div className="problem" role="alert">
          <p className="problem-title">Approval is blocked</p>
          <ul>
            {report.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="two-col">
        <Section title="Dependency review" id="dependencies">
          <DependencyReview change={change} />
        </Section>
        <Section title="Availability" id="availability">
          <Availability change={change} />
        </Section>
      </div>
      <Section title="Impact" id="impact">
        <p>{report.impactSummary}</p>
        {report.impact ? (
          <>
            <OutcomesChart pipelines={report.impact.pipelines} />
            <Impact impact={report.impact} />
          </>
        ) : null}
      </Section>
      {change.stages.length > 0 ? (
        <Section title="Deployment" id="deployment">
          <ol className="plain-list">
            {change.stages.map((stage) => (
              <li key={stage.instanceId}>
                <strong>{stage.instanceName}</strong> ({stage.purpose}){' '}
                {stage.revision !== null ? `image revision ${String(stage.revision)} ` : ''}
                <StatusBadge status={stage.status} />
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
      {change.notes.length > 0 ? (
        <Section title="History" id="history">
          <ol className="plain-list">
            {change.notes.map((note) => (
              <li key={`${note.at}-${note.step}`}>
                <strong>{note.step}</strong> by {note.byRole} <When at={note.at} />
                <p className="wrap">{note.text}</p>
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
      <p className="muted small">
        Report hash <code className="wrap">{change.reportHash}</code>
      </p>
    </>
  );
}

function Progress({ change }: { change: ImageChange }) {
  if (change.state === 'rejected') {
    return (
      <p className="problem">
        <strong>Rejected. </strong>
        {change.decisionReason}
      </p>
    );
  }
  const reached = PATH.findIndex(
    (p) => p.state === (change.state === 'deploy-failed' ? 'deploying' : change.state),
  );
  return (
    <ol className="progress" aria-label="Where this request stands">
      {PATH.map((p, i) => (
        <li
          key={p.state}
          className={i < reached ? 'done' : i === reached ? 'current' : 'todo'}
          aria-current={i === reached ? 'step' : undefined}
        >
          <span className="progress-label">{p.label}</span>
          <span className="muted small">{p.owner}</span>
        </li>
      ))}
    </ol>
  );
}

export function Availability({ change }: { change: ImageChange }) {
  const { availability } = change.report;
  if (availability.length === 0) return <Empty>No availability check in this report.</Empty>;
  return (
    <ul className="plain-list">
      {availability.map((a) => (
        <li key={a.requested}>
          <p>
            <code className="wrap">{a.requested}</code>{' '}
            <span className={a.available ? 'badge badge-deployed' : 'badge badge-failed'}>
              {a.available ? 'available' : 'not available'}
            </span>
          </p>
          <p className="small wrap">
            {a.usable.length > 0
              ? `Usable on Python ${change.report.python}: ${a.usable.join(', ')}`
              : 'No matching version can be installed.'}
          </p>
          {a.unusable.length > 0 ? (
            <ul className="small">
              {a.unusable.map((u) => (
                <li key={u.version} className="wrap">
                  {u.version}: {u.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function DependencyReview({ change }: { change: ImageChange }) {
  const { review } = change.report;
  return (
    <>
      {!review.feasible ? (
        <p className="problem">No consistent image contains the requested versions.</p>
      ) : null}
      {review.changes.length > 0 ? (
        <table className="diff">
          <caption className="visually-hidden">Package moves: from and to</caption>
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">From → to</th>
              <th scope="col">Why it moves</th>
            </tr>
          </thead>
          <tbody>
            {review.changes.map((move) => (
              <tr key={move.name}>
                <th scope="row" className="wrap">
                  {move.name}
                </th>
                <td className="mono wrap">
                  {move.from} → {move.to}
                </td>
                <td className="small">{move.requested ? 'requested' : 'co-change'}</td>
              </tr>
            ))}
            {review.added.map((pin) => (
              <tr key={pin.name}>
                <th scope="row" className="wrap">
                  {pin.name}
                </th>
                <td className="mono wrap">(new) → {pin.version}</td>
                <td className="small">added</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {review.conflictsIfAlone.length > 0 ? (
        <>
          <h3>Conflicts if only the requested package moved</h3>
          <ul className="small">
            {review.conflictsIfAlone.map((v) => (
              <li key={`${v.package}-${v.requires}`} className="wrap">
                {v.package} {v.version} requires <code>{v.requires}</code>
                {v.found ? `, but would find ${v.found}` : ', which would be missing'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="explanation wrap">{review.explanation}</p>
    </>
  );
}

const VERDICT_TEXT: Record<Verdict, string> = {
  breaks: 'breaks',
  fixes: 'fixes',
  unaffected: 'unaffected',
  'still-broken': 'still broken',
  unknown: 'unknown',
};

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return <span className={`badge verdict-${verdict}`}>{VERDICT_TEXT[verdict]}</span>;
}

function Impact({ impact }: { impact: ImpactReport }) {
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
        <table>
          <caption className="visually-hidden">Impact per user</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Verdicts</th>
              <th scope="col">Pipelines</th>
              <th scope="col">Policy advice</th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
      <h3>Per pipeline</h3>
      {impact.pipelines.length === 0 ? (
        <Empty>No pipeline ran in the evidence window.</Empty>
      ) : (
        <table>
          <caption className="visually-hidden">Impact per pipeline</caption>
          <thead>
            <tr>
              <th scope="col">Pipeline</th>
              <th scope="col">Owner</th>
              <th scope="col">Verdict</th>
              <th scope="col">Because</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {impact.pipelines.map((p) => (
              <tr key={p.pipeline}>
                <th scope="row" className="wrap">
                  {p.pipeline}
                </th>
                <td className="wrap">{p.owner ?? <span className="muted">unknown</span>}</td>
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
          </tbody>
        </table>
      )}
    </>
  );
}

function NextSteps({ me, change, onDone }: { me: Me; change: ImageChange; onDone: () => void }) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const steps = STEPS.filter((s) => s.from.includes(change.state));
  const mine = steps.filter((s) => s.owners.includes(me.role));
  const others = steps.filter((s) => !s.owners.includes(me.role));
  // One text box per distinct input the viewer's steps need (approve and reject share "Review note").
  const inputs = [
    ...new Map(mine.flatMap((s) => (s.input ? [[s.input.label, s.input] as const] : []))).values(),
  ];

  async function run(step: StepDefinition): Promise<void> {
    const value = step.input ? (texts[step.input.label] ?? '').trim() : '';
    if (step.input?.required && value === '') {
      setError(
        toApiError(
          new Error(
            `“${labelOf(step, change)}” needs a ${step.input.label.toLowerCase()}: write it in the box above.`,
          ),
        ),
      );
      return;
    }
    const body: Record<string, unknown> = {};
    if (step.input && value !== '') body[step.input.field] = value;
    if (step.step === 'accept') body.reportHash = change.reportHash;
    setBusy(true);
    setError(null);
    try {
      await api(step.route(change), { method: 'POST', body });
      setTexts({});
      onDone();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  if (steps.length === 0) {
    return (
      <p className="muted">
        {change.state === 'resolved'
          ? 'Resolved: the customer confirmed the rollback fixed the problem. A rollback pin now holds the package and a forward-fix follow-up is open.'
          : change.state === 'rejected'
            ? 'Rejected: nothing more to do. Prefer a targeted forward fix.'
            : `No step is waiting in state “${change.state}”.`}
      </p>
    );
  }
  return (
    <section className="card next-steps" aria-labelledby="next-steps-heading">
      <h2 id="next-steps-heading">Next step</h2>
      {mine.some((s) => s.step === 'accept') ? (
        <div className="accept-what">
          <p>
            By accepting, you take responsibility for the downstream effects of this rollback as described in
            the report below: the dependency moves, the impact on each user and pipeline, and the
            recommendation you are setting aside.
          </p>
          <p>
            You accept exactly the report with hash <code className="wrap">{change.reportHash}</code>. If the
            report changes, acceptance must be renewed.
          </p>
        </div>
      ) : null}
      {inputs.map((input) => (
        <div className="form-row" key={input.label}>
          <label htmlFor={`step-${input.field}`}>
            {input.label}
            {input.required ? '' : ' (optional)'}
          </label>
          <textarea
            id={`step-${input.field}`}
            rows={2}
            value={texts[input.label] ?? ''}
            onChange={(e) => setTexts({ ...texts, [input.label]: e.target.value })}
          />
        </div>
      ))}
      {mine.length > 0 ? (
        <div className="buttons">
          {mine.map((s) => (
            <button
              key={s.step}
              type="button"
              className={s.tone ?? ''}
              disabled={busy}
              onClick={() => void run(s)}
            >
              {labelOf(s, change)}
            </button>
          ))}
        </div>
      ) : null}
      {others.map((s) => (
        <OwnedBy key={s.step} step={labelOf(s, change)} roles={s.owners} />
      ))}
      {error ? <ErrorBox error={error} title="The step was not taken" /> : null}
    </section>
  );
}
