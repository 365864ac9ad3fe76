/**
 * The decision page's trial (issue 16) in a real browser: per project its verdict, error,
 * deprecations and a folded log; the evidence labelled predicted or observed; and an approval of a
 * change the trial says breaks a project, which needs the acknowledgement box ticked and leaves it
 * in the history. The trial's result is written as a finished trial (the real trial with uv, git
 * and dbt is tested in src/api/routes/trial-review.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashReport, imageWorkflowRepository } from '../../src/workflows/image/index.js';
import { insertTrialRows, trialRow } from '../support/trial-rows.js';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs, screenshot } = dashboard;
const { bea, providerEngineer: pete } = server.seed.users;

beforeAll(() => dashboard.launch(), 180_000);
afterAll(() => dashboard.close());

const RESULT = {
  changes: [{ name: 'dbt-core', from: '1.11.0', to: '1.10.15' }],
  environments: {
    current: { lockHash: 'a'.repeat(64), reused: true, check: { ok: true, output: '' } },
    candidate: { lockHash: 'b'.repeat(64), reused: false, check: { ok: true, output: '' } },
  },
  projects: [
    {
      name: 'marts',
      owners: ['ada@acme.example'],
      commit: '3f2c9d1e0b7a4c5d6e7f8a9b0c1d2e3f4a5b6c7d',
      current: { ok: true, error: null },
      candidate: {
        ok: false,
        error:
          "Runtime Error\n  This version of dbt is not supported with the 'marts' package.\n    Installed version of dbt: =1.10.15\n    Required version of dbt for 'marts': ['>=1.11.0']",
        deprecations: [],
      },
      verdict: 'breaks',
    },
    {
      name: 'finance',
      owners: ['pat@acme.example'],
      commit: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
      current: { ok: true, error: null },
      candidate: {
        ok: true,
        error: null,
        deprecations: [
          {
            name: 'DuplicateYAMLKeysDeprecation',
            code: 'D024',
            message: 'Duplicate key "description" in models/schema.yml',
          },
        ],
      },
      verdict: 'unaffected',
    },
  ],
  logs: {
    marts: {
      current: ['Running with dbt=1.11.0', 'Found 1 model'],
      candidate: [
        'Running with dbt=1.10.15',
        'Runtime Error',
        "Required version of dbt for 'marts': ['>=1.11.0']",
      ],
    },
    finance: { current: ['Running with dbt=1.11.0'], candidate: ['Running with dbt=1.10.15'] },
  },
};

/** The review's trial, finished: the request's report names it, as a request with registered projects does. */
async function finishedTrialFor(changeId: string): Promise<void> {
  const { store } = server;
  const repo = imageWorkflowRepository(store.repos);
  const change = (await repo.getChange(changeId))!;
  await insertTrialRows(store, [
    trialRow(
      {
        id: 'trl_browser',
        instance: { id: change.instanceId, tenantId: change.tenantId },
        state: 'succeeded',
        createdBy: bea.user.id,
      },
      {
        requests: JSON.stringify(change.requests),
        progress: JSON.stringify({ done: 4, total: 4, step: 'done' }),
        result: JSON.stringify(RESULT),
      },
    ),
  ]);
  const report = {
    ...change.report,
    trial: { id: 'trl_browser', skipped: null, projects: ['finance', 'marts'] },
  };
  await repo.updateChange(change.id, change.version, { report, reportHash: hashReport(report) });
}

describe.skipIf(BROWSER_MISSING !== null)('the trial on the decision page', () => {
  it('shows each project’s verdict, error, deprecations and log; approving its breaks needs the box ticked', async () => {
    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'snapshots fail on 1.11' },
      },
    );
    expect(requested.status, requested.text).toBe(201);
    const id = requested.json.id as string;
    await finishedTrialFor(id);

    const page = await openAs(pete.token, `/rollback-requests/${id}`);
    const trial = page.getByRole('table', { name: 'Trial per project' });
    await trial.waitFor();
    const marts = trial.getByRole('row', { name: /marts/ });
    expect(await marts.textContent()).toMatch(
      /ada@acme\.example.*breaks.*Required version of dbt for 'marts'/s,
    );
    const finance = trial.getByRole('row', { name: /finance/ });
    expect(await finance.textContent()).toMatch(/unaffected.*D024.*DuplicateYAMLKeysDeprecation/s);
    // The log is folded until asked for.
    const log = marts.getByText('Running with dbt=1.10.15', { exact: false });
    expect(await log.isVisible()).toBe(false);
    await marts.getByText('Log of marts').click();
    await expect.poll(() => log.isVisible()).toBe(true);

    // The evidence per project says where each verdict comes from: the trial, or observed runs.
    const evidence = page.getByRole('table', { name: 'Evidence per project' });
    expect(await evidence.textContent()).toMatch(/marts.*predicted \(trial\).*breaks/s);
    expect(await evidence.textContent()).toMatch(/observed \(runs\)/);
    await screenshot(page, 'rollback-request-trial', true);

    // Approving without ticking the acknowledgement is refused on the page, and nothing is sent.
    await page.getByLabel('Review note').fill('Outage: the customer accepts the breaks');
    const box = page.getByLabel(/I acknowledge that the trial predicts this change breaks marts/);
    await box.waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/needs your acknowledgement/);
    expect(
      (await server.call('GET', `/api/v1/rollback-requests/${id}`, { token: bea.token })).json.state,
    ).toBe('requested');
    await box.check();
    await page.getByRole('button', { name: 'Approve' }).click();
    // The change's activity records the acknowledgement with the approval, by name.
    const activity = page.getByTestId('activity');
    await expect
      .poll(() => activity.textContent())
      .toMatch(
        /approved the rollback, acknowledging that trial trl_browser predicts the change breaks marts/,
      );
    expect(await activity.textContent()).toContain(pete.user.name);
    const approved = await server.call('GET', `/api/v1/rollback-requests/${id}`, { token: bea.token });
    expect(approved.json.state).toBe('approved');
  });
});
