/**
 * Issue 17 item 5 in a real browser: the instance page's outcomes chart is a run history, not the
 * impact query of the latest change. It shows the demo's runs per day with the image revision in
 * force, and each deployment as a marker at its real time; a rollback adds its own marker and moves
 * or drops nothing that was drawn before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs, screenshot } = dashboard;

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

interface Drawn {
  buckets: string[];
  deployments: { revision: string; deployedAt: string }[];
}

async function chartOf(page: Page): Promise<Drawn> {
  const chart = page.getByRole('img', { name: 'Pipeline runs per day and image revision' });
  await chart.waitFor();
  const buckets = await chart
    .locator('[data-bucket]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-bucket') ?? ''));
  const deployments = await chart.locator('[data-deployment]').evaluateAll((nodes) =>
    nodes.map((node) => ({
      revision: node.getAttribute('data-deployment') ?? '',
      deployedAt: node.getAttribute('data-deployed-at') ?? '',
    })),
  );
  return { buckets: buckets.sort(), deployments };
}

async function post(token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await server.call('POST', path, { token, body });
  expect(answer.status, answer.text).toBeLessThan(300);
  return answer.json;
}

describe.skipIf(BROWSER_MISSING !== null)('the instance page', () => {
  it('names the package source as image show does (issue 17 item 10)', async () => {
    const overview = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image', {
      token: server.seed.users.bea.token,
    });
    const display = (overview.json.packageSource as { display: string }).display;
    expect(display).toMatch(/^find-links folder \//);
    const page = await openAs(server.seed.users.bea.token, '/instances/acme%2Facme-prod');
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 15_000 })
      .toContain(`package source ${display}`);
    expect(await page.locator('main').textContent()).not.toMatch(/pypi\.org|file:\/\//);
  });

  it(
    'keeps every run and marker through a rollback, and adds the rollback as a marker',
    { timeout: 120_000 },
    async () => {
      const { users } = server.seed;
      const page = await openAs(users.bea.token, '/instances/acme%2Facme-prod');
      const before = await chartOf(page);

      // The demo's history: revision 1 deployed about 30 days ago, the upgrade (r2) days ago, not today.
      expect(before.deployments.map((d) => d.revision)).toEqual(['1', '2']);
      const age = (d: { deployedAt: string }): number => (Date.now() - Date.parse(d.deployedAt)) / 86_400_000;
      expect(age(before.deployments[0]!)).toBeGreaterThan(29);
      expect(age(before.deployments[1]!)).toBeGreaterThan(9);
      expect(age(before.deployments[1]!)).toBeLessThan(12);
      expect(before.buckets.length).toBeGreaterThan(50);
      // Runs before the upgrade ran on r1, after it on r2; bea's pipeline fails only on r2.
      expect(
        before.buckets.filter(
          (b) => b.startsWith('marketing_attribution') && / r1: \d+ succeeded, 0 failed$/.test(b),
        ).length,
      ).toBeGreaterThan(0);
      expect(
        before.buckets.filter(
          (b) => b.startsWith('marketing_attribution') && / r2: 0 succeeded, [1-9]\d* failed$/.test(b),
        ).length,
      ).toBeGreaterThan(0);
      expect(
        before.buckets.some(
          (b) => / r2: /.test(b) && b.includes(before.deployments[1]!.deployedAt.slice(0, 10)),
        ),
      ).toBe(true);
      await page
        .getByRole('img', { name: 'Pipeline runs per day and image revision' })
        .scrollIntoViewIfNeeded();
      await screenshot(page, 'outcomes-history');

      // Bea's rollback to dbt-core 1.10.*, approved, accepted and deployed (test first).
      const request = await post(
        users.bea.token,
        '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
        {
          package: 'dbt-core',
          target: '==1.10.*',
          reason: 'Sensors fail on 1.11',
        },
      );
      const id = String(request.id);
      const engineer = users.providerEngineer.token;
      await post(engineer, `/api/v1/rollback-requests/${id}/approve`, { reason: 'Reviewed' });
      await post(users.bea.token, `/api/v1/rollback-requests/${id}/accept`, {
        reportHash: request.reportHash,
      });
      await post(engineer, '/api/v1/instances/acme%2Facme-test/image/deployment/confirm', {});
      await post(engineer, '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {});

      await page.reload();
      const after = await chartOf(page);
      expect(after.buckets).toEqual(before.buckets);
      expect(after.deployments.slice(0, -1)).toEqual(before.deployments);
      expect(after.deployments.at(-1)!.revision).toBe('3');
      expect(Date.now() - Date.parse(after.deployments.at(-1)!.deployedAt)).toBeLessThan(120_000);
      expect(
        await page
          .getByRole('img', { name: 'Pipeline runs per day and image revision' })
          .locator('desc')
          .textContent(),
      ).toMatch(/image r3 deployed .*: dbt-core 1\.11\.0 -> 1\.10\.15/);
    },
  );
});
