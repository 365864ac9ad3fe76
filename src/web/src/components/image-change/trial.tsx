import { useEffect } from 'react';
import type {
  ImageChange,
  ImageChangeView,
  ProjectEvidence,
  ProjectTrialResult,
  Trial,
} from '../../image-types';
import { Empty } from '../feedback';
import { Section } from '../section';
import { Table } from '../table';
import { VerdictBadge } from './impact';

const ACTIVE: Trial['state'][] = ['queued', 'running'];

/** A change from a listing (no trial loaded) or from its own page (GET .../{id}: with trial and evidence). */
type ChangeWithTrial = ImageChange & Partial<Pick<ImageChangeView, 'trial' | 'evidence'>>;

/** Whether the change's trial is still running (the page polls until it finished). */
export function trialRunning(change: ChangeWithTrial): boolean {
  return change.trial !== undefined && change.trial !== null && ACTIVE.includes(change.trial.state);
}

/** Reloads the change every two seconds while its trial runs, so progress and verdicts appear. */
export function usePollWhileTrialRuns(change: ChangeWithTrial | undefined, reload: () => void): void {
  const running = change !== undefined && trialRunning(change);
  const marker = change?.trial
    ? `${change.trial.state}-${change.trial.progress.done}-${change.updatedAt}`
    : '';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [running, marker, reload]);
}

function ProjectRow({ project, trial }: { project: ProjectTrialResult; trial: Trial }) {
  const logs = trial.result?.logs[project.name];
  const error = project.candidate.error ?? project.current.error;
  return (
    <tr>
      <th scope="row" className="wrap">
        {project.name}
        {project.commit ? (
          <div className="muted small">
            <code>{project.commit.slice(0, 12)}</code>
          </div>
        ) : null}
      </th>
      <td className="wrap small">{project.owners.join(', ')}</td>
      <td>
        <VerdictBadge verdict={project.verdict} />
      </td>
      <td className="small wrap">
        {error ? <pre className="wrap trial-error">{error}</pre> : <span className="muted">none</span>}
      </td>
      <td className="small wrap">
        {project.candidate.deprecations.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="plain-list">
            {project.candidate.deprecations.map((d) => (
              <li key={`${d.code}-${d.message}`}>
                <code>{d.code}</code> {d.name}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="small">
        {logs ? (
          <details>
            <summary>Log of {project.name}</summary>
            <h4>Today’s image</h4>
            <pre className="wrap trial-log">{logs.current.join('\n') || '(empty)'}</pre>
            <h4>Candidate image</h4>
            <pre className="wrap trial-log">{logs.candidate.join('\n') || '(empty)'}</pre>
          </details>
        ) : (
          <span className="muted">no log</span>
        )}
      </td>
    </tr>
  );
}

/** The review's trial: each registered project run on today's image and on the candidate. */
export function TrialReview({ change }: { change: ChangeWithTrial }) {
  const step = change.report.trial;
  const trial = change.trial ?? null;
  return (
    <Section title="Trial (predicted)" id="trial">
      {!step ? (
        <Empty>This report is older than the trial step.</Empty>
      ) : step.id === null || trial === null ? (
        <p className="muted">
          <strong>Not tried. </strong>
          {step.skipped ?? 'The trial of this change is gone.'}
        </p>
      ) : ACTIVE.includes(trial.state) ? (
        <p aria-live="polite">
          Trial <code>{trial.id}</code> is {trial.state}: {trial.progress.step} ({trial.progress.done} of{' '}
          {trial.progress.total}). Approval waits for it.
        </p>
      ) : trial.state !== 'succeeded' || trial.result === null ? (
        <p className="problem">
          Trial <code>{trial.id}</code> {trial.state}
          {trial.error ? `: ${trial.error}` : '.'} Nothing predicts what the change does to the projects.
        </p>
      ) : (
        <>
          <p className="muted small">
            Trial <code>{trial.id}</code> ran each registered dbt project at the commit it last ran, with{' '}
            <code>dbt parse</code>/<code>dbt compile</code>, on today’s image and on the candidate image. Its
            verdicts are predictions, not observed runs.
          </p>
          <Table
            caption="Trial per project"
            columns={['Project', 'Owners', 'Verdict', 'Error', 'Deprecations', 'Log']}
          >
            {trial.result.projects.map((p) => (
              <ProjectRow key={p.name} project={p} trial={trial} />
            ))}
          </Table>
        </>
      )}
    </Section>
  );
}

const SOURCE_TEXT = { predicted: 'predicted (trial)', observed: 'observed (runs)' } as const;

/** The report's evidence per dbt project, each entry labelled with where it comes from. */
export function ProjectEvidenceTable({ evidence }: { evidence: readonly ProjectEvidence[] }) {
  if (evidence.length === 0)
    return <Empty>Neither a trial nor a run says anything about a project yet.</Empty>;
  return (
    <Table caption="Evidence per project" columns={['Project', 'Source', 'Verdict', 'Because']}>
      {evidence.flatMap((group) =>
        group.entries.map((entry, i) => (
          <tr key={`${group.project}-${entry.source}-${entry.pipeline ?? ''}`}>
            {i === 0 ? (
              <th scope="rowgroup" rowSpan={group.entries.length} className="wrap">
                {group.project}
              </th>
            ) : null}
            <td>
              <span className={`badge source-${entry.source}`}>{SOURCE_TEXT[entry.source]}</span>
              {entry.pipeline ? <div className="muted small wrap">{entry.pipeline}</div> : null}
            </td>
            <td>
              <VerdictBadge verdict={entry.verdict} />
            </td>
            <td className="small wrap">{entry.reason}</td>
          </tr>
        )),
      )}
    </Table>
  );
}
