/**
 * Pipeline outcomes per image revision over time: one lane per pipeline, one mark per run (a filled
 * circle for success, a cross for failure, so colour is not the only cue), and a dashed line where
 * each image revision starts. A reviewer sees the failures begin at the upgrade and who recovered.
 */
import { api, seg } from '../api';
import { useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable, Table } from '../components';
import type { PipelineImpact } from '../image-types';
import type { ImageContent, Instance, Revision } from '../types';

const EVIDENCE = '/api/v1/instances/{instanceId}/evidence';
const IMPACT = '/api/v1/instances/{instanceId}/impact';

interface EvidenceJob {
  pipeline: string;
  jobName: string;
  owner: string | null;
  events: number;
  successes: number;
  failures: number;
  lastEventAt: string;
}

/** The instance page's evidence: the chart (runs on both sides of the last image change) and per-job counts. */
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
  const change = lastChange(imageRevisions);
  return (
    <>
      {change && offers(capabilities, IMPACT) ? <ImpactChart instance={instance} change={change} /> : null}
      <EvidenceJobs instance={instance} />
    </>
  );
}

/** `name==version` of a package the latest image revision moved, so /impact returns runs of both sides. */
function lastChange(revisions: Revision[]): string | null {
  const deployed = revisions.filter((r) => r.status === 'deployed');
  const current = deployed.at(-1)?.content as ImageContent | undefined;
  const previous = deployed.at(-2)?.content as ImageContent | undefined;
  if (!current || !previous) return null;
  const before = new Map(previous.packages.map((p) => [p.name, p.version]));
  const moved =
    current.packages.find((p) => p.name === 'dbt-core' && before.get(p.name) !== p.version) ??
    current.packages.find((p) => before.has(p.name) && before.get(p.name) !== p.version);
  return moved ? `${moved.name}==${before.get(moved.name)!}` : null;
}

function ImpactChart({ instance, change }: { instance: Instance; change: string }) {
  const impact = useAsync(
    () =>
      api<{ report: { pipelines: PipelineImpact[] } | null }>(
        `/api/v1/instances/${seg(instance.id)}/impact?change=${encodeURIComponent(change)}`,
      ),
    [instance.id, change],
  );
  if (impact.state === 'loading') return <Loading what="pipeline runs" />;
  if (impact.state === 'error') return <ErrorBox error={impact.error} />;
  if (!impact.data.report) return <Empty>No run evidence for this instance yet.</Empty>;
  return <OutcomesChart pipelines={impact.data.report.pipelines} />;
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
              {pipeline.evidence.map((run) =>
                run.outcome === 'success' ? (
                  <circle key={run.runId} cx={x(run.at)} cy={y} r={5} fill="#15803d">
                    <title>{`${pipeline.pipeline}: success on image r${String(run.imageRevision)}, ${run.at}`}</title>
                  </circle>
                ) : (
                  <g key={run.runId} stroke="#b91c1c" strokeWidth={2.5}>
                    <title>{`${pipeline.pipeline}: failure on image r${String(run.imageRevision)}, ${run.at}`}</title>
                    <line x1={x(run.at) - 5} x2={x(run.at) + 5} y1={y - 5} y2={y + 5} />
                    <line x1={x(run.at) - 5} x2={x(run.at) + 5} y1={y + 5} y2={y - 5} />
                  </g>
                ),
              )}
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

function truncate(value: string, length: number): string {
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}
