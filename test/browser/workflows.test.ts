/**
 * The change workflows in a real browser (harness.ts), each person in their own browser context:
 * a defect from report to reopen, an image upgrade from request to production, and the parked
 * notifications a provider requeues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRepository } from '../../src/delivery/outbox/index.js';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs, screenshot } = dashboard;
const { bea, providerEngineer: pete } = server.seed.users;

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

/** A notification whose receiver stayed down: parked as failed after its last retry. */
async function parkNotification(): Promise<void> {
  const { store } = server;
  const outbox = createOutboxRepository({ db: store.db, engine: store.engine });
  await outbox.enqueue(store.db, {
    topic: 'defect.sla-breach',
    eventId: 'browser-parked',
    receivers: [{ id: 'on-call', channel: 'provider-on-call' }],
    subject: 'SLA breach on acme-prod',
    text: 'The response clock ran out.',
    data: {},
  });
  const claimed = await outbox.claimDue({
    now: new Date(Date.now() + 1000),
    limit: 50,
    workerId: 'browser',
    leaseMs: 60_000,
  });
  const entry = claimed.find((candidate) => candidate.eventId === 'browser-parked')!;
  await outbox.markFailed(entry.id, 'browser', 'connect ECONNREFUSED 10.0.0.7:443');
}

describe.skipIf(BROWSER_MISSING !== null)('workflows in the dashboard', () => {
  it('lets the customer report a defect, the provider triage and close it, and the customer reopen it', async () => {
    const title = 'Scheduler skips DAG runs after 3.4.0';
    const customer = await openAs(bea.token, '/defects');
    await customer.getByLabel('Affected instance').selectOption({ label: 'acme-prod (production)' });
    await customer.getByLabel('Title').fill(title);
    await customer
      .getByLabel('Observed behaviour')
      .fill('Hourly DAGs skip every other run since the upgrade.');
    await customer.getByLabel('Since when').fill('2025-06-02');
    await customer.getByRole('button', { name: 'Report defect' }).click();
    const reported = customer.getByTestId('defect').filter({ hasText: title });
    await expect.poll(() => reported.textContent()).toMatch(/Triage — owned by: provider-admin/);
    expect(await reported.getByRole('button').count()).toBe(0);

    const provider = await openAs(pete.token, '/defects');
    const card = provider.getByTestId('defect').filter({ hasText: title });
    await card.getByText('Triage…').click();
    await card.getByLabel('Severity').selectOption('2');
    await card.getByLabel('Regressed in release').selectOption('3.4.0');
    await card.getByRole('button', { name: 'Save triage' }).click();
    await expect.poll(() => card.textContent()).toMatch(/S2.*assignee you.*regressed in 3\.4\.0/s);
    await screenshot(provider, 'defects-triage', true);
    await card.getByText('Close…').click();
    await card.getByLabel('Reason the customer sees').fill('Expected: the DAG uses catchup=False.');
    await card.getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(() => card.getByTestId('close-reason').textContent())
      .toMatch(/not-a-defect.*catchup=False/);

    await customer.reload();
    const closed = customer.getByTestId('defect').filter({ hasText: title });
    await expect.poll(() => closed.textContent()).toContain('catchup=False');
    await closed.getByText('Reopen…').click();
    await closed.getByLabel('Why it is not fixed').fill('catchup is already False on these DAGs.');
    await closed.getByRole('button', { name: 'Reopen' }).click();
    await expect
      .poll(() =>
        customer
          .locator('section', { has: customer.getByRole('heading', { name: /^triaged/ }) })
          .textContent(),
      )
      .toContain(title);
  });

  it('takes an image upgrade through the test instance, sign-off and promotion', async () => {
    const customer = await openAs(bea.token, '/upgrades');
    await customer.getByText(/Test before promoting to production/).waitFor();
    await customer.getByLabel('Instance').selectOption({ label: 'acme-prod (production)' });
    await customer.getByLabel('Requirements').fill('dbt-core==1.11.1');
    await customer.getByLabel('Why').fill('dbt-core 1.11.1 fixes the snapshot regression');
    await customer.getByRole('button', { name: 'Submit upgrade request' }).click();
    const plan = customer.getByRole('table', { name: 'Package moves: from and to' });
    await expect.poll(() => plan.textContent()).toMatch(/dbt-core\s*1\.11\.0\s*→ 1\.11\.1/);
    expect(await customer.locator('main').textContent()).toMatch(/Approve — owned by: provider-engineer/);
    const url = customer.url();

    const provider = await openAs(pete.token, new URL(url).pathname);
    await provider.getByLabel('Review note').fill('Patch release; test first on acme-test');
    await provider.getByRole('button', { name: 'Approve' }).click();
    await provider.getByRole('button', { name: 'Report deployed on acme-test' }).click();
    await expect
      .poll(() => provider.locator('main').textContent())
      .toMatch(/Sign off on the test instance — owned by: customer-admin/);

    await customer.reload();
    await customer.getByRole('button', { name: 'Sign off on the test instance' }).click();
    await customer.getByRole('button', { name: 'Promote to production' }).click();
    await expect
      .poll(() => customer.locator('main').textContent())
      .toMatch(/Report deployed on acme-prod — owned by/);
    await screenshot(customer, 'upgrade-request', true);

    await provider.reload();
    await provider.getByRole('button', { name: 'Report deployed on acme-prod' }).click();
    await expect.poll(() => provider.getByRole('status').textContent()).toMatch(/Completed/);
  });

  it('shows the provider parked notifications and requeues one', async () => {
    await parkNotification();
    const provider = await openAs(pete.token, '/');
    const row = provider.getByTestId('failed-delivery').filter({ hasText: 'SLA breach on acme-prod' });
    await expect.poll(() => row.textContent()).toMatch(/provider-on-call.*ECONNREFUSED/);
    await provider.getByRole('heading', { name: 'Failed notifications' }).scrollIntoViewIfNeeded();
    await screenshot(provider, 'failed-deliveries');
    await row.getByRole('button', { name: 'Requeue' }).click();
    await expect.poll(() => row.count()).toBe(0);

    // Customers never see the provider's delivery queue.
    const customer = await openAs(bea.token, '/');
    await customer.getByRole('heading', { name: 'Your tenant', level: 1 }).waitFor();
    expect(await customer.getByRole('heading', { name: 'Failed notifications' }).count()).toBe(0);
  });
});
