import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, seg } from '../api';
import type { ApiError } from '../api';
import { toApiError, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, OwnedBy, Section, StatusBadge, When } from '../components';
import type { ChangeState, ImageChange } from '../image-types';
import { Link, navigate } from '../router';
import type { Instance, Me, Role } from '../types';
import { Availability, currentStage, DependencyReview } from './RollbackRequest';

// Routes of the image upgrade workflow (src/api/routes/image.ts).
const INSTANCE_UPGRADES = '/api/v1/instances/{instanceId}/image/upgrade-requests';
const ONE_UPGRADE = '/api/v1/upgrade-requests/{id}';

// Owners: src/domain/roles/permissions.ts, image.upgrade.*; deployer reports: image.deploy.report.
const REQUESTERS: Role[] = ['customer-admin', 'provider-engineer'];
const DEPLOYERS: Role[] = ['provider-admin', 'provider-engineer'];

const TEST_FIRST =
  'Test before promoting to production: an upgrade deploys to the instance’s test instance first, the customer admin signs off there, and only then is it promoted to production. A production instance without a test instance needs the provider admin’s explicit, audited override.';

type StepName = 'approve' | 'reject' | 'deployed' | 'failed' | 'signoff' | 'promote' | 'override';

interface StepDefinition {
  step: StepName;
  label: string;
  owners: Role[];
  from: ChangeState[];
  /** Only when this holds (the override is for production without a test instance). */
  when?: (change: ImageChange, instance: Instance | undefined) => boolean;
  input?: { label: string; field: 'reason' | 'note' | 'error'; required: boolean };
  tone?: 'primary' | 'danger';
  route: (change: ImageChange) => string;
  body?: Record<string, unknown>;
}

const stepRoute = (step: string) => (change: ImageChange) =>
  `/api/v1/upgrade-requests/${seg(change.id)}/${step}`;
const deployRoute = (step: string) => (change: ImageChange) =>
  `/api/v1/instances/${seg(currentStage(change).instanceId)}/image/deployment/${step}`;
const withoutTest = (_change: ImageChange, instance: Instance | undefined): boolean =>
  instance?.kind === 'production' && instance.testInstanceId === null;

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
    from: ['requested', 'approved', 'on-test', 'signed-off'],
    input: { label: 'Review note', field: 'reason', required: true },
    tone: 'danger',
    route: stepRoute('reject'),
  },
  {
    step: 'deployed',
    label: 'Report deployed',
    owners: DEPLOYERS,
    from: ['deploying'],
    tone: 'primary',
    route: deployRoute('confirm'),
  },
  {
    step: 'failed',
    label: 'Report deployment failed',
    owners: DEPLOYERS,
    from: ['deploying'],
    input: { label: 'What failed', field: 'error', required: false },
    route: deployRoute('fail'),
  },
  {
    step: 'signoff',
    label: 'Sign off on the test instance',
    owners: ['customer-admin'],
    from: ['on-test'],
    input: { label: 'Validation note', field: 'note', required: false },
    tone: 'primary',
    route: stepRoute('signoff'),
  },
  {
    step: 'promote',
    label: 'Promote to production',
    owners: ['customer-admin', 'provider-engineer'],
    from: ['signed-off'],
    tone: 'primary',
    route: stepRoute('promote'),
  },
  {
    step: 'override',
    label: 'Promote without a test instance (override)',
    owners: ['provider-admin'],
    from: ['approved'],
    when: withoutTest,
    input: { label: 'Override reason', field: 'reason', required: true },
    tone: 'danger',
    route: stepRoute('promote'),
    body: { overrideNoTestInstance: true },
  },
];

function labelOf(step: StepDefinition, change: ImageChange): string {
  if (step.step === 'deployed' || step.step === 'failed') {
    return `${step.label} on ${currentStage(change).instanceName}`;
  }
  return step.label;
}

function title(change: ImageChange, instanceName?: string): string {
  return `Upgrade ${change.requests.join(', ')}${instanceName ? ` on ${instanceName}` : ''}`;
}

// ---- list and request ---------------------------------------------------------------------------

export function UpgradesPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  return (
    <>
      <h1>Upgrades and promotion</h1>
      <p className="lede">
        Image upgrades move forward: planned with their co-upgrades, approved by a provider engineer, tested
        on the test instance, signed off by the customer admin, then promoted to production.
      </p>
      <p className="explanation" role="note">
        {TEST_FIRST}
      </p>
      {offers(capabilities, INSTANCE_UPGRADES) ? (
        <UpgradeList me={me} canCreate={offers(capabilities, INSTANCE_UPGRADES, 'post')} />
      ) : (
        <NotAvailable what="The upgrade workflow" route={`GET ${INSTANCE_UPGRADES}`} />
      )}
    </>
  );
}

function UpgradeList({ me, canCreate }: { me: Me; canCreate: boolean }) {
  const data = useAsync(async () => {
    const { instances } = await api<{ instances: Instance[] }>('/api/v1/instances');
    const lists = await Promise.all(
      instances.map(async (instance) => {
        const body = await api<{ requests: ImageChange[] }>(
          `/api/v1/instances/${seg(instance.id)}/image/upgrade-requests`,
        );
        return body.requests.map((change) => ({ change, instance }));
      }),
    );
    const rows = lists.flat().sort((a, b) => b.change.createdAt.localeCompare(a.change.createdAt));
    return { instances, rows };
  }, []);
  if (data.state === 'loading') return <Loading what="upgrade requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  const { instances, rows } = data.data;
  return (
    <>
      {canCreate && REQUESTERS.includes(me.role) ? (
        <UpgradeForm instances={instances} />
      ) : (
        <OwnedBy step="Request an upgrade" roles={REQUESTERS} />
      )}
      <Section title="Upgrade requests" id="upgrade-requests">
        {rows.length === 0 ? (
          <Empty>No upgrade requests yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Upgrade requests</caption>
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Instance</th>
                  <th scope="col">State</th>
                  <th scope="col">Why</th>
                  <th scope="col">Requested</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ change, instance }) => (
                  <tr key={change.id}>
                    <th scope="row" className="wrap">
                      <Link to={`/upgrades/${seg(change.id)}`}>{title(change)}</Link>
                    </th>
                    <td>{instance.name}</td>
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
        )}
      </Section>
    </>
  );
}

function UpgradeForm({ instances }: { instances: Instance[] }) {
  const [instance, setInstance] = useState(
    instances.find((i) => i.kind === 'production')?.id ?? instances[0]?.id ?? '',
  );
  const [requirements, setRequirements] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const chosen = instances.find((i) => i.id === instance);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<ImageChange>(`/api/v1/instances/${seg(instance)}/image/upgrade-requests`, {
        method: 'POST',
        body: {
          requirements: requirements
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => line !== ''),
          reason: reason.trim(),
        },
      });
      navigate(`/upgrades/${seg(created.id)}`);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }

  if (instances.length === 0) return <Empty>No instance to upgrade.</Empty>;
  return (
    <Section title="Request an upgrade" id="request-upgrade">
      <form onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <label htmlFor="up-instance">Instance</label>
          <select id="up-instance" value={instance} onChange={(e) => setInstance(e.target.value)}>
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.kind})
              </option>
            ))}
          </select>
          {chosen && chosen.kind === 'production' && chosen.testInstanceId === null ? (
            <span className="muted small">
              {chosen.name} has no test instance: promotion needs the provider admin’s override.
            </span>
          ) : null}
        </div>
        <div className="form-row">
          <label htmlFor="up-requirements">Requirements</label>
          <textarea
            id="up-requirements"
            rows={2}
            value={requirements}
            required
            placeholder="dbt-core==1.11.1"
            aria-describedby="up-requirements-help"
            onChange={(e) => setRequirements(e.target.value)}
          />
          <span id="up-requirements-help" className="muted small">
            One PEP 508 requirement per line; co-upgrades are planned for you.
          </span>
        </div>
        <div className="form-row">
          <label htmlFor="up-reason">Why</label>
          <textarea
            id="up-reason"
            rows={2}
            value={reason}
            required
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Planning the upgrade…' : 'Submit upgrade request'}
        </button>
      </form>
      {error ? <ErrorBox error={error} title="The request was refused" /> : null}
    </Section>
  );
}

// ---- one request --------------------------------------------------------------------------------

export function UpgradePage({ me, id }: { me: Me; id: string }) {
  const capabilities = useCapabilities();
  if (!offers(capabilities, ONE_UPGRADE)) {
    return (
      <>
        <h1>Upgrade request</h1>
        <NotAvailable what="The upgrade workflow" route={`GET ${ONE_UPGRADE}`} />
      </>
    );
  }
  return <UpgradeDetail me={me} id={id} />;
}

function UpgradeDetail({ me, id }: { me: Me; id: string }) {
  const data = useAsync(async () => {
    const change = await api<ImageChange>(`/api/v1/upgrade-requests/${seg(id)}`);
    const instance = await api<Instance>(`/api/v1/instances/${seg(change.instanceId)}`).catch(
      () => undefined,
    );
    return { change, instance };
  }, [id]);
  if (data.state === 'loading') return <Loading what="the upgrade request" />;
  if (data.state === 'error') {
    if (data.error.status === 404) {
      return (
        <div className="empty" role="alert">
          <h1>Upgrade request not found</h1>
          <p>{data.error.problem.detail}</p>
          <p>
            <Link to="/upgrades">All upgrade requests</Link>
          </p>
        </div>
      );
    }
    return <ErrorBox error={data.error} />;
  }
  const { change, instance } = data.data;
  const { report } = change;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/upgrades">Upgrades</Link> /{' '}
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
      {instance && withoutTest(change, instance) ? (
        <p className="accept-what" role="note">
          {instance.name} has no test instance. The test-first rule cannot be met, so after approval only the
          provider admin may promote it, with an explicit override that is audited.
        </p>
      ) : null}
      <UpgradeSteps me={me} change={change} instance={instance} onDone={data.reload} />
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
        <Section title="Plan" id="plan">
          <DependencyReview change={change} />
        </Section>
        <Section title="Availability" id="availability">
          <Availability change={change} />
        </Section>
      </div>
      {change.stages.length > 0 ? (
        <Section title="Deployment" id="deployment">
          <ol className="plain-list">
            {change.stages.map((stage) => (
              <li key={`${stage.instanceId}-${stage.purpose}`}>
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
    </>
  );
}

function UpgradeSteps({
  me,
  change,
  instance,
  onDone,
}: {
  me: Me;
  change: ImageChange;
  instance: Instance | undefined;
  onDone: () => void;
}) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const steps = STEPS.filter((s) => s.from.includes(change.state) && (s.when?.(change, instance) ?? true));
  const mine = steps.filter((s) => s.owners.includes(me.role));
  const others = steps.filter((s) => !s.owners.includes(me.role));
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
    const body: Record<string, unknown> = { ...step.body };
    if (step.input && value !== '') body[step.input.field] = value;
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
      <p className="muted" role="status">
        {change.state === 'completed'
          ? 'Completed: the upgrade runs on production.'
          : change.state === 'rejected'
            ? `Rejected: ${change.decisionReason ?? 'no reason given'}.`
            : `No step is waiting in state “${change.state}”.`}
      </p>
    );
  }
  return (
    <section className="card next-steps" aria-labelledby="upgrade-next-heading">
      <h2 id="upgrade-next-heading">Next step</h2>
      {inputs.map((input) => (
        <div className="form-row" key={input.label}>
          <label htmlFor={`up-step-${input.field}`}>
            {input.label}
            {input.required ? '' : ' (optional)'}
          </label>
          <textarea
            id={`up-step-${input.field}`}
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
