/**
 * Attribution by run and verdicts per job (issue 14), on hand-made evidence shaped like what the
 * Airflow provider 2.20 and dbt-ol 1.54 were seen to send (test/evidence/real-emitters.test.ts runs
 * the real ones): owners on START only, dbt runs that name nobody under an owned DAG, structured-log
 * query jobs three levels down, and a side task that never touches dbt.
 */
import { describe, expect, it } from 'vitest';
import type { ClassifiedEvidence, ImpactReport } from './index.js';
import { PIPELINE_ORDER, attributeRuns, classifyChangeImpact } from './index.js';

const REVISIONS = [
  { revision: 1, packages: { 'dbt-core': '1.10.23' } },
  { revision: 2, packages: { 'dbt-core': '1.11.16' } },
];
const rollback = { packages: [{ name: 'dbt-core', from: '1.11.16', to: '==1.10.*' }] };

let counter = 0;
function uuid(): string {
  counter += 1;
  return `0193a000-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`;
}

type Event = ClassifiedEvidence;

function event(fields: Partial<Event> & Pick<Event, 'runId' | 'jobName' | 'eventTime'>): Event {
  return {
    idempotencyKey: `${fields.runId}|${fields.eventTime}`,
    parentRunId: null,
    pipeline: fields.jobName,
    pipelineRunId: fields.runId,
    project: null,
    imageRevision: null,
    codeRevision: null,
    owners: [],
    ownerSource: null,
    outcome: null,
    ...fields,
  };
}

interface DagRunSpec {
  readonly day: number;
  readonly revision: number;
  readonly code: string;
  readonly dbtOk: boolean;
  readonly dag?: string;
  readonly owner?: string;
}

/** One Airflow DAG run: `extract` (always green) and `dbt_run`, which runs dbt-ol with two levels below. */
function dagRun(spec: DagRunSpec): Event[] {
  const dag = spec.dag ?? 'shop_daily';
  const at = (minute: number): string => new Date(Date.UTC(2026, 10, spec.day, 9, minute)).toISOString();
  const [dagId, extractId, taskId, dbtId, modelId, queryId] = [
    uuid(),
    uuid(),
    uuid(),
    uuid(),
    uuid(),
    uuid(),
  ];
  const revision = { imageRevision: spec.revision };
  const under = (parent: string, parentRunId: string) => ({
    parentRunId,
    pipelineRunId: dagId,
    pipeline: parent,
  });
  const outcome = spec.dbtOk ? 'success' : 'failure';
  return [
    // The DAG's owners come on START only; COMPLETE/FAIL are slim.
    event({
      runId: dagId,
      jobName: dag,
      eventTime: at(0),
      owners: [spec.owner ?? 'bea'],
      ownerSource: 'airflow',
      ...revision,
    }),
    event({ runId: dagId, jobName: dag, eventTime: at(30), outcome, codeRevision: null, ...revision }),
    event({
      runId: extractId,
      jobName: `${dag}.extract`,
      eventTime: at(1),
      owners: ['ops'],
      ownerSource: 'airflow-task',
      ...under(dag, dagId),
      ...revision,
    }),
    event({
      runId: extractId,
      jobName: `${dag}.extract`,
      eventTime: at(2),
      outcome: 'success',
      ...under(dag, dagId),
      ...revision,
    }),
    event({ runId: taskId, jobName: `${dag}.dbt_run`, eventTime: at(3), ...under(dag, dagId), ...revision }),
    event({
      runId: taskId,
      jobName: `${dag}.dbt_run`,
      eventTime: at(29),
      outcome,
      ...under(dag, dagId),
      ...revision,
    }),
    // dbt-ol names nobody and knows its code; its query jobs sit under a model.
    event({
      runId: dbtId,
      jobName: 'dbt-run-shop',
      eventTime: at(4),
      project: 'shop',
      codeRevision: spec.code,
      ...under(dag, taskId),
      ...revision,
    }),
    event({
      runId: dbtId,
      jobName: 'dbt-run-shop',
      eventTime: at(28),
      outcome,
      project: 'shop',
      codeRevision: spec.code,
      ...under(dag, taskId),
      ...revision,
    }),
    ...(spec.dbtOk
      ? [
          event({
            runId: modelId,
            jobName: 'model.shop.orders',
            eventTime: at(10),
            outcome: 'success',
            ...under('dbt-run-shop', dbtId),
            ...revision,
          }),
          // The event-level guess for a query job is its project's dbt run; the run tree says the DAG.
          event({
            runId: queryId,
            jobName: 'model.shop.orders.sql.2',
            eventTime: at(9),
            outcome: 'success',
            ...under('dbt-run-shop', modelId),
            ...revision,
          }),
        ]
      : []),
  ];
}

function classify(runs: readonly Event[]): ImpactReport {
  return classifyChangeImpact({
    change: rollback,
    runs,
    revisions: REVISIONS,
    currentRevision: 2,
    now: '2026-11-20T12:00:00Z',
  });
}

describe('attributeRuns', () => {
  it('gathers owners from START, and gives dbt runs and their queries the owners and DAG of their root run', () => {
    const events = dagRun({ day: 10, revision: 2, code: 'b1', dbtOk: true });
    const runs = attributeRuns(events);
    const query = events.find((e) => e.jobName === 'model.shop.orders.sql.2')!;
    expect(runs.get(query.runId)).toMatchObject({
      named: ['bea'],
      pipeline: 'shop_daily',
      project: 'shop',
      codeRevision: 'b1',
      topRunId: events[0]!.runId,
    });
    // A task's own owner beats the DAG's.
    const extract = events.find((e) => e.jobName === 'shop_daily.extract')!;
    expect(runs.get(extract.runId)?.named).toEqual(['ops']);
  });

  it('lets a named owner up the tree beat an ownership rule on the run itself', () => {
    const [start, , , , , , dbt] = dagRun({ day: 10, revision: 2, code: 'b1', dbtOk: true });
    const ruled = { ...dbt!, owners: ['fallback-team'], ownerSource: 'ownership-rule' as const };
    expect(attributeRuns([start!, ruled]).get(dbt!.runId)).toMatchObject({ named: ['bea'] });
    expect(attributeRuns([ruled]).get(dbt!.runId)).toMatchObject({ named: [], ruled: ['fallback-team'] });
  });
});

describe('verdicts per job and per pipeline', () => {
  // bea's dbt code b1 succeeded on dbt 1.10 and fails on 1.11; the extract task never cared.
  const events = [
    ...dagRun({ day: 8, revision: 1, code: 'b1', dbtOk: true }),
    ...dagRun({ day: 11, revision: 2, code: 'b1', dbtOk: false }),
  ];
  const report = classify(events);
  const pipeline = report.pipelines[0]!;

  it('judges every job seen in the window; a side task keeps its own verdict', () => {
    expect(report.pipelines.map((p) => p.pipeline)).toEqual(['shop_daily']);
    const jobs = Object.fromEntries(pipeline.jobs.map((job) => [job.job, [job.verdict, job.owners]]));
    expect(jobs).toEqual({
      'dbt-run-shop': ['fixes', ['bea']],
      'model.shop.orders': ['unknown', ['bea']],
      'model.shop.orders.sql.2': ['unknown', ['bea']],
      shop_daily: ['fixes', ['bea']],
      'shop_daily.dbt_run': ['fixes', ['bea']],
      'shop_daily.extract': ['unaffected', ['ops']],
    });
    expect(pipeline.jobs.find((job) => job.job === 'model.shop.orders')?.basis).toBe('no-current-runs');
  });

  it('derives the pipeline verdict from its jobs, leaving out jobs that no longer run', () => {
    expect(pipeline).toMatchObject({ verdict: 'fixes', owners: ['bea', 'ops'], project: 'shop' });
    expect(report.affectedUsers).toEqual([
      { user: 'bea', verdicts: ['fixes'], pipelines: ['shop_daily'], shouldForwardFix: true },
    ]);
    expect(report.byUser.find((group) => group.key === 'ops')?.counts.unaffected).toBe(1);
    expect(report.summary).toBe('Rollback fixes 1 pipeline of bea.');
  });

  it('never lets an unknown job look safe: it outranks fixes and unaffected', () => {
    expect(PIPELINE_ORDER).toEqual(['breaks', 'unknown', 'still-broken', 'fixes', 'unaffected']);
    // A new task that ran only on the current revision: its pipeline can no longer be called fixed.
    const later = new Date(Date.UTC(2026, 10, 11, 10)).toISOString();
    const added = event({
      runId: uuid(),
      jobName: 'shop_daily.publish',
      eventTime: later,
      outcome: 'success',
      parentRunId: events.find((e) => e.jobName === 'shop_daily' && e.imageRevision === 2)!.runId,
      pipelineRunId: events.find((e) => e.jobName === 'shop_daily' && e.imageRevision === 2)!.runId,
      pipeline: 'shop_daily',
      imageRevision: 2,
    });
    const withNewTask = classify([...events, added]).pipelines[0]!;
    expect(withNewTask.verdict).toBe('unknown');
    expect(withNewTask.jobs.find((job) => job.job === 'shop_daily.publish')).toMatchObject({
      verdict: 'unknown',
      owners: ['bea'],
    });
  });
});
