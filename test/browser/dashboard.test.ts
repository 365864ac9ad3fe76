/**
 * The dashboard in a real browser (harness.ts: Debian's Chromium, a real server with demo data).
 * A person's clicks, a person's view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_MISSING, startDashboard } from './harness.js';

// The server starts at collection time so the rollback scenario can be gated on the routes it offers.
const dashboard = await startDashboard();
const { server, openAs, screenshot, cspViolations } = dashboard;
const OPENAPI_PATHS = Object.keys(((await server.call('GET', '/openapi.json')).json.paths ?? {}) as object);
const ROLLBACK_ROUTES = OPENAPI_PATHS.filter((path) => /rollback-requests/.test(path));
const ROLLBACK_SKIP_REASON =
  ROLLBACK_ROUTES.length === 0
    ? 'the server offers no rollback-request routes yet (src/api/routes/image.ts, /openapi.json)'
    : null;
if (ROLLBACK_SKIP_REASON) console.warn(`[dashboard] rollback scenario skipped: ${ROLLBACK_SKIP_REASON}`);

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

describe.skipIf(BROWSER_MISSING !== null)('dashboard', () => {
  it('serves the app with a strict CSP, and client routes fall back to it', async () => {
    const deep = await server.call('GET', '/instances/anything');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<div id="root">');
    const csp = deep.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it("shows a browser the dashboard's Not found page for an unknown URL; API clients keep problem+json", async () => {
    const browserAsks = await server.call('GET', '/no-such-page', { headers: { accept: 'text/html' } });
    expect(browserAsks.status).toBe(404);
    expect(browserAsks.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browserAsks.text).toContain('<div id="root">');
    const clientAsks = await server.call('GET', '/no-such-page', { headers: { accept: 'application/json' } });
    expect(clientAsks.status).toBe(404);
    expect(clientAsks.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const apiFromBrowser = await server.call('GET', '/api/v1/no-such-route', {
      headers: { accept: 'text/html' },
    });
    expect(apiFromBrowser.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const page = await openAs(server.seed.users.providerEngineer.token, '/no-such-page');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    expect(await page.getByRole('alert').textContent()).toContain('There is no page at /no-such-page');
  });

  it('refuses a wrong token in words and lets the right one in', async () => {
    const page = await openAs(null);
    await page.getByLabel('API token').fill('rt_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Sign-in failed/);
    // Keyboard only: the field keeps focus, Enter submits.
    await page.getByLabel('API token').fill(server.seed.users.providerEngineer.token);
    await page.getByLabel('API token').press('Enter');
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('Pete (Provider Engineer)');
    // The first Tab reaches the skip link, Enter on it moves focus to the page content.
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('API token').waitFor();
  });

  it('shows the provider engineer the whole fleet with each layer’s current version', async () => {
    const page = await openAs(server.seed.users.providerEngineer.token);
    await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /Acme Analytics/ }).waitFor();
    await page.getByRole('heading', { name: /Globex/ }).waitFor();
    const acmeProd = page.getByRole('row', { name: /acme-prod/ });
    await expect.poll(() => acmeProd.textContent()).toContain('Kubernetes 1.30');
    const row = (await acmeProd.textContent()) ?? '';
    expect(row).toContain('3.4.0 (Airflow 3.0.6)');
    expect(row).toContain('dbt-core 1.11.0');
    expect(row).toContain('deployed');
    await screenshot(page, 'fleet');

    // "In flight" counts upgrades as well as rollbacks.
    const upgrade = await server.call('POST', '/api/v1/instances/acme%2Facme-test/image/upgrade-requests', {
      token: server.seed.users.bea.token,
      body: { requirements: ['dbt-core>=1.11.1'], reason: 'Counted on the fleet page' },
    });
    expect(upgrade.status, upgrade.text).toBe(201);
    try {
      await page.reload();
      const openOnTest = page
        .getByRole('row', { name: /acme-test/ })
        .getByRole('cell')
        .last();
      // Issue 17: the column says what is in flight, not only how many requests are open.
      await expect
        .poll(() => openOnTest.textContent())
        .toMatch(/^\d+ in flight.*Upgrade: dbt-core>=1\.11\.1/);
    } finally {
      // Later tests deploy through acme-test: free it again.
      const rejected = await server.call(
        'POST',
        `/api/v1/upgrade-requests/${String(upgrade.json.id)}/reject`,
        {
          token: server.seed.users.providerEngineer.token,
          body: { reason: 'Only counted' },
        },
      );
      expect(rejected.status, rejected.text).toBe(200);
    }
  });

  it('shows the instance timeline of all three layers, newest first, with who and why', async () => {
    const page = await openAs(server.seed.users.providerEngineer.token);
    await page.getByRole('link', { name: 'acme-prod' }).click();
    await page.getByRole('heading', { name: /acme-prod/, level: 1 }).waitFor();
    const items = page.getByTestId('timeline-item');
    await expect.poll(() => items.count()).toBe(6);
    const texts = await items.allTextContents();
    expect(texts[0]).toMatch(/Image.*revision 2.*deployed/);
    expect(texts[0]).toContain('Customer asked for dbt 1.11; dbt-snowflake moves with it');
    expect(texts.some((t) => /Platform.*revision 2/.test(t) && t.includes('Airflow 3'))).toBe(true);
    expect(texts.some((t) => /Infrastructure.*revision 1/.test(t) && t.includes('Initial cluster'))).toBe(
      true,
    );
    // Who, not just the role: the recorder's name from the revisions listing.
    expect(texts.every((t) => t.includes('by Pete (Provider Engineer), provider-engineer'))).toBe(true);
    const packages = page.getByRole('table', { name: 'Pinned packages' });
    expect(await packages.textContent()).toContain('snowflake-connector-python4.0.0');
    await screenshot(page, 'instance', true);
  });

  it('shows the rollback policy per layer and the responsibility matrix', async () => {
    const page = await openAs(server.seed.users.bea.token);
    await page.getByRole('link', { name: 'Policy' }).click();
    await page.getByRole('heading', { name: 'Rollback policy' }).waitFor();
    // The heading renders before the policy has loaded: wait for the matrix itself.
    await page.getByRole('row', { name: /Infrastructure rollback/ }).waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('Cannot be undone once applied');
    expect(body).toContain('Technically feasible but strongly discouraged');
    expect(await page.getByRole('row', { name: /Infrastructure rollback/ }).textContent()).toContain(
      'Cannot be undone',
    );
    await screenshot(page, 'policy');
  });

  it('shows the customer admin her defects with SLA clocks and the infrastructure change awaiting her sign-off', async () => {
    const page = await openAs(server.seed.users.bea.token);
    await page.getByRole('link', { name: 'Defects' }).click();
    await page.getByRole('heading', { name: 'Defects', level: 1 }).waitFor();
    const defect = page.getByTestId('defect').first();
    await expect.poll(() => defect.textContent()).toMatch(/response:/);
    await screenshot(page, 'defects');
    await page.getByRole('link', { name: 'Infrastructure changes' }).click();
    const change = page.getByTestId('infrastructure-change').first();
    await expect.poll(() => change.textContent()).toMatch(/Customer testing sign-off/);
    // Applying is the provider's step: shown with its owner, never as a button for the customer.
    expect(await change.textContent()).toMatch(/Apply — owned by: provider-admin, provider-engineer/);
    expect(await page.getByRole('button', { name: /Apply/ }).count()).toBe(0);
    await screenshot(page, 'infrastructure-changes');
  });

  it('never shows a customer another tenant, not even by direct URL', async () => {
    const page = await openAs(server.seed.users.globexAdmin.token);
    await page.getByRole('heading', { name: 'Your tenant', level: 1 }).waitFor();
    await page.getByRole('row', { name: /globex-prod/ }).waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/acme/i);

    await page.goto(`${server.url}/instances/${server.seed.instances.acmeProd.id}`);
    await page.getByRole('heading', { name: 'Instance not found' }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/Kubernetes|dbt-core/);
    await page.goto(`${server.url}/instances/acme%2Facme-prod`);
    await page.getByRole('heading', { name: 'Instance not found' }).waitFor();
  });

  it.skipIf(ROLLBACK_SKIP_REASON !== null)(
    `runs the policy's rollback scenario with two people${ROLLBACK_SKIP_REASON ? ` (skipped: ${ROLLBACK_SKIP_REASON})` : ''}`,
    async () => {
      // Bea (customer admin, User B) asks for dbt-core ==1.10.* on acme-prod.
      const bea = await openAs(server.seed.users.bea.token, '/instances/acme%2Facme-prod');
      await bea.getByRole('heading', { name: /acme-prod/, level: 1 }).waitFor();
      await bea.getByLabel('Package').selectOption('dbt-core');
      await bea.getByLabel('Target version').fill('==1.10.*');
      await bea.getByLabel('Why').fill('dbt 1.11 broke our snapshot macros; we need time to adapt');
      await bea.getByRole('button', { name: 'Submit rollback request' }).click();
      await bea.getByRole('heading', { name: 'Dependency review' }).waitFor();
      // Not Bea's step: shown with its owner, no button.
      await expect
        .poll(() => bea.locator('main').textContent())
        .toMatch(/Approve — owned by: provider-engineer/);
      expect(await bea.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      const requestUrl = bea.url();

      // Pete (provider engineer) reviews the dependency diff and approves.
      const pete = await openAs(server.seed.users.providerEngineer.token, '/rollback-requests');
      await pete
        .getByRole('link', { name: /dbt-core/ })
        .first()
        .click();
      const diff = pete.getByRole('table', { name: 'Package moves: from and to' });
      await expect.poll(() => diff.textContent()).toMatch(/dbt-snowflake\s*1\.11\.0\s*→ 1\.10\./);
      expect(await pete.locator('main').textContent()).toMatch(/dbt-core\s*1\.11\.0\s*→ 1\.10\./);
      await screenshot(pete, 'rollback-request', true);
      await pete.getByLabel('Review note').fill('Reviewed: dbt-snowflake moves back with dbt-core');
      await pete.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => pete.locator('main').textContent()).toMatch(/approved/i);

      // Bea sees exactly what she accepts (the report hash) and accepts responsibility.
      await bea.goto(requestUrl);
      const accept = bea.getByRole('button', { name: 'Accept responsibility' });
      await accept.waitFor();
      expect(await bea.locator('.accept-what').textContent()).toMatch(/hash\s*\S{16,}/);
      await accept.click();
      await expect.poll(() => bea.getByRole('button', { name: 'Accept responsibility' }).count()).toBe(0);
      expect(await bea.locator('main').textContent()).toMatch(/Report deployed on acme-test — owned by/);

      // The deployer (Pete) reports the test instance first, then production.
      await pete.reload();
      await pete.getByRole('button', { name: 'Report deployed on acme-test' }).click();
      await pete.getByRole('button', { name: 'Report deployed on acme-prod' }).click();
      await expect.poll(() => pete.getByRole('button', { name: /Report deployed/ }).count()).toBe(0);

      // Bea validates and confirms resolution; the request is resolved.
      await bea.reload();
      await bea.getByRole('button', { name: 'Confirm resolution' }).click();
      await expect.poll(() => bea.locator('main').textContent()).toMatch(/Resolved: the customer confirmed/);
    },
  );

  it('loads without Content-Security-Policy violations', () => {
    expect(cspViolations).toEqual([]);
  });
});
