/**
 * Issue 17 in a real browser (harness.ts): the record of decisions (Activity sections), steps that
 * confirm what they did, infrastructure contents as fields, the hotfix path for provider roles, and
 * pages that fit a 390 px phone screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs, screenshot } = dashboard;
const { bea, providerEngineer: pete, providerAdmin } = server.seed.users;

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

async function openActivity(scope: ReturnType<Page['locator']>): Promise<string> {
  const summary = scope.locator('summary', { hasText: 'Activity' });
  if ((await summary.count()) > 0) await summary.first().click();
  const section = scope.getByTestId('activity').first();
  await expect.poll(() => section.getByTestId('activity-entry').count()).toBeGreaterThan(0);
  return (await section.textContent()) ?? '';
}

describe.skipIf(BROWSER_MISSING !== null)('issue 17 in the dashboard', () => {
  it('a rollback page confirms the approval and shows who did what, by name, with the notes', async () => {
    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Snapshots broke on 1.11' },
      },
    );
    expect(requested.status, requested.text).toBe(201);
    const page = await openAs(pete.token, `/rollback-requests/${String(requested.json.id)}`);
    await page.getByLabel('Review note').fill('Checked the three affected pipelines');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => page.getByTestId('confirmation').textContent())
      .toMatch(/Approve.*: done\. The rollback is now approved\./);
    await expect.poll(() => page.getByTestId('activity-entry').count()).toBe(2);
    const entries = await page.getByTestId('activity-entry').allTextContents();
    expect(entries[0]).toContain(bea.user.name);
    expect(entries[0]).toContain('requested the rollback');
    expect(entries[0]).toContain('Snapshots broke on 1.11');
    expect(entries[0]).toMatch(/report [0-9a-f]{12}…/);
    expect(entries[1]).toContain(pete.user.name);
    expect(entries[1]).toContain('approved the rollback');
    expect(entries[1]).toContain('Checked the three affected pipelines');
    expect(entries.join(' ')).not.toMatch(/usr_/);
    await screenshot(page, 'rollback-activity', true);
  });

  it('lets a provider publish a hotfix for a defect and roll it out; the defect tells its story', async () => {
    const customer = await openAs(bea.token, '/defects');
    await customer.getByTestId('defect').first().waitFor();
    expect(await customer.getByRole('heading', { name: 'Ship a hotfix' }).count()).toBe(0);

    const provider = await openAs(pete.token, '/defects');
    const hotfix = provider.locator('section', {
      has: provider.getByRole('heading', { name: 'Ship a hotfix' }),
    });
    await hotfix.getByLabel('Release version').fill('3.4.1');
    await hotfix.getByLabel('Components').fill('airflow=3.0.7, python=3.12');
    await hotfix.getByLabel(/Sensors time out since platform 3\.4\.0/).check();
    await hotfix.getByRole('button', { name: 'Publish release' }).click();
    const confirmation = provider.getByTestId('confirmation');
    await expect.poll(() => confirmation.textContent()).toMatch(/Published hotfix 3\.4\.1 fixing 1 defect/);
    await hotfix.getByRole('button', { name: 'Roll out to acme-test' }).click();
    await expect
      .poll(() => confirmation.textContent())
      .toMatch(/Rolled 3\.4\.1 out to acme-test \(platform revision \d+\)/);

    const card = provider.getByTestId('defect').filter({ hasText: 'Sensors time out' });
    await expect.poll(() => card.textContent()).toMatch(/Fixed by release 3\.4\.1/);
    expect(await card.textContent()).toMatch(/assignee you/);
    const story = await openActivity(card);
    expect(story).toContain(`${bea.user.name} (customer-admin) reported the defect`);
    expect(story).toMatch(/triaged it: severity 2, assigned to .*regressed in 3\.4\.0/);
    expect(story).toContain('linked hotfix 3.4.1: on the test instance');
    await screenshot(provider, 'defects-hotfix', true);
  });

  it('shows infrastructure contents as fields, confirms a sign-off and records it', async () => {
    const page = await openAs(bea.token, '/infrastructure-changes');
    const card = page.getByTestId('infrastructure-change').filter({ hasText: 'Kubernetes 1.30 -> 1.31' });
    const fields = card.getByRole('definition');
    await expect.poll(() => fields.allTextContents()).toContain('1.31');
    expect(await card.textContent()).not.toContain('{"');
    expect(await card.textContent()).toMatch(/acme-test, acme-prod/);
    await card.getByLabel('Testing note (optional)').fill('Nightly DAGs ran on the new nodes');
    await card.getByRole('button', { name: 'Sign off customer testing' }).click();
    await expect
      .poll(() => card.getByTestId('confirmation').textContent())
      .toMatch(/Signed off customer testing of “Kubernetes 1\.30 -> 1\.31”\./);
    const story = await openActivity(card);
    expect(story).toContain(`${pete.user.name} (provider-engineer) planned the change`);
    expect(story).toContain(
      `${providerAdmin.user.name} (provider-admin) signed off the testing for the provider`,
    );
    await expect
      .poll(async () => (await card.getByTestId('activity').textContent()) ?? '')
      .toContain('Nightly DAGs ran on the new nodes');
  });

  it('fits the fleet, rollback, defects and infrastructure pages into a 390 px wide screen', async () => {
    const listed = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea.token,
    });
    let id = (listed.json.requests as { id: string }[])[0]?.id;
    if (id === undefined) {
      const made = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Snapshots broke on 1.11' },
      });
      id = String(made.json.id);
    }
    for (const path of [
      '/',
      `/rollback-requests/${id}`,
      '/rollback-requests',
      '/defects',
      '/infrastructure-changes',
    ]) {
      const page = await openAs(pete.token, path);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      // A string: the test compiles without the DOM library; the page has `document`.
      const widths = await page.evaluate<{ scroll: number; client: number }>(
        '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
      );
      expect(widths.scroll, `${path} overflows at 390 px`).toBeLessThanOrEqual(widths.client);
    }
  });
});

describe.skipIf(BROWSER_MISSING !== null)('what is in flight (issue 17, item 4)', () => {
  it('the fleet and the instance page name the infrastructure change, the defect clock and the rollback pin', async () => {
    // Finish the rollback the first test approved (or one of its own when run alone): it leaves a
    // rollback pin and a forward-fix follow-up.
    const listed = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea.token,
    });
    let rollback = (listed.json.requests as { id: string; reportHash: string; state: string }[]).find(
      (r) => r.state === 'approved',
    );
    if (rollback === undefined) {
      const made = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Snapshots broke on 1.11' },
      });
      rollback = made.json as unknown as { id: string; reportHash: string; state: string };
      const approved = await server.call('POST', `/api/v1/rollback-requests/${rollback.id}/approve`, {
        token: pete.token,
        body: { reason: 'ok' },
      });
      expect(approved.status, approved.text).toBe(200);
    }
    for (const [token, path, body] of [
      [bea.token, `/api/v1/rollback-requests/${rollback.id}/accept`, { reportHash: rollback.reportHash }],
      // Approved without urgency: test instance first, then production.
      [pete.token, '/api/v1/instances/acme%2Facme-test/image/deployment/confirm', {}],
      [pete.token, '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {}],
      [bea.token, `/api/v1/rollback-requests/${rollback.id}/confirm`, { note: 'Green again' }],
    ] as const) {
      const step = await server.call('POST', path, { token, body });
      expect(step.status, step.text).toBe(200);
    }

    const fleet = await openAs(bea.token, '/');
    const row = fleet.getByRole('row', { name: /acme-prod/ });
    await expect.poll(() => row.textContent()).toMatch(/\d+ in flight/);
    expect(await fleet.getByRole('columnheader', { name: 'Open requests' }).count()).toBe(0);
    const items = await row.getByTestId('in-flight').allTextContents();
    expect(items.join('\n')).toMatch(/Infrastructure:.*Kubernetes 1\.30 -> 1\.31.*planned/);
    expect(items.join('\n')).toMatch(/Platform:.*S2 Sensors time out since platform 3\.4\.0/);
    expect(items.join('\n')).toMatch(/Image:.*dbt-core held at 1\.10\.\d+.*holding.*until/);
    await screenshot(fleet, 'fleet-in-flight', true);

    await row.getByRole('link', { name: 'acme-prod' }).click();
    const strip = fleet.getByTestId('status-strip');
    await strip.waitFor();
    await expect
      .poll(() => strip.getByTestId('strip-infrastructure').textContent())
      .toMatch(/customer signed off by|customer sign-off waiting/);
    expect(await strip.getByTestId('strip-infrastructure').textContent()).toMatch(
      /window \d{1,2} [A-Z][a-z]{2} \d{4}/,
    );
    expect(await strip.getByTestId('strip-platform').textContent()).toMatch(
      /3\.4\.0 \(Airflow 3\.0\.6\).*resolution due/s,
    );
    const image = (await strip.getByTestId('strip-image').textContent()) ?? '';
    expect(image).toMatch(/dbt-core held at 1\.10\.\d+/);
    expect(image).toMatch(/refused until .*forward-fix follow-up open/);
    await strip.getByRole('link', { name: /dbt-core held at/ }).click();
    await fleet.getByTestId('activity').waitFor();
    expect(fleet.url()).toContain(`/rollback-requests/${rollback.id}`);
  });
});
