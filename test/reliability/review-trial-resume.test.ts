/**
 * Issue 16, "Trials are jobs", for the trial a rollback review starts by itself: a real `ratchet
 * serve` process opens a rollback request (its trial queued with its work and the server's lease)
 * and is SIGKILLed while the trial builds its environments. A new server on the same data resumes
 * the review's trial once the lease expired, finishes it, and the owners who must act get their
 * guidance, once, though the server that queued the trial never saw it finish.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyReviewTrialOwners } from '../../src/workflows/index.js';
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

const tools = pythonTools('the review trial resume tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
const LEASE_MS = TRIAL_TEST_LEASE_MS;
const LAB = '/api/v1/instances/acme%2Facme-lab';
const TOPIC = 'image.rollback.trial-guidance';

interface TrialRow {
  state: string;
  lease_owner: string | null;
  attempts: number | null;
  work: string | null;
}

describe.skipIf(tools === null).each(engines)(
  "a rollback review's trial resumed after its server was killed (%s)",
  (engine) => {
    const scratch = mkdtempSync(join(tmpdir(), `ratchet-review-resume-${engine}-`));
    let site: Site | undefined;
    afterAll(async () => {
      await killStartedServers();
      await site?.destroy();
      removeScratch(scratch);
    });

    it(
      'a new server finishes it and the owners who must act are told, once',
      { timeout: 900_000 },
      async () => {
        const uv = tools!.command('tools', 'uv');
        const wheels = tools!.wheels('dbt-duckdb').path;
        const repos = join(scratch, 'repos');
        // The first server's uv is slow (a pause before each call), so it is surely mid-build when killed.
        const slowUv = writeSlowUv(scratch, uv);
        const env = (uvPath: string): Record<string, string> => ({
          RATCHET_PROJECT_REPOS: `${pathToFileURL(repos).href}/`,
          RATCHET_UV: uvPath,
          RATCHET_TRIAL_DIR: join(scratch, 'trial'),
          RATCHET_TRIAL_LEASE_MS: String(LEASE_MS),
          RATCHET_DELIVERY: 'off',
        });
        site = await createSite(engine);
        const tokens = await seedSite(site);
        const first = await startServer(site, env(slowUv));
        const call = (server: ServerProcess, method: string, path: string, token: string, body?: unknown) =>
          callApi(server.url, method, path, { token, ...(body !== undefined ? { body } : {}) });

        // An instance on dbt 1.11; one project adapted to 1.11 (a rollback breaks it), one plain
        // (dbt 1.10 reports deprecations on it).
        const created = await call(first, 'POST', '/api/v1/tenants/acme/instances', tokens.engineer, {
          name: 'acme-lab',
          kind: 'test',
        });
        expect(created.status, created.text).toBe(201);
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
        for (const [kind, owner] of [
          ['adapted', 'ada@acme.example'],
          ['plain', 'pat@acme.example'],
        ] as const) {
          const added = await call(first, 'POST', `${LAB}/projects`, tokens.bea, {
            name: kind,
            repo: createDbtRepo(repos, kind).url,
            owners: [owner],
          });
          expect(added.status, added.text).toBe(201);
        }

        const requested = await call(first, 'POST', `${LAB}/image/rollback-requests`, tokens.bea, {
          package: 'dbt-core',
          target: '==1.10.*',
          reason: 'models fail on 1.11',
        });
        expect(requested.status, requested.text).toBe(201);
        const changeId = String(requested.json.id);
        const trialId = String((requested.json.report as { trial: { id: string } }).trial.id);
        expect(trialId).toMatch(/^trl_/);
        const row = async (): Promise<TrialRow> => {
          const store = await site!.open();
          try {
            return (await store.db
              .selectFrom('image_trials')
              .select(['state', 'lease_owner', 'attempts', 'work'])
              .where('id', '=', trialId)
              .executeTakeFirstOrThrow()) as TrialRow;
          } finally {
            await store.close();
          }
        };
        await waitFor(
          "the review's trial to run on the first server",
          async () => (await row()).state === 'running',
          60_000,
        );
        const running = await row();
        // Queued with its work and the first server's lease, like a trial started by hand.
        expect(running.lease_owner).toMatch(new RegExp(`:${String(first.pid)}:`));
        expect(running.attempts).toBe(1);
        expect(JSON.parse(running.work!)).toMatchObject({
          projects: [
            expect.objectContaining({ name: 'adapted', credential: null }),
            expect.objectContaining({ name: 'plain', credential: null }),
          ],
        });

        await first.kill();
        expect(await row()).toMatchObject({ state: 'running', lease_owner: running.lease_owner });

        const second = await startServer(site, env(uv));
        let view: Record<string, unknown> = {};
        await waitFor(
          "the resumed review's trial to finish",
          async () => {
            view = (await call(second, 'GET', `/api/v1/rollback-requests/${changeId}`, tokens.bea)).json;
            const trial = view['trial'] as { state: string } | null;
            return trial !== null && ['succeeded', 'failed', 'cancelled'].includes(trial.state);
          },
          600_000,
        );
        const trial = view['trial'] as {
          state: string;
          error: string | null;
          result: { projects: { name: string; verdict: string }[] };
        };
        expect(trial).toMatchObject({ state: 'succeeded', error: null });
        expect(Object.fromEntries(trial.result.projects.map((p) => [p.name, p.verdict]))).toEqual({
          adapted: 'breaks',
          plain: 'unaffected',
        });
        expect(await row()).toMatchObject({ attempts: 2, lease_owner: null });

        const store = await site.open();
        try {
          const guidance = async () =>
            (
              await store.db.selectFrom('outbox').select(['payload']).where('topic', '=', TOPIC).execute()
            ).map((r) => (JSON.parse(r.payload) as { data: { owner: string; trialId: string } }).data);
          // The second server's runner tells the owners once the trial finished there.
          await waitFor(
            'the guidance of the resumed trial',
            async () => (await guidance()).length > 0,
            30_000,
          );
          // The owner it breaks, and the plain project's (dbt 1.10 reports deprecations there).
          const told = (await guidance()).map((g) => [g.owner, g.trialId]);
          expect(told.sort()).toEqual([
            ['ada@acme.example', trialId],
            ['pat@acme.example', trialId],
          ]);
          // Noticing the finished trial again (another server, a retry) tells nobody twice.
          expect(await notifyReviewTrialOwners(store, trialId)).toBe(0);
          expect(await guidance()).toHaveLength(2);
        } finally {
          await store.close();
        }
        await second.stop();
      },
    );
  },
);
