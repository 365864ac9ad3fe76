/**
 * Issue 16, "Trials are jobs": a real `ratchet serve` process queues a trial (real uv, git and dbt,
 * offline from the cached wheels) and is SIGKILLed while the trial builds its environments. A new
 * server on the same data resumes the trial once the killed server's lease expired and finishes it
 * with the verdicts a trial that never stopped gives. On PostgreSQL a second server runs beside the
 * first beforehand and must leave the live server's trial alone.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDbtRepo, resolveImagePins } from '../support/dbt-projects.js';
import { engines } from '../support/engines.js';
import {
  callApi,
  createSite,
  killStartedServers,
  seedSite,
  startServer,
  waitFor,
} from '../support/processes.js';
import type { ServerProcess, Site } from '../support/processes.js';
import { pythonTools } from '../support/python-tools.js';
import { removeScratch, TRIAL_TEST_LEASE_MS, writeSlowUv } from '../support/trial-resume.js';

const tools = pythonTools('the trial resume tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
const LEASE_MS = TRIAL_TEST_LEASE_MS;
const LAB = '/api/v1/instances/acme%2Facme-lab';

interface TrialRow {
  state: string;
  lease_owner: string | null;
  attempts: number | null;
}

describe.skipIf(tools === null).each(engines)(
  'a trial resumed after its server was killed (%s)',
  (engine) => {
    const scratch = mkdtempSync(join(tmpdir(), `ratchet-trial-resume-${engine}-`));
    let site: Site | undefined;
    afterAll(async () => {
      await killStartedServers();
      await site?.destroy();
      removeScratch(scratch);
    });

    it(
      'a new server resumes it once the lease expired, never while its server lives, and cleans up',
      { timeout: 900_000 },
      async () => {
        const uv = tools!.command('tools', 'uv');
        const wheels = tools!.wheels('dbt-duckdb').path;
        const repos = join(scratch, 'repos');
        const trialDir = join(scratch, 'trial');
        // The first server's uv is slow (a pause before each call), so it is surely mid-build when killed.
        const slowUv = writeSlowUv(scratch, uv);
        const env = (uvPath: string): Record<string, string> => ({
          RATCHET_PROJECT_REPOS: `${pathToFileURL(repos).href}/`,
          RATCHET_UV: uvPath,
          RATCHET_TRIAL_DIR: trialDir,
          RATCHET_TRIAL_LEASE_MS: String(LEASE_MS),
          RATCHET_DELIVERY: 'off',
        });
        site = await createSite(engine);
        const tokens = await seedSite(site);
        const first = await startServer(site, env(slowUv));
        const call = (server: ServerProcess, method: string, path: string, token: string, body?: unknown) =>
          callApi(server.url, method, path, { token, ...(body !== undefined ? { body } : {}) });

        // An instance on dbt 1.11 and two projects: one adapted to 1.11 (a rollback breaks it), one plain.
        expect(
          (
            await call(first, 'POST', '/api/v1/tenants/acme/instances', tokens.engineer, {
              name: 'acme-lab',
              kind: 'test',
            })
          ).status,
        ).toBe(201);
        const pins = resolveImagePins(
          uv,
          wheels,
          ['dbt-core==1.11.16', 'dbt-duckdb==1.11.1'],
          join(scratch, 'uv-cache'),
        );
        const recorded = await call(first, 'POST', `${LAB}/layers/image/revisions`, tokens.engineer, {
          content: {
            python: '3.11',
            platform: '3.4.0',
            index: pathToFileURL(wheels).href,
            packages: pins.map((p) => ({ name: p.name, version: p.version })),
          },
          reason: 'dbt 1.11 image',
          expectedRevision: 0,
        });
        expect(recorded.status, recorded.text).toBe(201);
        expect(
          (await call(first, 'POST', `${LAB}/layers/image/revisions/1/deployed`, tokens.engineer, {})).status,
        ).toBe(200);
        for (const kind of ['adapted', 'plain'] as const) {
          const repo = createDbtRepo(repos, kind);
          const added = await call(first, 'POST', `${LAB}/projects`, tokens.bea, {
            name: kind,
            repo: repo.url,
          });
          expect(added.status, added.text).toBe(201);
        }

        const started = await call(first, 'POST', `${LAB}/image/trials`, tokens.bea, {
          set: ['dbt-core==1.10.*'],
        });
        expect(started.status, started.text).toBe(202);
        const trialId = String(started.json.id);
        const row = async (): Promise<TrialRow> => {
          const store = await site!.open();
          try {
            return (await store.db
              .selectFrom('image_trials')
              .select(['state', 'lease_owner', 'attempts'])
              .where('id', '=', trialId)
              .executeTakeFirstOrThrow()) as TrialRow;
          } finally {
            await store.close();
          }
        };
        await waitFor(
          'the trial to run on the first server',
          async () => (await row()).state === 'running',
          60_000,
        );
        const owner = (await row()).lease_owner;
        expect(owner).toMatch(new RegExp(`:${String(first.pid)}:`));

        if (engine === 'postgres') {
          // A second live server on the same database: for several lease periods it must not take
          // the trial the first server is running (the lease is renewed).
          const other = await startServer(site, env(uv));
          await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 3));
          expect(await row()).toMatchObject({ state: 'running', lease_owner: owner, attempts: 1 });
          await other.kill();
        }

        await first.kill();
        expect(await row()).toMatchObject({ state: 'running', lease_owner: owner });

        const second = await startServer(site, env(uv));
        let trial: Record<string, unknown> = {};
        await waitFor(
          'the resumed trial to finish',
          async () => {
            trial = (await call(second, 'GET', `${LAB}/image/trials/${trialId}`, tokens.bea)).json;
            return ['succeeded', 'failed', 'cancelled'].includes(String(trial['state']));
          },
          600_000,
        );
        expect(trial).toMatchObject({ state: 'succeeded', error: null });
        const projects = (trial['result'] as { projects: { name: string; verdict: string }[] }).projects;
        expect(Object.fromEntries(projects.map((p) => [p.name, p.verdict]))).toEqual({
          adapted: 'breaks',
          plain: 'unaffected',
        });
        const after = await row();
        expect(after.attempts).toBe(2);
        expect(after.lease_owner).toBeNull();
        const store = await site.open();
        try {
          const audit = await store.db
            .selectFrom('audit_log')
            .select('action')
            .where('action', 'like', 'image.trial.%')
            .orderBy('seq')
            .execute();
          expect(audit.map((a) => a.action)).toEqual([
            'image.trial.start',
            'image.trial.resume',
            'image.trial.finish',
          ]);
        } finally {
          await store.close();
        }
        // The trial's checkouts and dbt scratch folders are gone, the killed attempt's included.
        const jobs = join(trialDir, 'jobs');
        expect(existsSync(jobs) ? readdirSync(jobs) : []).toEqual([]);
        await second.stop();
      },
    );
  },
);
