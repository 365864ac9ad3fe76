/**
 * Pipeline outcomes per image revision over time. The instance page shows the run history
 * (`/outcomes`: runs per pipeline, day and image revision, each deployment a dashed line at its
 * time), which a later change never rewrites. A rollback request shows the runs its stored impact
 * report cites (OutcomesChart). Marks: a filled circle for success, a cross when a run failed, so
 * colour is not the only cue.
 */
import { api, seg } from '../api';
import { useAsync, useReloadOn } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, Table } from '../components';
import type { PipelineImpact } from '../image-types';
import type { Instance, OutcomesHistory, Revision } from '../types';

const EVIDENCE = '/api/v1/instances/{instanceId}/evidence';
const OUTCOMES = '/api/v1/instances/{instanceId}/outcomes';

interface EvidenceJob {
  pipeline: string;
  jobName: string;
  owner: string | null;
  events: number;
  successes: number;
  failures: number;
  lastEventAt: string;
}

/** The instance page's evidence: the run history chart and per-job counts. */
export function InstanceEvidence({
  instance,
  imageRevisions,
}: {
  instance: Instance;
  imageRevisions: Revision[];
}) {
  const capabilities = useCapabilities();
  if (!offers(capabilities, EVIDENCE)) {
    return <NotAvailable what="Run evidence" route={`GET ${EVIDENCE}`} />;
  }
  // Reloaded when a deployment lands (a new image revision): the history gains a marker.
  const key = imageRevisions.map((r) => `${String(r.number)}${r.status}`).join(',');
  return (
    <>
      {offers(capabilities, OUTCOMES) ? <HistoryChart instance={instance} reloadKey={key} /> : null}
      <EvidenceJobs instance={instance} />
    </>
  );
}

function HistoryChart({ instance, reloadKey }: { instance: Instance; reloadKey: string }) {
  const history = useAsync(
    () => api<OutcomesHistory>(`/api/v1/instances/${seg(instance.id)}/outcomes`),
    [instance.id],
  );
  useReloadOn(reloadKey, history.reload);
  if (history.state === 'loading') return <Loading what="pipeline runs" />;
  if (history.state === 'error') return <ErrorBox error={history.error} />;
  return <OutcomesHistoryChart history={history.data} />;
}

/** Runs per pipeline and day on a time axis from `since` to `until`, deployments as dashed lines. */
export function OutcomesHistoryChart({ history }: { history: OutcomesHistory }) {
  const lanes = history.pipelines.filter((p) => p.days.length > 0);
  if (lanes.length === 0) return <Empty>No pipeline runs in the evidence window.</Empty>;
  const start = Date.parse(history.since);
  const end = Date.parse(history.until);
  const span = Math.max(end - start, 1);
  const x = (time: number): number =>
    LABEL + (Math.min(Math.max(time - start, 0), span) / span) * (WIDTH - LABEL - 20) + 10;
  const height = TOP + lanes.length * LANE + 24;
  const buckets = lanes.flatMap((p) => p.days);
  const runs = buckets.reduce((sum, b) => sum + b.successes + b.failures, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failures, 0);
  const inWindow = history.deployments.filter((d) => Date.parse(d.deployedAt) >= start);
  const before = history.deployments.filter((d) => Date.parse(d.deployedAt) < start).at(-1);
  const fmt = (t: number): string =>
    new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const markerText = (d: OutcomesHistory['deployments'][number]): string =>
    `image r${String(d.revision)} deployed ${fmt(Date.parse(d.deployedAt))}${d.moved.length > 0 ? `: ${d.moved.join(', ')}` : ''}`;
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${String(WIDTH)} ${String(height)}`}
        role="img"
        aria-labelledby="history-title history-desc"
      >
        <title id="history-title">Pipeline runs per day and image revision</title>
        <desc id="history-desc">
          {`${String(runs)} runs of ${String(lanes.length)} pipelines from ${fmt(start)} to ${fmt(end)}, ${String(failed)} failed. ` +
            (before ? `In force at the start: image r${String(before.revision)}. ` : '') +
            inWindow.map(markerText).join('; ')}
        </desc>
        {/* The revision in force when the window opens sits on its left edge, so the window's start
            (a moving "30 days ago") never decides whether a deployment shows. */}
        {(before ? [before, ...inWindow] : inWindow).map((d) => {
          const at = x(Date.parse(d.deployedAt));
          const since = d === before ? 'since ' : '';
          return (
            <g key={d.revision} data-deployment={d.revision} data-deployed-at={d.deployedAt}>
              <title>{markerText(d)}</title>
              <line x1={at} x2={at} y1={TOP - 12} y2={height - 20} stroke="#475569" strokeDasharray="4 3" />
              <text x={at + 4} y={TOP - 14} fontSize="12" fill="#1e293b">
                {`image r${String(d.revision)} · ${since}${fmt(Date.parse(d.deployedAt))}`}
              </text>
            </g>
          );
        })}
        {lanes.map((pipeline, i) => {
          const y = TOP + i * LANE + LANE / 2;
          return (
            <g key={pipeline.pipeline}>
              <line x1={LABEL} x2={WIDTH - 10} y1={y} y2={y} stroke="#e2e8f0" />
              <text x={8} y={y + 4} fontSize="12" fill="#1b1f24">
                {truncate(pipeline.pipeline, 22)}
                {pipeline.owners.length > 0 ? ` · ${truncate(pipeline.owners.join(', '), 8)}` : ''}
              </text>
              {pipeline.days.map((bucket) => {
                // Noon of the day, so a day's mark sits between the midnights around it.
                const cx = x(Date.parse(`${bucket.day}T12:00:00.000Z`));
                const label = `${pipeline.pipeline}, ${bucket.day}, image ${bucket.revision === null ? 'unknown' : `r${String(bucket.revision)}`}: ${String(bucket.successes)} succeeded, ${String(bucket.failures)} failed`;
                const key = `${bucket.day}-${String(bucket.revision)}`;
                return (
                  <OutcomeMark key={key} ok={bucket.failures === 0} cx={cx} cy={y} label={label} bucket />
                );
              })}
            </g>
          );
        })}
        <text x={LABEL} y={height - 4} fontSize="11" fill="#4d5661">
          {fmt(start)}
        </text>
        <text x={WIDTH - 10} y={height - 4} fontSize="11" fill="#4d5661" textAnchor="end">
          {fmt(end)}
        </text>
      </svg>
      <figcaption className="legend">
        <span>
          <span className="swatch swatch-ok" aria-hidden="true" /> all runs of the day succeeded
        </span>
        <span>
          <span className="swatch swatch-bad" aria-hidden="true" /> a run failed (cross)
        </span>
        <span>dashed line: an image revision deployed</span>
        {before ? <span>{`in force at the start: image r${String(before.revision)}`}</span> : null}
      </figcaption>
    </figure>
  );
}

function EvidenceJobs({ instance }: { instance: Instance }) {
  const evidence = useAsync(
    () => api<{ jobs: EvidenceJob[]; since: string }>(`/api/v1/instances/${seg(instance.id)}/evidence`),
    [instance.id],
  );
  if (evidence.state === 'loading') return <Loading what="run evidence" />;
  if (evidence.state === 'error') return <ErrorBox error={evidence.error} />;
  const pipelines = evidence.data.jobs.filter((job) => job.jobName === job.pipeline);
  const rows = pipelines.length > 0 ? pipelines : evidence.data.jobs;
  if (rows.length === 0) {
    return (
      <Empty>
        No run evidence recorded for this instance. Point the Airflow and dbt OpenLineage emitters at{' '}
        <code>/api/v1/lineage</code>.
      </Empty>
    );
  }
  return (
    <details className="stack">
      <summary>Run counts per pipeline ({rows.length})</summary>
      <Table caption="Run counts per pipeline" columns={['Pipeline', 'Owner', 'Succeeded', 'Failed']}>
        {rows.map((job) => (
          <tr key={job.jobName}>
            <th scope="row" className="wrap">
              {job.jobName}
            </th>
            <td>{job.owner ?? <span className="muted">unknown</span>}</td>
            <td>{job.successes}</td>
            <td>{job.failures}</td>
          </tr>
        ))}
      </Table>
    </details>
  );
}

const LANE = 30;
const LABEL = 230;
const WIDTH = 1000;
const TOP = 28;

export function OutcomesChart({ pipelines }: { pipelines: readonly PipelineImpact[] }) {
  const lanes = pipelines.filter((p) => p.evidence.length > 0);
  if (lanes.length === 0) return <Empty>No pipeline runs in the evidence window.</Empty>;
  const runs = lanes.flatMap((p) => p.evidence);
  const times = runs.map((r) => Date.parse(r.at));
  const start = Math.min(...times);
  const end = Math.max(...times);
  const span = Math.max(end - start, 1);
  const x = (at: string): number => LABEL + ((Date.parse(at) - start) / span) * (WIDTH - LABEL - 20) + 10;
  // Where each image revision starts: its earliest run.
  const firstRun = new Map<number, string>();
  for (const run of [...runs].sort((a, b) => a.at.localeCompare(b.at))) {
    if (!firstRun.has(run.imageRevision)) firstRun.set(run.imageRevision, run.at);
  }
  const height = TOP + lanes.length * LANE + 24;
  const failures = runs.filter((r) => r.outcome === 'failure').length;
  const fmt = (t: number): string =>
    new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${String(WIDTH)} ${String(height)}`}
        role="img"
        aria-labelledby="outcomes-title outcomes-desc"
      >
        <title id="outcomes-title">Pipeline outcomes per image revision over time</title>
        <desc id="outcomes-desc">
          {`${String(runs.length)} runs of ${String(lanes.length)} pipelines, ${String(failures)} failed. ` +
            lanes
              .map(
                (p) =>
                  `${p.pipeline}: ${p.verdict}${p.owners.length > 0 ? ` (owners ${p.owners.join(', ')})` : ''}`,
              )
              .join('; ')}
        </desc>
        {[...firstRun.entries()].map(([revision, at]) => (
          <g key={revision}>
            <line
              x1={x(at)}
              x2={x(at)}
              y1={TOP - 12}
              y2={height - 20}
              stroke="#475569"
              strokeDasharray="4 3"
            />
            <text x={x(at) + 4} y={TOP - 14} fontSize="12" fill="#1e293b">
              image r{revision}
            </text>
          </g>
        ))}
        {lanes.map((pipeline, i) => {
          const y = TOP + i * LANE + LANE / 2;
          return (
            <g key={pipeline.pipeline}>
              <line x1={LABEL} x2={WIDTH - 10} y1={y} y2={y} stroke="#e2e8f0" />
              <text x={8} y={y + 4} fontSize="12" fill="#1b1f24">
                {truncate(pipeline.pipeline, 22)}
                {pipeline.owners.length > 0 ? ` · ${truncate(pipeline.owners.join(', '), 8)}` : ''}
              </text>
              {pipeline.evidence.map((run) => (
                <OutcomeMark
                  key={run.runId}
                  ok={run.outcome === 'success'}
                  cx={x(run.at)}
                  cy={y}
                  label={`${pipeline.pipeline}: ${run.outcome} on image r${String(run.imageRevision)}, ${run.at}`}
                />
              ))}
            </g>
          );
        })}
        <text x={LABEL} y={height - 4} fontSize="11" fill="#4d5661">
          {fmt(start)}
        </text>
        <text x={WIDTH - 10} y={height - 4} fontSize="11" fill="#4d5661" textAnchor="end">
          {fmt(end)}
        </text>
      </svg>
      <figcaption className="legend">
        <span>
          <span className="swatch swatch-ok" aria-hidden="true" /> success
        </span>
        <span>
          <span className="swatch swatch-bad" aria-hidden="true" /> failure (cross)
        </span>
        <span>dashed line: first run on an image revision</span>
      </figcaption>
    </figure>
  );
}

/**
 * One mark on a chart lane: a filled circle when everything succeeded, a cross when something
 * failed (the shape says it, not only the colour). `bucket` tags a day's mark for the history chart.
 */
function OutcomeMark({
  ok,
  cx,
  cy,
  label,
  bucket = false,
}: {
  ok: boolean;
  cx: number;
  cy: number;
  label: string;
  bucket?: boolean;
}) {
  const tag = bucket ? { 'data-bucket': label } : {};
  return ok ? (
    <circle {...tag} cx={cx} cy={cy} r={5} fill="#15803d">
      <title>{label}</title>
    </circle>
  ) : (
    <g {...tag} stroke="#b91c1c" strokeWidth={2.5}>
      <title>{label}</title>
      <line x1={cx - 5} x2={cx + 5} y1={cy - 5} y2={cy + 5} />
      <line x1={cx - 5} x2={cx + 5} y1={cy + 5} y2={cy - 5} />
    </g>
  );
}

function truncate(value: string, length: number): string {
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}
