import { describe, expect, it } from 'vitest';
import {
  COMMITS,
  INSTANCE_ID,
  NAMESPACE,
  NOW,
  OWNERSHIP,
  PIPELINES,
  REVISIONS,
  pipelineRunEvents,
  scenarioEvents,
  scenarioNdjson,
} from '../../test/support/openlineage/scenario.js';
import type { ClassifyInput, ImpactReport, PipelineImpact, RunEvidence } from './index.js';
import { classifyChangeImpact, extractRunEvidence, parseEventBatch, reportHash } from './index.js';

const context = {
  namespaces: { [NAMESPACE]: INSTANCE_ID },
  deployments: { [INSTANCE_ID]: REVISIONS },
  ownership: OWNERSHIP,
};

function evidenceOf(ndjson: string): RunEvidence[] {
  return parseEventBatch(ndjson, 'application/x-ndjson').events.map((event) =>
    extractRunEvidence(event, context),
  );
}

const rollback = { packages: [{ name: 'dbt-core', from: '1.11.2', to: '==1.10.*' }] };

function classify(runs: readonly RunEvidence[], overrides: Partial<ClassifyInput> = {}): ImpactReport {
  return classifyChangeImpact({
    change: rollback,
    runs,
    revisions: REVISIONS,
    currentRevision: 7,
    constraints: [],
    now: NOW,
    ...overrides,
  });
}

function pipeline(report: ImpactReport, name: string): PipelineImpact {
  const found = report.pipelines.find((p) => p.pipeline === name);
  if (found === undefined) throw new Error(`no verdict for ${name}`);
  return found;
}

describe('the rollback scenario (policy "Cascading Impact Risk")', () => {
  const runs = evidenceOf(scenarioNdjson());
  const report = classify(runs);

  it('says the rollback breaks ana, who adapted on Nov 12, and cites the runs', () => {
    const finance = pipeline(report, 'finance_daily');
    expect(finance).toMatchObject({
      verdict: 'breaks',
      basis: 'adapted',
      owners: ['ana'],
      project: 'finance',
    });
    expect(finance.currentCode).toBe(COMMITS.financeAdapted);
    expect(finance.adaptedAt).toBe('2025-11-12T09:22:00.000Z');
    expect(finance.reason).toBe(
      'Succeeded on revision 7 (dbt-core 1.11.2) with commit 4f2c1a9 after failing there with commit 9e8d7c6; ' +
        'never succeeded on dbt-core 1.10.* with this code: it adapted on Nov 12.',
    );
    // The old code green on revision 6, red on 7, then the new code green on 7.
    expect(finance.evidence.map((run) => [run.imageRevision, run.codeRevision, run.outcome])).toEqual([
      [6, COMMITS.financeOld, 'success'],
      [7, COMMITS.financeOld, 'failure'],
      [7, COMMITS.financeAdapted, 'success'],
      [7, COMMITS.financeAdapted, 'success'],
    ]);
  });

  it('says the rollback fixes bea, whose unchanged code fails since the upgrade', () => {
    const marketing = pipeline(report, 'marketing_attribution');
    expect(marketing).toMatchObject({ verdict: 'fixes', owners: ['bea'] });
    expect(marketing.reason).toBe(
      'Fails on revision 7 (dbt-core 1.11.2) since Nov 10 with commit c0ffee1, which succeeded on revision 6 (dbt-core 1.10.4) on Nov 9.',
    );
    expect(marketing.evidence[0]).toMatchObject({
      imageRevision: 6,
      outcome: 'success',
      at: '2025-11-09T09:22:00.000Z',
    });
  });

  it('calls pipelines green on both with the same code unaffected, and owns them by rule when Airflow names nobody', () => {
    expect(pipeline(report, 'sales_rollup')).toMatchObject({ verdict: 'unaffected', owners: ['carl'] });
    expect(pipeline(report, 'ops_health')).toMatchObject({ verdict: 'unaffected', owners: ['dan'] });
  });

  it('never counts a pipeline that only ran on the new revision as safe', () => {
    const forecast = pipeline(report, 'forecast_weekly');
    expect(forecast).toMatchObject({ verdict: 'unknown', basis: 'no-target-runs', owners: ['eve'] });
    expect(forecast.reason).toMatch(/never ran with dbt-core 1\.10\.\* in the last 30 days/);
  });

  it('sums it up per user, per project and in one sentence', () => {
    expect(report.direction).toBe('rollback');
    expect(report.targetRevisions).toEqual([6]);
    expect(report.counts).toEqual({ breaks: 1, fixes: 1, 'still-broken': 0, unaffected: 2, unknown: 1 });
    expect(report.summary).toBe(
      'Rollback fixes 1 pipeline of bea; breaks 1 pipeline of ana (adapted on Nov 12, commit 4f2c1a9); 2 unaffected; 1 unknown.',
    );
    expect(report.affectedUsers).toEqual([
      { user: 'ana', verdicts: ['breaks'], pipelines: ['finance_daily'], shouldForwardFix: false },
      { user: 'bea', verdicts: ['fixes'], pipelines: ['marketing_attribution'], shouldForwardFix: true },
      { user: 'eve', verdicts: ['unknown'], pipelines: ['forecast_weekly'], shouldForwardFix: false },
    ]);
    expect(report.byProject.find((g) => g.key === 'finance')?.counts.breaks).toBe(1);
  });

  it('hashes the same evidence the same way, and new evidence differently', () => {
    const again = classify(structuredClone(runs), { now: '2025-11-20T12:05:00.000Z' });
    expect(reportHash(again)).toBe(reportHash(report));
    expect(reportHash(report)).toMatch(/^[0-9a-f]{64}$/);
    // Evidence order does not matter either.
    expect(reportHash(classify([...runs].reverse()))).toBe(reportHash(report));
    const day20 = PIPELINES.flatMap((spec) => pipelineRunEvents(spec, 20));
    const oneMoreDay = classify([...runs, ...evidenceOf(day20.map((e) => JSON.stringify(e)).join('\n'))], {
      now: '2025-11-20T23:00:00.000Z',
    });
    expect(oneMoreDay.summary).toBe(report.summary);
    expect(reportHash(oneMoreDay)).not.toBe(reportHash(report));
  });

  it('reports the same stream as an upgrade impact when revision 6 is current (a test instance)', () => {
    const upgrade = classify(runs, {
      change: { packages: [{ name: 'dbt-core', from: '1.10.4', to: '1.11.2' }] },
      currentRevision: 6,
    });
    expect(upgrade.direction).toBe('upgrade');
    expect(pipeline(upgrade, 'marketing_attribution')).toMatchObject({
      verdict: 'breaks',
      basis: 'failed-on-target',
    });
    expect(pipeline(upgrade, 'finance_daily')).toMatchObject({
      verdict: 'breaks',
      basis: 'failed-on-target',
    });
    expect(pipeline(upgrade, 'sales_rollup').verdict).toBe('unaffected');
    expect(pipeline(upgrade, 'forecast_weekly')).toMatchObject({
      verdict: 'unknown',
      basis: 'no-current-runs',
    });
    expect(upgrade.affectedUsers.filter((u) => u.shouldForwardFix).map((u) => u.user)).toEqual([
      'ana',
      'bea',
    ]);
    expect(upgrade.summary).toBe(
      'Upgrade breaks 1 pipeline of ana (failed with the target versions), 1 of bea (failed with the target versions); 2 unaffected; 1 unknown.',
    );
  });

  it('turns a declared require-dbt-version that excludes the target into a certain break', () => {
    const constrained = classify(runs, {
      constraints: [{ project: 'sales', package: 'dbt-core', specifier: '>=1.11.0' }],
    });
    const sales = pipeline(constrained, 'sales_rollup');
    expect(sales).toMatchObject({ verdict: 'breaks', basis: 'constraint' });
    expect(sales.reason).toMatch(
      /Project sales requires dbt-core >=1\.11\.0, which excludes dbt-core 1\.10\.\*/,
    );
    expect(constrained.summary).toContain(
      'breaks 1 pipeline of ana (adapted on Nov 12, commit 4f2c1a9), 1 of carl',
    );
  });

  it('ages evidence out of the window into unknown', () => {
    const narrow = classify(runs, { windowDays: 5 });
    expect(pipeline(narrow, 'marketing_attribution')).toMatchObject({
      verdict: 'unknown',
      basis: 'no-target-runs',
    });
    expect(narrow.counts.unaffected).toBe(0);
  });

  it('asks for more runs when minRuns is not met', () => {
    const strict = classify(runs, { minRuns: 20 });
    expect(pipeline(strict, 'sales_rollup')).toMatchObject({ verdict: 'unknown', basis: 'too-few-runs' });
  });

  it('stores each event once: the idempotency key repeats only for the same event', () => {
    const events = scenarioEvents(1);
    const keys = evidenceOf(events.map((e) => JSON.stringify(e)).join('\n')).map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
