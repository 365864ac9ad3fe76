/**
 * The trial over HTTP and from the CLI (issue 16). Projects: registration within the operator's
 * allow-list, sealed credentials, tenant isolation, on both engines. Trials: real uv, git and dbt
 * (1.11 rolled back to 1.10, offline from the cached wheels) behind the API and `ratchet image trial`.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentOf, refusalOf, runCli } from '../../../test/support/cli.js';
import { createDbtRepo, deployDbtLab } from '../../../test/support/dbt-projects.js';
import { engines } from '../../../test/support/engines.js';
import { pythonTools } from '../../../test/support/python-tools.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import { insertTrialRows, trialRow } from '../../../test/support/trial-rows.js';
import type { ImageTrialsTable } from '../../store/tables/trial.js';
import type { TrialView } from '../../workflows/trial/index.js';
import { TrialRunner } from '../../workflows/trial/index.js';
import { trialConfigFromEnv } from '../../trial/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'ratchet-trial-api-'));
const allowed = join(scratch, 'repos');
const ACME_PROD = '/api/v1/instances/acme%2Facme-prod';

describe.each(engines)('projects API (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  let bea: string;
  let ana: string;
  let gus: string;
  const savedRepos = process.env['RATCHET_PROJECT_REPOS'];

  beforeAll(async () => {
    process.env['RATCHET_PROJECT_REPOS'] = `${pathToFileURL(allowed).href}/, github.com`;
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_trial');
    server = await startTestServer(storeOptionsFor(database));
    bea = server.seed.users.bea.token;
    ana = server.seed.users.ana.token;
    gus = server.seed.users.globexAdmin.token;
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
    if (savedRepos === undefined) delete process.env['RATCHET_PROJECT_REPOS'];
    else process.env['RATCHET_PROJECT_REPOS'] = savedRepos;
  });

  it('registers a project of the customer admin’s instance, its credential sealed and never shown', async () => {
    const added = await server.call('POST', `${ACME_PROD}/projects`, {
      token: bea,
      body: {
        name: 'marts',
        repo: 'https://github.com/acme/marts',
        path: 'transform',
        owners: ['ana@acme.example'],
        credential: 'ghp_readonly_secret_value',
      },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({
      name: 'marts',
      path: 'transform',
      owners: ['ana@acme.example'],
      credentialSet: true,
    });
    expect(added.text).not.toContain('ghp_readonly_secret_value');
    const row = await server.store.db
      .selectFrom('trial_projects')
      .selectAll()
      .where('name', '=', 'marts')
      .executeTakeFirstOrThrow();
    expect(row.sealed_credential).not.toBeNull();
    expect(row.sealed_credential).not.toContain('ghp_readonly_secret_value');
    const listed = await server.call('GET', `${ACME_PROD}/projects`, { token: bea });
    expect((listed.json.projects as { name: string }[]).map((p) => p.name)).toEqual(['marts']);
    const twice = await server.call('POST', `${ACME_PROD}/projects`, {
      token: bea,
      body: { name: 'marts', repo: 'https://github.com/acme/other' },
    });
    expect(twice.status).toBe(409);
  });

  it('refuses a repository outside RATCHET_PROJECT_REPOS with 400 naming the variable, and stores nothing', async () => {
    for (const repo of [
      'https://gitlab.com/acme/marts',
      'file:///etc/',
      'https://user:pw@github.com/acme/x',
      `${pathToFileURL(allowed).href}-other/x`,
    ]) {
      const refused = await server.call('POST', `${ACME_PROD}/projects`, {
        token: bea,
        body: { name: 'sneaky', repo },
      });
      expect(refused.status, repo).toBe(400);
      expect(refused.contentType).toMatch(/problem\+json/);
    }
    const refused = await server.call('POST', `${ACME_PROD}/projects`, {
      token: bea,
      body: { name: 'sneaky', repo: 'https://gitlab.com/acme/marts' },
    });
    expect(refused.json.detail).toMatch(/RATCHET_PROJECT_REPOS/);
    const escape = await server.call('POST', `${ACME_PROD}/projects`, {
      token: bea,
      body: { name: 'sneaky', repo: 'https://github.com/acme/x', path: '../../etc' },
    });
    expect(escape.status).toBe(400);
    const rows = await server.store.db
      .selectFrom('trial_projects')
      .select('name')
      .where('name', '=', 'sneaky')
      .execute();
    expect(rows).toEqual([]);
  });

  it('keeps projects to their tenant and their roles', async () => {
    expect((await server.call('GET', `${ACME_PROD}/projects`, { token: gus })).status).toBe(404);
    expect(
      (
        await server.call('POST', `${ACME_PROD}/projects`, {
          token: gus,
          body: { name: 'x', repo: 'https://github.com/g/x' },
        })
      ).status,
    ).toBe(404);
    expect((await server.call('GET', `${ACME_PROD}/projects`, { token: ana })).status).toBe(403);
    expect((await server.call('DELETE', `${ACME_PROD}/projects/marts`, { token: gus })).status).toBe(404);
    const removed = await server.call('DELETE', `${ACME_PROD}/projects/marts`, { token: bea });
    expect(removed.status).toBe(200);
    expect((await server.call('GET', `${ACME_PROD}/projects`, { token: bea })).json.projects).toEqual([]);
    expect((await server.call('DELETE', `${ACME_PROD}/projects/marts`, { token: bea })).status).toBe(404);
  });

  it('refuses a trial on an instance without projects; after a restart fails what cannot resume, with why, and leaves a live server’s trial alone', async () => {
    const refused = await server.call('POST', `${ACME_PROD}/image/trials`, {
      token: bea,
      body: { set: ['dbt-core==1.10.*'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.detail).toMatch(/no registered dbt projects/);
    const instance = (
      await server.store.repos.instances.findByName('acme-prod', server.seed.tenants.acme.id)
    )[0]!;
    const at = new Date().toISOString();
    const row = (id: string, extra: Partial<ImageTrialsTable>) =>
      trialRow(
        { id, instance, state: 'running', createdBy: server.seed.users.bea.user.id },
        { progress: '{"done":1,"total":3,"step":"running marts"}', ...extra },
      );
    const work = JSON.stringify({ current: {}, candidate: {}, changes: [], projects: [] });
    await insertTrialRows(server.store, [
      // Queued by a version that recorded no work: nothing to resume from.
      row('trl_interrupted', {}),
      // Started three times, its server stopping each time.
      row('trl_crashy', { work, attempts: 3, lease_owner: 'gone', lease_expires_at: at }),
      // Work that no longer reads: failed with why, not retried every lease period.
      row('trl_garbled', { work: '{', attempts: 1, lease_owner: 'gone', lease_expires_at: at }),
      // Another server runs this one and renews its lease: not to be touched.
      row('trl_elsewhere', {
        work,
        attempts: 1,
        lease_owner: 'other-server',
        lease_expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ]);
    const runner = new TrialRunner(server.store, {
      ...trialConfigFromEnv({}),
      workDir: join(scratch, 'sweep'),
    });
    expect(await runner.resumeInterrupted()).toEqual({
      resumed: [],
      failed: expect.arrayContaining(['trl_interrupted', 'trl_crashy', 'trl_garbled']),
    });
    const trial = await server.call('GET', `${ACME_PROD}/image/trials/trl_interrupted`, { token: bea });
    expect(trial.json).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/did not record its work/),
    });
    const crashy = await server.call('GET', `${ACME_PROD}/image/trials/trl_crashy`, { token: bea });
    expect(crashy.json).toMatchObject({ state: 'failed', error: expect.stringMatching(/started 3 times/) });
    const garbled = await server.call('GET', `${ACME_PROD}/image/trials/trl_garbled`, { token: bea });
    expect(garbled.json).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/could not be resumed: .*JSON/),
    });
    const elsewhere = await server.call('GET', `${ACME_PROD}/image/trials/trl_elsewhere`, { token: bea });
    expect(elsewhere.json).toMatchObject({ state: 'running', error: null });
    expect(
      (await server.call('GET', `${ACME_PROD}/image/trials/trl_interrupted`, { token: gus })).status,
    ).toBe(404);
    // Cancelled from this server while the other one runs it: the row says cancelled at once (the
    // other server sees it when it renews its lease and stops the trial's processes).
    const cancelled = await server.call('POST', `${ACME_PROD}/image/trials/trl_elsewhere/cancel`, {
      token: bea,
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json).toMatchObject({ state: 'cancelled' });
    const audit = await server.store.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('action', 'in', ['image.trial.interrupted', 'image.trial.cancel'])
      .execute();
    expect(audit.map((a) => `${a.action} ${a.target.split('/')[1]!}`).sort()).toEqual([
      'image.trial.cancel trl_elsewhere',
      'image.trial.interrupted trl_crashy',
      'image.trial.interrupted trl_garbled',
      'image.trial.interrupted trl_interrupted',
    ]);
  });

  it('cancels a running trial: its child processes are stopped and the trial is marked cancelled', async () => {
    // A stand-in for uv that hangs, so the trial is caught mid-build.
    const hanging = join(scratch, `hanging-uv-${engine}`);
    writeFileSync(hanging, '#!/bin/sh\nsleep 60\n');
    chmodSync(hanging, 0o755);
    const runner = new TrialRunner(server.store, {
      ...trialConfigFromEnv({}),
      workDir: join(scratch, `cancel-${engine}`),
      uv: hanging,
      limits: { timeoutMs: 120_000, memoryMb: 0 },
    });
    const instance = (
      await server.store.repos.instances.findByName('acme-prod', server.seed.tenants.acme.id)
    )[0]!;
    await insertTrialRows(server.store, [
      trialRow(
        { id: 'trl_cancel', instance, state: 'queued', createdBy: server.seed.users.bea.user.id },
        { progress: '{"done":0,"total":3,"step":"queued"}' },
      ),
    ]);
    const env = {
      python: '3.11',
      pins: [{ name: 'dbt-core', version: '1.10.23' }],
      source: { kind: 'find-links' as const, path: scratch },
    };
    const started = Date.now();
    const done = runner.run('trl_cancel', { current: env, candidate: env, changes: [], projects: [] });
    while (
      (await server.call('GET', `${ACME_PROD}/image/trials/trl_cancel`, { token: bea })).json.state !==
      'running'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(runner.cancel('trl_cancel')).toBe(true);
    await done;
    expect(Date.now() - started).toBeLessThan(30_000);
    const trial = await server.call('GET', `${ACME_PROD}/image/trials/trl_cancel`, { token: bea });
    expect(trial.json).toMatchObject({ state: 'cancelled', error: 'The trial was cancelled.', result: null });
    // Nothing of the cancelled trial is left: its scratch folder, and the half-built environment.
    const work = join(scratch, `cancel-${engine}`);
    expect(existsSync(join(work, 'jobs')) ? readdirSync(join(work, 'jobs')) : []).toEqual([]);
    expect(readdirSync(join(work, 'envs'))).toEqual([]);
  });
});

const tools = pythonTools('the trial API and CLI tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });

describe.skipIf(tools === null)('a trial over HTTP and from the CLI, with real uv, git and dbt', () => {
  let server: TestServer;
  const saved = { ...process.env };
  const lab = '/api/v1/instances/acme%2Facme-lab';
  let adapted: { url: string; commit: string };

  beforeAll(async () => {
    const uv = tools!.command('tools', 'uv');
    const wheels = tools!.wheels('dbt-duckdb').path;
    process.env['RATCHET_PROJECT_REPOS'] = `${pathToFileURL(allowed).href}/`;
    process.env['RATCHET_UV'] = uv;
    process.env['RATCHET_TRIAL_DIR'] = join(scratch, 'trial');
    server = await startTestServer();
    const pete = server.seed.users.providerEngineer.token;
    await deployDbtLab(server, pete, { uv, wheels, uvCache: join(scratch, 'uv-cache') });
    adapted = createDbtRepo(allowed, 'adapted');
  }, 120_000);
  afterAll(async () => {
    await server.close();
    process.env = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'runs the trial as a job: one per instance, progress, then verdicts, errors and deprecations per project',
    { timeout: 900_000 },
    async () => {
      const bea = server.seed.users.bea.token;
      const plain = createDbtRepo(allowed, 'plain');
      for (const [name, repo, owner] of [
        ['adapted', adapted.url, 'ada@acme.example'],
        ['plain', plain.url, 'pat@acme.example'],
      ] as const) {
        const added = await server.call('POST', `${lab}/projects`, {
          token: bea,
          body: { name, repo, owners: [owner] },
        });
        expect(added.status, added.text).toBe(201);
      }
      const started = await server.call('POST', `${lab}/image/trials`, {
        token: bea,
        body: { set: ['dbt-core==1.10.*'] },
      });
      expect(started.status, started.text).toBe(202);
      expect(started.json).toMatchObject({ state: 'queued', requests: ['dbt-core==1.10.*'] });
      const second = await server.call('POST', `${lab}/image/trials`, {
        token: bea,
        body: { set: ['dbt-core==1.10.*'] },
      });
      expect(second.status).toBe(409);
      expect(second.json.detail).toMatch(/one runs per instance/);
      let trial = started.json as unknown as TrialView;
      const steps = new Set<string>();
      while (!['succeeded', 'failed', 'cancelled'].includes(trial.state)) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        trial = (await server.call('GET', `${lab}/image/trials/${trial.id}`, { token: bea }))
          .json as unknown as TrialView;
        steps.add(trial.progress.step);
      }
      expect(trial.error).toBeNull();
      expect(trial.state).toBe('succeeded');
      expect(steps).toContain('running adapted');
      const result = trial.result!;
      // The planner's minimal co-changes: dbt-core moves with what it pins (sqlparse); dbt-duckdb
      // 1.11.1 also works with dbt-core 1.10, so it stays.
      expect(result.changes).toContainEqual({ name: 'dbt-core', from: '1.11.16', to: '1.10.23' });
      expect(result.changes.map((c) => c.name)).not.toContain('dbt-duckdb');
      const byName = Object.fromEntries(result.projects.map((p) => [p.name, p]));
      expect(byName['adapted']).toMatchObject({
        owners: ['ada@acme.example'],
        commit: adapted.commit,
        current: { ok: true, error: null },
        candidate: { ok: false },
        verdict: 'breaks',
      });
      expect(byName['adapted']!.candidate.error).toMatch(/>=1\.11\.0/);
      expect(byName['plain']!.verdict).toBe('unaffected');
      expect(byName['plain']!.candidate.deprecations.map((d) => d.code)).toEqual(
        expect.arrayContaining(['D024', 'D039']),
      );
      expect(result.environments.candidate.check.ok).toBe(true);
      // The audit log holds the trial's start and its verdicts.
      const audit = await server.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'image.trial.%')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['image.trial.start', 'image.trial.finish']);
    },
  );

  it(
    'ratchet projects and ratchet image trial: list, refuse, remove, then a trial that breaks exits 1 with its JSON',
    { timeout: 900_000 },
    async () => {
      const { bea } = server.seed.users;
      const cli = (...args: string[]) => runCli(server.url, bea.token, args);
      const listed = documentOf<{ projects: { name: string }[] }>(
        await cli('projects', 'list', 'acme/acme-lab', '--json'),
        0,
      );
      expect(listed.projects.map((p) => p.name)).toEqual(['adapted', 'plain']);
      const refused = await cli(
        'projects',
        'add',
        'acme/acme-lab',
        '--name',
        'x',
        '--repo',
        'https://gitlab.com/x/y',
        '--json',
      );
      expect(refusalOf(refused, 2).message).toMatch(/RATCHET_PROJECT_REPOS/);
      documentOf(await cli('projects', 'remove', 'acme/acme-lab', '--name', 'plain', '--json'), 0);
      const run = await cli(
        'image',
        'trial',
        'acme/acme-lab',
        '--set',
        'dbt-core==1.10.*',
        '--interval',
        '300',
        '--json',
      );
      const trial = documentOf<TrialView>(run, 1);
      expect(trial.state).toBe('succeeded');
      expect(trial.result!.projects.map((p) => [p.name, p.verdict])).toEqual([['adapted', 'breaks']]);
      // Both environments were built by the first trial and reused here.
      expect(trial.result!.environments.current.reused).toBe(true);
      expect(trial.result!.environments.candidate.reused).toBe(true);
      // Without --json: a table of verdicts, then each project's candidate error.
      const human = await cli(
        'image',
        'trial',
        'acme/acme-lab',
        '--set',
        'dbt-core==1.10.*',
        '--interval',
        '300',
      );
      expect(human.code, human.stderr).toBe(1);
      // Not a terminal: progress comes as lines, one per new step, on stderr (stdout stays the result).
      expect(human.stderr).toMatch(/^\[[#.]{20}\] \d+\/\d+ queued$/m);
      expect(human.stdout).not.toMatch(/\[[#.]{20}\]/);
      expect(human.stdout).toMatch(/dbt-core 1\.11\.16 -> 1\.10\.23/);
      expect(human.stdout).toMatch(/^adapted +breaks +[0-9a-f]{12} +ada@acme\.example/m);
      expect(human.stdout).toMatch(/^adapted \(candidate\): Runtime Error\n.*>=1\.11\.0/ms);
      expect(human.stdout).not.toContain(scratch);
    },
  );
});
