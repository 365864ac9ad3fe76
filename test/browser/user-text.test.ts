/**
 * User-supplied text in a real browser (harness.ts): what a customer types is shown to the
 * provider as text, never parsed as HTML. The CSP alone would stop an inline `onerror` from running,
 * so the test also asserts that no element was created from the markup: that is what fails first if
 * a page ever renders user text as HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs, cspViolations } = dashboard;
const { bea, providerEngineer: pete } = server.seed.users;

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

const MARKUP = '<img src=x onerror="window.__xss=1"><b>bold</b>';
const TITLE = `Scheduler page shows ${MARKUP}`;
const OBSERVED = `The task log contains ${MARKUP} and <script>window.__xss=2</script> verbatim.`;

function injected(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as { __xss?: unknown }).__xss);
}

describe.skipIf(BROWSER_MISSING !== null)('user-supplied text in the dashboard', () => {
  it('shows a defect title and description with markup literally, to the reporter and to the provider', async () => {
    const customer = await openAs(bea.token, '/defects');
    await customer.getByLabel('Affected instance').selectOption({ label: 'acme-prod (production)' });
    await customer.getByLabel('Title').fill(TITLE);
    await customer.getByLabel('Observed behaviour').fill(OBSERVED);
    await customer.getByLabel('Since when').fill('2025-06-02');
    await customer.getByRole('button', { name: 'Report defect' }).click();
    const cardOn = (page: Page) =>
      page.getByTestId('defect').filter({ hasText: 'Scheduler page shows <img' });
    await expect.poll(() => cardOn(customer).count()).toBe(1);

    // The provider is the one a stored script would be aimed at: check their view as well.
    const provider = await openAs(pete.token, '/defects');
    for (const page of [customer, provider]) {
      const card = cardOn(page);
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.locator('strong').first().textContent()).toBe(TITLE);
      expect(await card.textContent()).toContain(OBSERVED);
      // Nothing parsed out of the text: no image, no bold, no script, anywhere on the page.
      expect(await card.locator('img, b, script').count()).toBe(0);
      expect(await page.locator('img[src="x"], main b, main script').count()).toBe(0);
      expect(await injected(page)).toBeUndefined();
    }
    expect(cspViolations).toEqual([]);
  });
});
