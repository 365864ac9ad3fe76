/**
 * Issue 17 item 2 in a real browser (harness.ts): an infrastructure change is applied only within its
 * planned window. The demo's change is planned a week ahead, so today it is outside its window: a
 * provider-engineer is told to apply it within the window or ask a provider-admin; a provider-admin
 * applies it with a reason, and the audit log records the override with that reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const dashboard = await startDashboard();
const { server, openAs } = dashboard;
const { bea, providerEngineer: pete, providerAdmin } = server.seed.users;
const TITLE = 'Kubernetes 1.30 -> 1.31';

beforeAll(() => dashboard.launch(), 120_000);
afterAll(() => dashboard.close());

describe.skipIf(BROWSER_MISSING !== null)('applying an infrastructure change outside its window', () => {
  it('offers a provider-engineer no apply, and a provider-admin an override with a reason, audited', async () => {
    // The demo's provider side signed off its testing; the customer signs off theirs.
    const customer = await openAs(bea.token, '/infrastructure-changes');
    const customerCard = customer.getByTestId('infrastructure-change').filter({ hasText: TITLE });
    await customerCard.getByRole('button', { name: 'Sign off customer testing' }).click();
    await expect.poll(() => customerCard.textContent()).toMatch(/Signed off customer testing/);

    const engineer = await openAs(pete.token, '/infrastructure-changes');
    const card = engineer.getByTestId('infrastructure-change').filter({ hasText: TITLE });
    expect(await card.textContent()).toMatch(/Outside its planned window: .* ask a provider-admin/);
    await card.getByLabel('I understand that applying cannot be undone.').check();
    expect(await card.getByRole('button', { name: /Apply outside the window/ }).isDisabled()).toBe(true);

    const admin = await openAs(providerAdmin.token, '/infrastructure-changes');
    const adminCard = admin.getByTestId('infrastructure-change').filter({ hasText: TITLE });
    const apply = adminCard.getByRole('button', { name: 'Apply outside the window (irreversible)' });
    await adminCard.getByLabel('I understand that applying cannot be undone.').check();
    expect(await apply.isDisabled()).toBe(true); // no reason yet
    const reason = 'The 1.30 control plane loses support on Friday; the customer agreed by phone.';
    await adminCard.getByLabel(/why it must be applied now/).fill(reason);
    await apply.click();
    await expect
      .poll(() => adminCard.textContent())
      .toMatch(/Applied “Kubernetes 1\.30 -> 1\.31” outside its window, with your reason recorded/);

    const audit = await server.call('GET', '/api/v1/audit?limit=1000', { token: providerAdmin.token });
    const entries = audit.json.entries as { action: string; after: unknown }[];
    const override = entries.find((e) => e.action === 'infrastructure.change.apply.override');
    expect(JSON.stringify(override?.after)).toContain(reason);
  });
});
