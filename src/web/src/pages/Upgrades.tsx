import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, seg } from '../api';
import { useAction, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, IfOffered, Loading, OwnedBy, Section } from '../components';
import { Activity } from '../components/activity';
import { InstanceSelect, TextAreaField } from '../components/form';
import { ChangePath, NextSteps, noStepWaiting } from '../components/change-steps';
import {
  ChangeHeader,
  ChangeRecord,
  ChangeReview,
  ProjectEvidenceTable,
  RequestLoadError,
  RequestTable,
  SubmitRequest,
  TrialReview,
  usePollWhileTrialRuns,
} from '../components/image-change';
import { loadRequestsOfAllInstances, requestChange, requestPath } from '../image-requests';
import type { ImageChange, ImageChangeView } from '../image-types';
import type { Instance, Me } from '../types';

// Routes of the image upgrade workflow (src/api/routes/image.ts).
const INSTANCE_UPGRADES = '/api/v1/instances/{instanceId}/image/upgrade-requests';
const ONE_UPGRADE = '/api/v1/upgrade-requests/{id}';

const TEST_FIRST =
  'Test before promoting to production: an upgrade deploys to the instance’s test instance first, the customer admin signs off there, and only then is it promoted to production. A production instance without a test instance needs the provider admin’s explicit, audited override.';

const withoutTest = (instance: Instance | undefined): boolean =>
  instance?.kind === 'production' && instance.testInstanceId === null;

// ---- list and request ---------------------------------------------------------------------------

export function UpgradesPage({ me }: { me: Me }) {
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
      <IfOffered route={INSTANCE_UPGRADES} what="The upgrade workflow">
        <UpgradeList me={me} />
      </IfOffered>
    </>
  );
}

function UpgradeList({ me }: { me: Me }) {
  const canCreate = offers(useCapabilities(), INSTANCE_UPGRADES, 'post');
  const data = useAsync(() => loadRequestsOfAllInstances('upgrade'), []);
  if (data.state === 'loading') return <Loading what="upgrade requests" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  const { instances, rows } = data.data;
  return (
    <>
      {/* Who may request is the server's answer (GET /api/v1/me), the permission the request checks. */}
      {canCreate && me.mayRequest.upgrade.allowed ? (
        <UpgradeForm instances={instances} />
      ) : (
        <OwnedBy step="Request an upgrade" roles={[...me.mayRequest.upgrade.roles]} />
      )}
      <Section title="Upgrade requests" id="upgrade-requests">
        {rows.length === 0 ? (
          <Empty>No upgrade requests yet.</Empty>
        ) : (
          <div className="table-wrap">
            <RequestTable rows={rows} caption="Upgrade requests" showInstance />
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
  const action = useAction();
  const chosen = instances.find((i) => i.id === instance);

  function submit(event: FormEvent): void {
    event.preventDefault();
    const lines = requirements.split('\n').map((line) => line.trim());
    const body = { requirements: lines.filter((line) => line !== ''), reason: reason.trim() };
    void action.run(() => requestChange('upgrade', instance, body));
  }

  if (instances.length === 0) return <Empty>No instance to upgrade.</Empty>;
  return (
    <Section title="Request an upgrade" id="request-upgrade">
      <form onSubmit={submit}>
        <div className="form-row">
          <label htmlFor="up-instance">Instance</label>
          <InstanceSelect id="up-instance" instances={instances} value={instance} onChange={setInstance} />
          {chosen && chosen.kind === 'production' && chosen.testInstanceId === null ? (
            <span className="muted small">
              {chosen.name} has no test instance: promotion needs the provider admin’s override.
            </span>
          ) : null}
        </div>
        <TextAreaField
          id="up-requirements"
          label="Requirements"
          value={requirements}
          onChange={setRequirements}
          required
          placeholder="dbt-core==1.11.1"
          help="One PEP 508 requirement per line; co-upgrades are planned for you."
        />
        <TextAreaField id="up-reason" label="Why" value={reason} onChange={setReason} required />
        <SubmitRequest action={action} label="Submit upgrade request" reviewing="Planning the upgrade…" />
      </form>
    </Section>
  );
}

// ---- one request --------------------------------------------------------------------------------

// The viewer's steps come with the change (nextSteps), computed on the server for their role.
export function UpgradePage({ id }: { me: Me; id: string }) {
  return (
    <IfOffered route={ONE_UPGRADE} what="The upgrade workflow" heading="Upgrade request">
      <UpgradeDetail id={id} />
    </IfOffered>
  );
}

function UpgradeDetail({ id }: { id: string }) {
  const data = useAsync(async () => {
    const change = await api<ImageChangeView>(requestPath('upgrade', id));
    const instance = await api<Instance>(`/api/v1/instances/${seg(change.instanceId)}`).catch(
      () => undefined,
    );
    return { change, instance };
  }, [id]);
  usePollWhileTrialRuns(data.state === 'ready' ? data.data.change : undefined, data.reload);
  if (data.state === 'loading') return <Loading what="the upgrade request" />;
  if (data.state === 'error') return <RequestLoadError error={data.error} kind="upgrade" />;
  const { change, instance } = data.data;
  return (
    <>
      <ChangeHeader change={change} />
      {instance && withoutTest(instance) ? (
        <p className="accept-what" role="note">
          {instance.name} has no test instance. The test-first rule cannot be met, so after approval only the
          provider admin may promote it, with an explicit override that is audited.
        </p>
      ) : null}
      {change.state === 'rejected' ? null : <ChangePath change={change} />}
      <NextSteps
        change={change}
        onDone={data.reload}
        idle={
          <p className="muted" role="status">
            {ended(change) ?? noStepWaiting(change)}
          </p>
        }
      />
      <ChangeReview change={change} reviewTitle="Plan" reviewId="plan" />
      <TrialReview change={change} />
      <Section title="Evidence per project" id="project-evidence">
        <ProjectEvidenceTable evidence={change.evidence ?? []} />
      </Section>
      <ChangeRecord change={change} />
      <Activity kind="upgrade" id={change.id} version={change.updatedAt} />
    </>
  );
}

/** What the viewer reads once the upgrade has ended. */
function ended(change: ImageChange): string | null {
  if (change.state === 'completed') return 'Completed: the upgrade runs on production.';
  if (change.state === 'rejected') return `Rejected: ${change.decisionReason ?? 'no reason given'}.`;
  return null;
}
