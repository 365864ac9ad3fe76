/**
 * The Instance page's Trials panel in a real browser (harness.ts) with a real trial behind it: uv
 * builds dbt 1.11 and 1.10 environments offline from the cached wheels, git checks out two local
 * projects, dbt compiles them. The customer admin starts a trial, watches its progress, cancels it,
 * starts another and reads each project's verdict, error, deprecations and log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbtRepo, deployDbtLab } from '../support/dbt-projects.js';
import { pythonTools } from '../support/python-tools.js';
import { BROWSER_MISSING, startDashboard } from './harness.js';

const tools = pythonTools('the trials browser test', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
const scratch = mkdtempSync(join(tmpdir(), 'ratchet-trial-browser-'));
const repos = join(scratch, 'repos');
const saved = { ...process.env };
// The server reads the trial's configuration when it starts: set it first.
process.env['RATCHET_PROJECT_REPOS'] = `${pathToFileURL(repos).href}/`;
process.env['RATCHET_TRIAL_DIR'] = join(scratch, 'trial');
if (tools !== null) process.env['RATCHET_UV'] = tools.command('tools', 'uv');
const dashboard = await startDashboard();
const { server, openAs, screenshot } = dashboard;
const LAB = '/api/v1/instances/acme%2Facme-lab';

beforeAll(async () => {
  await dashboard.launch();
  if (tools === null) return;
  const uv = tools.command('tools', 'uv');
  const wheels = tools.wheels('dbt-duckdb').path;
  const pete = server.seed.users.providerEngineer.token;
  const bea = server.seed.users.bea.token;
  await deployDbtLab(server, pete, { uv, wheels, uvCache: join(scratch, 'uv-cache') });
  for (const [kind, owner] of [
    ['adapted', 'ada@acme.example'],
    ['plain', 'pat@acme.example'],
  ] as const) {
    const repo = createDbtRepo(repos, kind);
    const added = await server.call('POST', `${LAB}/projects`, {
      token: bea,
      body: { name: kind, repo: repo.url, owners: [owner] },
    });
    expect(added.status, added.text).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await dashboard.close();
  process.env = saved;
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(BROWSER_MISSING !== null || tools === null)('the Trials panel of the Instance page', () => {
  it(
    'starts a trial, shows its progress, cancels it; then runs one to its verdicts, errors, deprecations and logs',
    {
      timeout: 900_000,
    },
    async () => {
      const instance = (
        await server.store.repos.instances.findByName('acme-lab', server.seed.tenants.acme.id)
      )[0]!;
      const page = await openAs(server.seed.users.bea.token, `/instances/${instance.id}`);
      const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Trials' }) });
      await expect.poll(() => panel.textContent()).toContain('No trial has run on this instance yet.');

      // An empty change is refused in the page, before the server is asked.
      await panel.getByRole('button', { name: 'Start trial' }).click();
      await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/Name the change to try/);

      // Started, then cancelled while it builds the environments.
      await panel.getByLabel('Change to try').fill('dbt-core==1.10.*');
      await panel.getByRole('button', { name: 'Start trial' }).click();
      const first = panel.getByTestId('trial').first();
      await expect
        .poll(() => first.getByTestId('trial-state').textContent(), { timeout: 30_000 })
        .toBe('running');
      await expect.poll(() => first.getByTestId('trial-step').textContent()).toMatch(/^\d+\/4 /);
      expect(await panel.getByRole('button', { name: 'Start trial' }).isDisabled()).toBe(true);
      await first.getByRole('button', { name: 'Cancel trial' }).click();
      await expect
        .poll(() => first.getByTestId('trial-state').textContent(), { timeout: 60_000 })
        .toBe('cancelled');
      expect(await first.getByTestId('trial-error').textContent()).toBe('The trial was cancelled.');

      // Run to the end: the panel polls until the result is there.
      await panel.getByLabel('Change to try').fill('dbt-core==1.10.*');
      await panel.getByRole('button', { name: 'Start trial' }).click();
      await expect
        .poll(
          async () =>
            (await panel.getByRole('alert').count()) > 0
              ? await panel.getByRole('alert').textContent()
              : await panel.getByTestId('trial').count(),
          { timeout: 60_000 },
        )
        .toBe(2);
      const second = panel.getByTestId('trial').first();
      await expect
        .poll(() => second.getByTestId('trial-state').textContent(), { timeout: 600_000, interval: 1000 })
        .toBe('succeeded');
      await expect.poll(() => second.textContent()).toContain('dbt-core 1.11.16 → 1.10.23');
      const adapted = second.getByTestId('trial-project').filter({ hasText: 'adapted' });
      expect(await adapted.getByTestId('verdict').textContent()).toBe('breaks');
      expect(await adapted.textContent()).toMatch(/Candidate: [\s\S]*>=1\.11\.0/);
      expect(await adapted.textContent()).toContain('ada@acme.example');
      const plain = second.getByTestId('trial-project').filter({ hasText: 'plain' });
      expect(await plain.getByTestId('verdict').textContent()).toBe('unaffected');
      expect(await plain.getByRole('list', { name: 'Deprecations in plain' }).textContent()).toMatch(
        /D024 DuplicateYAMLKeysDeprecation/,
      );
      // The log is collapsed until asked for.
      const log = adapted.locator('details');
      expect(await log.locator('pre').first().isVisible()).toBe(false);
      await log.getByText('dbt’s log').click();
      expect(await log.locator('pre').last().isVisible()).toBe(true);
      expect(await log.locator('pre').last().textContent()).toMatch(/1\.11\.0/);
      await screenshot(page, 'instance-trials', true);
    },
  );
});
