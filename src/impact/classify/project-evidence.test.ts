/**
 * The report's per-project evidence (issue 16): the trial's predictions beside the classifier's
 * observed pipelines, grouped by dbt project, each labelled with its source.
 */
import { describe, expect, it } from 'vitest';
import { classifyChangeImpact, mergeProjectEvidence } from './index.js';
import type { ClassifiedEvidence, PredictedProject } from './index.js';

function run(runId: string, pipeline: string, project: string | null, day: number): ClassifiedEvidence {
  const eventTime = `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`;
  return {
    idempotencyKey: `${runId}|${eventTime}`,
    eventTime,
    runId,
    parentRunId: null,
    pipeline,
    pipelineRunId: runId,
    jobName: pipeline,
    project,
    imageRevision: 2,
    codeRevision: 'c0ffee',
    owners: ['bea'],
    ownerSource: 'airflow',
    outcome: 'success',
  };
}

const impact = classifyChangeImpact({
  change: { packages: [{ name: 'dbt-core', from: '1.11.16', to: '==1.10.*' }] },
  runs: [
    run('r1', 'shop_daily', 'shop', 10),
    run('r2', 'shop_hourly', 'shop', 11),
    run('r3', 'export', null, 12),
  ],
  revisions: [
    { revision: 1, packages: { 'dbt-core': '1.10.23' } },
    { revision: 2, packages: { 'dbt-core': '1.11.16' } },
  ],
  currentRevision: 2,
  now: '2026-11-20T12:00:00Z',
});

const shop: PredictedProject = {
  name: 'shop',
  owners: ['ada@acme.example'],
  commit: 'c0ffee',
  current: { ok: true, error: null },
  candidate: {
    ok: false,
    error: 'Runtime Error: requires dbt >=1.11.0',
    deprecations: [{ code: 'D024', name: 'DuplicateYAMLKeysDeprecation', message: 'dup' }],
  },
  verdict: 'breaks',
};
const marts: PredictedProject = {
  ...shop,
  name: 'marts',
  verdict: 'unaffected',
  candidate: { ok: true, error: null, deprecations: [] },
};

describe('mergeProjectEvidence', () => {
  it('puts each project’s prediction first, then its observed pipelines, each labelled', () => {
    const merged = mergeProjectEvidence(impact, [shop, marts]);
    expect(merged.map((group) => group.project)).toEqual(['export', 'marts', 'shop']);
    const byProject = Object.fromEntries(merged.map((group) => [group.project, group.entries]));
    expect(byProject['shop']!.map((e) => [e.source, e.pipeline])).toEqual([
      ['predicted', null],
      ['observed', 'shop_daily'],
      ['observed', 'shop_hourly'],
    ]);
    expect(byProject['shop']![0]).toMatchObject({
      verdict: 'breaks',
      error: 'Runtime Error: requires dbt >=1.11.0',
      deprecations: [{ code: 'D024' }],
      owners: ['ada@acme.example'],
    });
    // Observed verdicts come from the classifier as they are: never upgraded by the prediction.
    const observed = impact.pipelines.find((p) => p.pipeline === 'shop_daily')!;
    expect(byProject['shop']![1]).toMatchObject({
      verdict: observed.verdict,
      reason: observed.reason,
      owners: ['bea'],
    });
    // A pipeline with no known project stands alone; a project nobody ran has only its prediction.
    expect(byProject['export']!.map((e) => e.source)).toEqual(['observed']);
    expect(byProject['marts']!.map((e) => e.source)).toEqual(['predicted']);
  });

  it('works with either side missing', () => {
    expect(mergeProjectEvidence(null, null)).toEqual([]);
    expect(mergeProjectEvidence(null, [marts])).toEqual([
      {
        project: 'marts',
        entries: [expect.objectContaining({ source: 'predicted', verdict: 'unaffected', error: null })],
      },
    ]);
    expect(mergeProjectEvidence(impact, null).flatMap((g) => g.entries.map((e) => e.source))).toEqual([
      'observed',
      'observed',
      'observed',
    ]);
  });
});
