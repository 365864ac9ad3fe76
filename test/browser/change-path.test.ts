/**
 * Issue 18 in a real browser (harness.ts): the dashboard draws an image change's progress from the
 * path the server sends (stages, owners, where it stands) and offers a request form from what
 * GET /api/v1/me says the viewer may start, instead of copies of the owners and requesters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ImageChangeView, Me } from '../../src/api/wire.js';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs } = dashboard;
const { ana, bea, providerEngineer: pete } = server.seed.users;

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

/** The progress list as the viewer reads it: each stage's label, owners and whether it is current. */
async function progressOf(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Where this request stands' });
  await list.waitFor();
  return list
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map(
        (li) =>
          `${li.querySelector('.progress-label')?.textContent ?? ''} | ${li.querySelector('.muted')?.textContent ?? ''}${li.getAttribute('aria-current') === 'step' ? ' <' : ''}`,
      ),
    );
}

/** The same, from the server's answer. */
function expectedOf(change: ImageChangeView): string[] {
  return change.path.map((s) => `${s.label} | ${s.roles.join(', ')}${s.status === 'current' ? ' <' : ''}`);
}

async function viewed(kind: 'rollback' | 'upgrade', id: string): Promise<ImageChangeView> {
  const shown = await server.call('GET', `/api/v1/${kind}-requests/${id}`, { token: bea.token });
  expect(shown.status, shown.text).toBe(200);
  return shown.json as unknown as ImageChangeView;
}

describe.skipIf(BROWSER_MISSING !== null)('the path and the right to request, from the server', () => {
  it('offers the upgrade form to whom GET /me allows it, and names the requesters to everyone else', async () => {
    const me = (await server.call('GET', '/api/v1/me', { token: ana.token })).json as unknown as Me;
    expect(me.mayRequest.upgrade.allowed).toBe(false);
    const member = await openAs(ana.token, '/upgrades');
    const owned = member.locator('.owned-by', { hasText: 'Request an upgrade' });
    await owned.waitFor();
    expect(await owned.textContent()).toBe(
      `Request an upgrade — owned by: ${me.mayRequest.upgrade.roles.join(', ')}`,
    );
    expect(await member.getByRole('button', { name: 'Submit upgrade request' }).count()).toBe(0);

    const customer = await openAs(bea.token, '/upgrades');
    await customer.getByRole('button', { name: 'Submit upgrade request' }).waitFor();
  });

  it('draws an upgrade’s progress from its path, and moves with it', async () => {
    const requested = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/upgrade-requests', {
      token: bea.token,
      body: { requirements: ['dbt-core==1.11.1'], reason: 'The path in the browser' },
    });
    expect(requested.status, requested.text).toBe(201);
    const id = String(requested.json.id);
    const page = await openAs(bea.token, `/upgrades/${id}`);
    const before = await viewed('upgrade', id);
    // acme-prod promotes from acme-test: test first, then production.
    expect(before.path.map((s) => s.state)).toEqual([
      'requested',
      'deploying',
      'on-test',
      'signed-off',
      'deploying',
      'completed',
    ]);
    expect(await progressOf(page)).toEqual(expectedOf(before));

    const approved = await server.call('POST', `/api/v1/upgrade-requests/${id}/approve`, {
      token: pete.token,
      body: { reason: 'Reviewed in the browser test', acknowledgeBreaks: true },
    });
    expect(approved.status, approved.text).toBe(200);
    await page.reload();
    const after = await viewed('upgrade', id);
    expect(after.path.findIndex((s) => s.status === 'current')).toBe(1);
    await expect.poll(() => progressOf(page)).toEqual(expectedOf(after));
    // Live on acme-test, where a reject is taken: acme-prod is then free for the other tests of the run.
    const live = await server.call('POST', '/api/v1/instances/acme%2Facme-test/image/deployment/confirm', {
      token: pete.token,
      body: {},
    });
    expect(live.status, live.text).toBe(200);
    await page.reload();
    const onTest = await viewed('upgrade', id);
    expect(onTest.path.findIndex((s) => s.status === 'current')).toBe(2);
    await expect.poll(() => progressOf(page)).toEqual(expectedOf(onTest));
    const rejected = await server.call('POST', `/api/v1/upgrade-requests/${id}/reject`, {
      token: pete.token,
      body: { reason: 'Done with the browser test' },
    });
    expect(rejected.status, rejected.text).toBe(200);
  });

  it('draws a rollback’s progress from its path, and names the rollback requesters from GET /me', async () => {
    const member = await openAs(ana.token, '/instances/acme%2Facme-prod');
    const owned = member.locator('.owned-by', { hasText: 'Request a rollback' });
    await owned.waitFor();
    expect(await owned.textContent()).toBe('Request a rollback — owned by: customer-admin');

    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'The path in the browser' },
      },
    );
    expect(requested.status, requested.text).toBe(201);
    const id = String(requested.json.id);
    const page = await openAs(bea.token, `/rollback-requests/${id}`);
    const change = await viewed('rollback', id);
    expect(await progressOf(page)).toEqual(expectedOf(change));
    expect(await progressOf(page)).toEqual([
      'Requested | customer-admin <',
      'Reviewed and approved | provider-engineer',
      'Responsibility accepted, deploying | customer-admin',
      'Deployed | provider-admin, provider-engineer',
      'Resolution confirmed | customer-admin',
    ]);
    const rejected = await server.call('POST', `/api/v1/rollback-requests/${id}/reject`, {
      token: pete.token,
      body: { reason: 'Done with the browser test' },
    });
    expect(rejected.status, rejected.text).toBe(200);
  });
});
