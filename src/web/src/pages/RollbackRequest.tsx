import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useAction, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, IfOffered, Loading, OwnedBy, Section } from '../components';
import { Activity } from '../components/activity';
import { TextAreaField } from '../components/form';
import { ChangePath, NextSteps, noStepWaiting } from '../components/change-steps';
import {
  ChangeHeader,
  ChangeRecord,
  ChangeReview,
  Impact,
  ProjectEvidenceTable,
  RequestLoadError,
  RequestTable,
  SubmitRequest,
  TrialReview,
  usePollWhileTrialRuns,
} from '../components/image-change';
import {
  instanceRequestsPath,
  loadRequestsOfAllInstances,
  requestChange,
  requestPath,
} from '../image-requests';
import type { ListedChange } from '../image-requests';
import type { ChangeState, ImageChange, ImageChangeView, ListedImageChange } from '../image-types';
import { OutcomesChart } from './Outcomes';
import type { ImageContent, Instance, Me, Revision } from '../types';

// Routes of the image rollback-request workflow (src/api/routes/image.ts).
const INSTANCE_REQUESTS = '/api/v1/instances/{instanceId}/image/rollback-requests';
const ONE_REQUEST = '/api/v1/rollback-requests/{id}';

// What the viewer reads once the rollback has ended.
const ENDED: Partial<Record<ChangeState, string>> = {
  resolved:
    'Resolved: the customer confirmed the rollback fixed the problem. A rollback pin now holds the package and a forward-fix follow-up is open.',
  rejected: 'Rejected: nothing more to do. Prefer a targeted forward fix.',
};

// ---- list ------------------------------------------------------------------------------------

export function RollbackRequestsPage({ me }: { me: Me }) {
  return (
    <>
      <h1>Rollback requests</h1>
      <p className="lede">
        An image rollback is a last resort: reviewed for dependency conflicts and impact, approved by a
        provider engineer, and accepted by the customer admin, who owns its downstream effects.
      </p>
      <IfOffered route={INSTANCE_REQUESTS} what="The rollback-request workflow">
        <AllRequests me={me} />
      </IfOffered>
    </>
  );
}

function AllRequests({ me }: { me: Me }) {
  const data = useAsync(async () => (await loadRequestsOfAllInstances('rollback')).rows, []);
  if (data.state === 'loading') return <Loading what="rollback requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  if (data.data.length === 0) {
    // Who may start one is the server's answer (GET /api/v1/me), the permission the request checks.
    const may = me.mayRequest.rollback;
    return (
      <Empty>
        No rollback requests.{' '}
        {may.allowed
          ? 'Start one from an instance page, in its “Image rollback requests” section.'
          : `Requested from an instance page by: ${may.roles.join(', ')}.`}
      </Empty>
    );
  }
  return <RollbackTable rows={data.data} showInstance />;
}

function RollbackTable({ rows, showInstance }: { rows: ListedChange[]; showInstance: boolean }) {
  return (
    <div className="table-wrap card">
      <RequestTable rows={rows} caption="Rollback requests" showInstance={showInstance} />
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
  const canCreate = offers(useCapabilities(), INSTANCE_REQUESTS, 'post');
  return (
    <Section title="Image rollback requests" id="rollback-requests">
      <IfOffered route={INSTANCE_REQUESTS} what="The rollback-request workflow">
        <InstanceRequestList instance={instance} />
        {canCreate && image ? (
          me.mayRequest.rollback.allowed ? (
            <RequestForm instance={instance} image={image} />
          ) : (
            <OwnedBy step="Request a rollback" roles={[...me.mayRequest.rollback.roles]} />
          )
        ) : null}
      </IfOffered>
    </Section>
  );
}

function InstanceRequestList({ instance }: { instance: Instance }) {
  const data = useAsync(
    () => api<{ requests: ImageChange[] }>(instanceRequestsPath('rollback', instance.id)),
    [instance.id],
  );
  if (data.state === 'loading') return <Loading what="rollback requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  if (data.data.requests.length === 0) return <Empty>No rollback requests for this instance.</Empty>;
  return (
    <RollbackTable
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
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    const body = { package: pkg, target: target.trim(), reason: reason.trim() };
    void action.run(() => requestChange('rollback', instance.id, body));
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="request-form-heading">
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
      <TextAreaField id="rb-reason" label="Why" value={reason} onChange={setReason} required />
      <SubmitRequest
        action={action}
        label="Submit rollback request"
        reviewing="Checking availability, dependencies and impact…"
      />
    </form>
  );
}

// ---- one request --------------------------------------------------------------------------------

// The viewer's steps come with the change (nextSteps), computed on the server for their role.
export function RollbackRequestPage({ id }: { me: Me; id: string }) {
  return (
    <IfOffered route={ONE_REQUEST} what="The rollback-request workflow" heading="Rollback request">
      <RequestDetail id={id} />
    </IfOffered>
  );
}

function RequestDetail({ id }: { id: string }) {
  const data = useAsync(() => api<ImageChangeView>(requestPath('rollback', id)), [id]);
  usePollWhileTrialRuns(data.state === 'ready' ? data.data : undefined, data.reload);
  if (data.state === 'loading') return <Loading what="the rollback request" />;
  if (data.state === 'error') return <RequestLoadError error={data.error} kind="rollback" />;
  const change = data.data;
  const { report } = change;
  return (
    <>
      <ChangeHeader change={change} />

      <div className="recommendation" role="note">
        {/^recommended/i.test(report.recommendation) ? null : <strong>Recommended approach. </strong>}
        {report.recommendation}
      </div>

      <Progress change={change} />
      <NextSteps
        change={change}
        // The customer accepts one report: what accepting means is read before the button.
        intros={{ accept: (c) => <AcceptWhat change={c} /> }}
        onDone={data.reload}
        idle={<p className="muted">{ENDED[change.state] ?? noStepWaiting(change)}</p>}
      />

      <ChangeReview change={change} reviewTitle="Dependency review" reviewId="dependencies" />
      <TrialReview change={change} />
      <Section title="Evidence per project" id="project-evidence">
        <ProjectEvidenceTable evidence={change.evidence ?? []} />
      </Section>
      <Section title="Impact" id="impact">
        <p>{report.impactSummary}</p>
        {report.impact ? (
          <>
            <OutcomesChart pipelines={report.impact.pipelines} />
            <Impact impact={report.impact} />
          </>
        ) : null}
      </Section>
      <ChangeRecord change={change} />
      <Activity kind="rollback" id={change.id} version={change.updatedAt} />
      <p className="muted small">
        Report hash <code className="wrap">{change.reportHash}</code>
      </p>
    </>
  );
}

function Progress({ change }: { change: ListedImageChange }) {
  if (change.state === 'rejected') {
    return (
      <p className="problem">
        <strong>Rejected. </strong>
        {change.decisionReason}
      </p>
    );
  }
  return <ChangePath change={change} />;
}

function AcceptWhat({ change }: { change: ImageChange }) {
  return (
    <div className="accept-what">
      <p>
        By accepting, you take responsibility for the downstream effects of this rollback as described in the
        report below: the dependency moves, the impact on each user and pipeline, and the recommendation you
        are setting aside.
      </p>
      <p>
        You accept exactly the report with hash <code className="wrap">{change.reportHash}</code>. If the
        report changes, acceptance must be renewed.
      </p>
    </div>
  );
}
