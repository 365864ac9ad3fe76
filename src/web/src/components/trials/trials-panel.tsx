/*
 * The instance's trials (issue 16): start one (the change to try), watch its progress (polled
 * while one is queued or running), cancel it, and read its result per project: verdict, errors,
 * deprecations, and dbt's log on both sides.
 */
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, seg } from '../../api';
import { useAction, useAsync } from '../../async';
import { ErrorBox, Loading, OwnedBy, Section, When } from '..';
import type { Instance, Me } from '../../types';
import type { ProjectResult, Trial } from './trial-types';

const ACTIVE: readonly Trial['state'][] = ['queued', 'running'];
const POLL_MS = 1500;

const VERDICT_TEXT: Record<ProjectResult['verdict'], string> = {
  breaks: 'breaks',
  fixes: 'fixes',
  unaffected: 'unaffected',
  'still-broken': 'still broken',
};
// The dashboard's existing colours: green for good news, red for bad, amber for waiting.
const VERDICT_CLASS: Record<ProjectResult['verdict'], string> = {
  breaks: 'verdict-breaks',
  fixes: 'verdict-fixes',
  unaffected: 'verdict-unaffected',
  'still-broken': 'verdict-broken',
};
const STATE_CLASS: Record<Trial['state'], string> = {
  queued: 'badge-pending',
  running: 'badge-pending',
  succeeded: 'badge-deployed',
  failed: 'badge-failed',
  cancelled: '',
};

function trialsPath(instance: Pick<Instance, 'id'>): string {
  return `/api/v1/instances/${seg(instance.id)}/image/trials`;
}

export function TrialsPanel({ me, instance }: { me: Me; instance: Instance }) {
  const instanceId = instance.id;
  const trials = useAsync(
    async () => (await api<{ trials: Trial[] }>(trialsPath({ id: instanceId }))).trials,
    [instanceId],
  );
  const active = trials.state === 'ready' && trials.data.some((t) => ACTIVE.includes(t.state));
  // While a trial is queued or running, its progress is read again every POLL_MS.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(trials.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, trials.reload]);

  return (
    <Section title="Trials" id="trials">
      <p className="muted small">
        A trial builds today’s image and the one a change would produce, and runs every registered dbt project
        against both before anything is deployed.
      </p>
      {me.may.startTrial.allowed ? (
        <StartTrial instance={instance} disabled={active} onStarted={trials.reload} />
      ) : (
        <OwnedBy step="Start a trial" roles={[...me.may.startTrial.roles]} />
      )}
      {trials.state === 'loading' ? <Loading what="the trials" /> : null}
      {trials.state === 'error' ? <ErrorBox error={trials.error} /> : null}
      {trials.state === 'ready' && trials.data.length === 0 ? (
        <p className="muted">No trial has run on this instance yet.</p>
      ) : null}
      {trials.state === 'ready' ? (
        <ol className="plain-list trials" aria-label="Trials, newest first">
          {trials.data.map((trial) => (
            <TrialItem
              key={trial.id}
              trial={trial}
              instance={instance}
              canCancel={me.may.cancelTrial.allowed}
              onChanged={trials.reload}
            />
          ))}
        </ol>
      ) : null}
    </Section>
  );
}

function StartTrial({
  instance,
  disabled,
  onStarted,
}: {
  instance: Instance;
  disabled: boolean;
  onStarted: () => void;
}) {
  const [set, setSet] = useState('');
  const action = useAction();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const requests = set
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    if (requests.length === 0) {
      action.refuse('Name the change to try, e.g. dbt-core==1.10.*');
      return;
    }
    await action.run(async () => {
      await api(trialsPath(instance), { method: 'POST', body: { set: requests } });
      setSet('');
      onStarted();
    });
  }
  return (
    <form className="trial-start" onSubmit={(e) => void submit(e)}>
      <div className="form-row">
        <label htmlFor="trial-set">Change to try</label>
        <input
          id="trial-set"
          value={set}
          onChange={(e) => setSet(e.target.value)}
          placeholder="dbt-core==1.10.*"
          aria-describedby="trial-set-help"
        />
        <p id="trial-set-help" className="muted small">
          One or more requirements, separated by spaces or commas. One trial runs per instance at a time.
        </p>
      </div>
      <button type="submit" className="primary" disabled={action.busy || disabled}>
        Start trial
      </button>
      {action.error ? <ErrorBox error={action.error} title="The trial was not started" /> : null}
    </form>
  );
}

function TrialItem({
  trial,
  instance,
  canCancel,
  onChanged,
}: {
  trial: Trial;
  instance: Instance;
  canCancel: boolean;
  onChanged: () => void;
}) {
  const action = useAction();
  const running = ACTIVE.includes(trial.state);
  const { done, total, step } = trial.progress;
  return (
    <li className="trial" data-testid="trial">
      <div className="timeline-head">
        <strong className="mono">{trial.requests.join(', ')}</strong>
        <span className={`badge ${STATE_CLASS[trial.state]}`} data-testid="trial-state">
          {trial.state}
        </span>
        <span className="muted small">
          <When at={trial.createdAt} />
        </span>
        {running && canCancel ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await api(`${trialsPath(instance)}/${seg(trial.id)}/cancel`, { method: 'POST' });
                onChanged();
              })
            }
          >
            Cancel trial
          </button>
        ) : null}
      </div>
      {running ? (
        <p className="trial-progress">
          <progress value={done} max={Math.max(total, 1)} aria-label="Trial progress" />{' '}
          <span data-testid="trial-step">
            {done}/{total} {step}
          </span>
        </p>
      ) : null}
      {trial.error !== null ? (
        <p className="wrap" role="note" data-testid="trial-error">
          {trial.error}
        </p>
      ) : null}
      {action.error ? <ErrorBox error={action.error} title="The trial was not cancelled" /> : null}
      {trial.result !== null ? <TrialResult trial={trial} /> : null}
    </li>
  );
}

function TrialResult({ trial }: { trial: Trial }) {
  const result = trial.result!;
  return (
    <>
      <p className="small">
        {result.changes.length === 0
          ? 'The change moves no package.'
          : result.changes.map((c) => `${c.name} ${c.from ?? '–'} → ${c.to ?? '–'}`).join(', ')}
      </p>
      <table className="trial-projects">
        <caption className="muted small">Each project, today’s image → the candidate</caption>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Verdict</th>
            <th scope="col">Commit</th>
            <th scope="col">Owners</th>
            <th scope="col">What dbt said</th>
          </tr>
        </thead>
        <tbody>
          {result.projects.map((project) => (
            <tr key={project.name} data-testid="trial-project">
              <th scope="row">{project.name}</th>
              <td>
                <span className={`badge ${VERDICT_CLASS[project.verdict]}`} data-testid="verdict">
                  {VERDICT_TEXT[project.verdict]}
                </span>
              </td>
              <td className="mono">
                {project.commit?.slice(0, 12) ?? '–'}
                {project.commitNote ? <p className="small muted wrap">{project.commitNote}</p> : null}
              </td>
              <td className="wrap">{project.owners.join(', ') || '–'}</td>
              <td className="wrap">
                <ProjectDetails project={project} log={result.logs[project.name]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ProjectDetails({
  project,
  log,
}: {
  project: ProjectResult;
  log: { current: string[]; candidate: string[] } | undefined;
}) {
  return (
    <>
      {project.current.error !== null ? (
        <p className="small">
          <span className="muted">Today: </span>
          <span className="mono wrap">{project.current.error}</span>
        </p>
      ) : null}
      {project.candidate.error !== null ? (
        <p className="small">
          <span className="muted">Candidate: </span>
          <span className="mono wrap">{project.candidate.error}</span>
        </p>
      ) : null}
      {project.candidate.deprecations.length > 0 ? (
        <ul className="small deprecations" aria-label={`Deprecations in ${project.name}`}>
          {project.candidate.deprecations.map((d, i) => (
            <li key={`${d.code}-${String(i)}`}>
              <span className="mono">{d.code}</span> {d.name}: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      {project.current.error === null &&
      project.candidate.error === null &&
      project.candidate.deprecations.length === 0 ? (
        <p className="small muted">No errors, no deprecations.</p>
      ) : null}
      {log ? (
        <details>
          <summary>dbt’s log</summary>
          <p className="small muted">Today</p>
          <pre className="log">{log.current.join('\n') || '(empty)'}</pre>
          <p className="small muted">Candidate</p>
          <pre className="log">{log.candidate.join('\n') || '(empty)'}</pre>
        </details>
      ) : null}
    </>
  );
}
