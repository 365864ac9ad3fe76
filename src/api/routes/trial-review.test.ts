/**
 * The trial as a step of the rollback review (issue 16), over HTTP on both engines, with real uv,
 * git and dbt (1.11 rolled back to 1.10, offline from the cached wheels): the request queues the
 * trial, approval waits for it and then needs an explicit acknowledgement of the projects it
 * breaks (recorded in the history), the owners who must act get their own project's error and
 * deprecations, and nobody else is told.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentOf, refusalOf, runCli } from '../../../test/support/cli.js';
import { createDbtRepo, deployDbtLab, resolveImagePins } from '../../../test/support/dbt-projects.js';
import { engines } from '../../../test/support/engines.js';
import { pythonTools } from '../../../test/support/python-tools.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import { insertTrialRows, trialRow } from '../../../test/support/trial-rows.js';
import type { ProjectEvidence } from '../../impact/index.js';
import type { Store } from '../../store/index.js';
import type { TrialView } from '../../workflows/trial/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const tools = pythonTools('the review trial tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
const scratch = mkdtempSync(join(tmpdir(), 'ratchet-review-trial-'));
const allowed = join(scratch, 'repos');
const LAB = '/api/v1/instances/acme%2Facme-lab';

/** A dbt project that compiles on both versions and reports no deprecation. */
function cleanRepo(root: string, name: string): string {
  const dir = join(root, `${name}-repo`);
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(
    join(dir, 'dbt_project.yml'),
    `name: ${name}\nversion: "1.0"\nprofile: ${name}\nconfig-version: 2\n`,
  );
  writeFileSync(join(dir, 'models', 'orders.sql'), 'select 1 as id\n');
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  for (const args of [
    ['init', '--quiet', '--initial-branch=main'],
    ['add', '-A'],
    ['commit', '--quiet', '-m', 'clean'],
  ]) {
    execFileSync('git', args, { cwd: dir, env });
  }
  return pathToFileURL(dir).href;
}

interface Guidance {
  receiverId: string;
  address: string | null;
  text: string;
  data: { owner: string; projects: { name: string; verdict: string; deprecations: string[] }[] };
}

async function guidanceOf(store: Store, topic: string): Promise<Guidance[]> {
  const rows = await store.db
    .selectFrom('outbox')
    .select(['receiver_id', 'payload'])
    .where('topic', '=', topic)
    .execute();
  return rows.map((row) => {
    const payload = JSON.parse(row.payload) as Omit<Guidance, 'receiverId'>;
    return { receiverId: row.receiver_id, address: payload.address, text: payload.text, data: payload.data };
  });
}

type ChangeView = Record<string, unknown> & {
  id: string;
  state: string;
  report: { trial?: { id: string | null; skipped: string | null; projects: string[] } };
  trial: TrialView | null;
  evidence: ProjectEvidence[];
  notes: { step: string; text: string; byUserId: string }[];
};

describe.skipIf(tools === null).each(engines)('the trial step of a rollback review (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  const saved = { ...process.env };
  const repos = join(allowed, engine);

  beforeAll(async () => {
    const uv = tools!.command('tools', 'uv');
    const wheels = tools!.wheels('dbt-duckdb').path;
    process.env['RATCHET_PROJECT_REPOS'] = `${pathToFileURL(allowed).href}/`;
    process.env['RATCHET_UV'] = uv;
    // Shared by both engines: the second reuses the environments the first built.
    process.env['RATCHET_TRIAL_DIR'] = join(scratch, 'trial');
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_review_trial');
    server = await startTestServer(storeOptionsFor(database));
    const pete = server.seed.users.providerEngineer.token;
    await deployDbtLab(server, pete, { uv, wheels, uvCache: join(scratch, 'uv-cache') });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await database?.drop();
    process.env = { ...saved };
  });

  it('without registered projects the step says so and does not hold up approval', async () => {
    const { bea, providerEngineer: pete } = server.seed.users;
    const requested = await server.call('POST', `${LAB}/image/rollback-requests`, {
      token: bea.token,
      body: { package: 'dbt-core', target: '==1.10.*', reason: 'models fail on 1.11' },
    });
    expect(requested.status, requested.text).toBe(201);
    const change = requested.json as ChangeView;
    expect(change.report.trial).toMatchObject({ id: null, projects: [] });
    expect(change.report.trial!.skipped).toMatch(/no registered dbt projects/);
    const shown = (await server.call('GET', `/api/v1/rollback-requests/${change.id}`, { token: bea.token }))
      .json as ChangeView;
    expect(shown.trial).toBeNull();
    const approved = await server.call('POST', `/api/v1/rollback-requests/${change.id}/approve`, {
      token: pete.token,
      body: { reason: 'reviewed' },
    });
    expect(approved.status, approved.text).toBe(200);
    const rejected = await server.call('POST', `/api/v1/rollback-requests/${change.id}/reject`, {
      token: pete.token,
      body: { reason: 'make room for the next test' },
    });
    expect(rejected.status, rejected.text).toBe(200);
  });

  it(
    'tries the rollback on every project: approval waits, then needs the breaks acknowledged; the owners who must act are told, and only they',
    { timeout: 900_000 },
    async () => {
      const { bea, providerEngineer: pete } = server.seed.users;
      mkdirSync(repos, { recursive: true });
      const projects: [string, string, string][] = [
        ['adapted', createDbtRepo(repos, 'adapted').url, 'ada@acme.example'],
        ['spaces', createDbtRepo(repos, 'spaces').url, 'ana@acme.example'],
        ['plain', createDbtRepo(repos, 'plain').url, 'pat@acme.example'],
        ['clean', cleanRepo(repos, 'clean'), 'cleo@acme.example'],
      ];
      for (const [name, repo, owner] of projects) {
        const added = await server.call('POST', `${LAB}/projects`, {
          token: bea.token,
          body: { name, repo, owners: [owner] },
        });
        expect(added.status, added.text).toBe(201);
      }
      const requested = await server.call('POST', `${LAB}/image/rollback-requests`, {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'models fail on 1.11' },
      });
      expect(requested.status, requested.text).toBe(201);
      const change = requested.json as ChangeView;
      const trialId = change.report.trial!.id!;
      expect(trialId).toMatch(/^trl_/);
      expect(change.report.trial!.projects).toEqual(['adapted', 'clean', 'plain', 'spaces']);

      // While the trial runs, approval waits for it (409, nothing written).
      const early = await server.call('POST', `/api/v1/rollback-requests/${change.id}/approve`, {
        token: pete.token,
        body: { reason: 'looks fine', acknowledgeBreaks: true },
      });
      expect(early.status, early.text).toBe(409);
      expect(early.json.detail).toMatch(/its trial trl_\w+ is (queued|running)/);
      expect(early.json.remedy).toMatch(/Wait for the trial to finish/);
      // A second trial on the instance is refused while the review's runs.
      const manual = await server.call('POST', `${LAB}/image/trials`, {
        token: bea.token,
        body: { set: ['dbt-core==1.10.*'] },
      });
      expect(manual.status).toBe(409);

      let view = change;
      for (;;) {
        view = (await server.call('GET', `/api/v1/rollback-requests/${change.id}`, { token: bea.token }))
          .json as ChangeView;
        expect(view.trial?.id).toBe(trialId);
        if (['succeeded', 'failed', 'cancelled'].includes(view.trial!.state)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(view.trial!.error).toBeNull();
      expect(view.trial!.state).toBe('succeeded');
      const verdicts = Object.fromEntries(view.trial!.result!.projects.map((p) => [p.name, p.verdict]));
      expect(verdicts).toEqual({
        adapted: 'breaks',
        spaces: 'still-broken',
        plain: 'unaffected',
        clean: 'unaffected',
      });
      expect(view.trial!.result!.logs['adapted']!.candidate.length).toBeGreaterThan(0);
      // The report's evidence: each project's prediction, labelled as such (no runs observed here).
      const adapted = view.evidence.find((e) => e.project === 'adapted')!;
      expect(adapted.entries).toEqual([
        expect.objectContaining({ source: 'predicted', verdict: 'breaks', owners: ['ada@acme.example'] }),
      ]);
      expect(adapted.entries[0]!.error).toMatch(/>=1\.11\.0/);
      expect(view.evidence.map((e) => e.project)).toEqual(['adapted', 'clean', 'plain', 'spaces']);

      // Approving a change the trial says breaks a project needs the acknowledgement.
      const refused = await server.call('POST', `/api/v1/rollback-requests/${change.id}/approve`, {
        token: pete.token,
        body: { reason: 'customer outage' },
      });
      expect(refused.status, refused.text).toBe(409);
      expect(refused.contentType).toMatch(/problem\+json/);
      expect(refused.json).toMatchObject({ policy: 'trial-breaks-acknowledgement' });
      expect(refused.json.detail).toMatch(/predicts the change breaks adapted \(.*\)/);
      expect(refused.json.detail).not.toMatch(/spaces|plain|clean/);
      expect(refused.json.remedy).toMatch(/acknowledgeBreaks: true/);
      const unchanged = (
        await server.call('GET', `/api/v1/rollback-requests/${change.id}`, { token: bea.token })
      ).json as ChangeView;
      expect(unchanged.state).toBe('requested');
      expect(unchanged.notes).toEqual([]);

      // From the CLI: refused the same way without --acknowledge-breaks, approved with it.
      const cli = (...args: string[]) => runCli(server.url, pete.token, args);
      const cliRefused = refusalOf(
        await cli('rollback', 'approve', change.id, '--reason', 'outage', '--json'),
        1,
      );
      expect(cliRefused.message).toMatch(/predicts the change breaks adapted/);
      const record = documentOf<ChangeView>(
        await cli(
          'rollback',
          'approve',
          change.id,
          '--reason',
          'customer outage',
          '--acknowledge-breaks',
          '--json',
        ),
        0,
      );
      expect(record.state).toBe('approved');
      // The history: who acknowledged which projects, and when.
      expect(record.notes).toEqual([
        expect.objectContaining({
          step: 'acknowledge-breaks',
          byUserId: pete.user.id,
          text: expect.stringMatching(new RegExp(`trial ${trialId} predicts the change breaks adapted;`)),
        }),
      ]);
      const audit = await server.store.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('target', '=', `image-change:${change.id}`)
        .where('action', '=', 'image.rollback.approve')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(String(audit.after))).toMatchObject({
        acknowledgedBreaks: { trialId, trialState: 'succeeded', projects: ['adapted'] },
      });

      const shown = await cli('rollback', 'show', change.id);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(new RegExp(`^trial: ${trialId} succeeded$`, 'm'));
      expect(shown.stdout).toMatch(/^ {2}adapted: breaks \(Runtime Error\)$/m);
      expect(shown.stdout).toMatch(/^ {2}clean: unaffected$/m);

      // A refresh keeps the finished trial: the report and its hash stay, no second trial runs.
      const refreshed = await server.call('POST', `/api/v1/rollback-requests/${change.id}/refresh`, {
        token: pete.token,
        body: {},
      });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect((refreshed.json as ChangeView).report.trial!.id).toBe(trialId);
      const trials = await server.store.db.selectFrom('image_trials').select('id').execute();
      expect(trials.map((t) => t.id)).toEqual([trialId]);

      // Targeted forward-fix guidance: the owners of the broken, the still-broken and the deprecated
      // project, each with their own project only; the clean project's owner gets nothing.
      let guidance: Guidance[] = [];
      for (let i = 0; i < 100 && guidance.length < 3; i += 1) {
        guidance = await guidanceOf(server.store, 'image.rollback.trial-guidance');
        if (guidance.length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const byOwner = Object.fromEntries(guidance.map((g) => [g.data.owner, g]));
      expect(Object.keys(byOwner).sort()).toEqual([
        'ada@acme.example',
        'ana@acme.example',
        'pat@acme.example',
      ]);
      expect(guidance.map((g) => g.address)).not.toContain('cleo@acme.example');
      const all = await server.store.db.selectFrom('outbox').select('payload').execute();
      expect(all.some((row) => row.payload.includes('cleo@acme.example'))).toBe(false);
      // Ana is a user of the tenant: her message goes to her account.
      expect(byOwner['ana@acme.example']!.receiverId).toBe(`user:${server.seed.users.ana.user.id}`);
      expect(byOwner['ada@acme.example']!.text).toMatch(/Project adapted .*: breaks\./);
      expect(byOwner['ada@acme.example']!.text).toMatch(/>=1\.11\.0/);
      expect(byOwner['ada@acme.example']!.text).not.toMatch(/spaces|plain/);
      expect(byOwner['ana@acme.example']!.text).toMatch(
        /Project spaces .*: still-broken\.[\s\S]*does not fix it/,
      );
      expect(byOwner['ana@acme.example']!.text).toContain('Resource names cannot contain spaces');
      // The deprecations dbt 1.10 reports (D0xx) reach the plain project's owner.
      expect(byOwner['pat@acme.example']!.data.projects).toEqual([
        expect.objectContaining({
          name: 'plain',
          verdict: 'unaffected',
          deprecations: expect.arrayContaining(['D024', 'D039']),
        }),
      ]);
      expect(byOwner['pat@acme.example']!.text).toMatch(/D024 DuplicateYAMLKeysDeprecation/);
      for (const g of guidance) expect(g.text).toMatch(/What the policy asks of you: Apply targeted fixes\./);
    },
  );

  it(
    'tries an upgrade: projects it fixes need no acknowledgement and their owners hear nothing; a still-broken one is told',
    { timeout: 900_000 },
    async () => {
      const { bea, providerEngineer: pete } = server.seed.users;
      const uv = tools!.command('tools', 'uv');
      const wheels = tools!.wheels('dbt-duckdb').path;
      const up = '/api/v1/instances/acme%2Facme-up';
      const created = await server.call('POST', '/api/v1/tenants/acme/instances', {
        token: pete.token,
        body: { name: 'acme-up', kind: 'test' },
      });
      expect(created.status, created.text).toBe(201);
      const pins = resolveImagePins(
        uv,
        wheels,
        ['dbt-core==1.10.23', 'dbt-duckdb==1.10.1'],
        join(scratch, 'uv-cache'),
      );
      const recorded = await server.call('POST', `${up}/layers/image/revisions`, {
        token: pete.token,
        body: {
          content: {
            python: '3.11',
            platform: '3.4.0',
            index: pathToFileURL(wheels).href,
            packages: pins.map((p) => ({ name: p.name, version: p.version })),
          },
          reason: 'dbt 1.10 image',
          expectedRevision: 0,
        },
      });
      expect(recorded.status, recorded.text).toBe(201);
      expect(
        (
          await server.call('POST', `${up}/layers/image/revisions/1/deployed`, {
            token: pete.token,
            body: {},
          })
        ).status,
      ).toBe(200);
      const upRepos = join(repos, 'up');
      mkdirSync(upRepos, { recursive: true });
      for (const [name, repo, owner] of [
        ['udf', createDbtRepo(upRepos, 'udf').url, 'uma@acme.example'],
        ['spaces', createDbtRepo(upRepos, 'spaces').url, 'sam@acme.example'],
      ] as const) {
        const added = await server.call('POST', `${up}/projects`, {
          token: bea.token,
          body: { name, repo, owners: [owner] },
        });
        expect(added.status, added.text).toBe(201);
      }
      const requested = await server.call('POST', `${up}/image/upgrade-requests`, {
        token: bea.token,
        body: { requirements: ['dbt-core==1.11.*'], reason: 'user-defined functions' },
      });
      expect(requested.status, requested.text).toBe(201);
      const change = requested.json as ChangeView;
      expect(change.report.trial!.id).toMatch(/^trl_/);
      let view = change;
      for (;;) {
        view = (await server.call('GET', `/api/v1/upgrade-requests/${change.id}`, { token: bea.token }))
          .json as ChangeView;
        if (['succeeded', 'failed', 'cancelled'].includes(view.trial!.state)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(view.trial!.error).toBeNull();
      expect(Object.fromEntries(view.trial!.result!.projects.map((p) => [p.name, p.verdict]))).toEqual({
        udf: 'fixes',
        spaces: 'still-broken',
      });
      // Nothing breaks: approval needs no acknowledgement, and leaves no acknowledgement in the history.
      const approved = await server.call('POST', `/api/v1/upgrade-requests/${change.id}/approve`, {
        token: pete.token,
        body: { reason: 'tried: nothing breaks' },
      });
      expect(approved.status, approved.text).toBe(200);
      expect((approved.json as ChangeView).notes).toEqual([]);
      let guidance: Guidance[] = [];
      for (let i = 0; i < 100 && guidance.length === 0; i += 1) {
        guidance = await guidanceOf(server.store, 'image.upgrade.trial-guidance');
        if (guidance.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(guidance.map((g) => g.data.owner)).toEqual(['sam@acme.example']);
      expect(guidance[0]!.text).toMatch(/Project spaces .*: still-broken\./);
      const all = await server.store.db.selectFrom('outbox').select('payload').execute();
      expect(all.some((row) => row.payload.includes('uma@acme.example'))).toBe(false);
    },
  );
});

describe.each(engines)('the trial step when it cannot run or fails (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  const saved = { ...process.env };
  const PROD = '/api/v1/instances/acme%2Facme-prod';

  beforeAll(async () => {
    process.env['RATCHET_PROJECT_REPOS'] = `${pathToFileURL(allowed).href}/`;
    // An installer that always fails: the review's trial fails at once, without building anything.
    process.env['RATCHET_UV'] = '/bin/false';
    process.env['RATCHET_TRIAL_DIR'] = join(scratch, `failing-${engine}`);
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_review_trial_fail');
    server = await startTestServer(storeOptionsFor(database));
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
    process.env = { ...saved };
  });

  it('skips the step while another trial runs, and needs an acknowledgement when the trial failed', async () => {
    const { bea, providerEngineer: pete } = server.seed.users;
    const added = await server.call('POST', `${PROD}/projects`, {
      token: bea.token,
      body: { name: 'marts', repo: `${pathToFileURL(allowed).href}/marts`, owners: ['ana@acme.example'] },
    });
    expect(added.status, added.text).toBe(201);
    const instance = (
      await server.store.repos.instances.findByName('acme-prod', server.seed.tenants.acme.id)
    )[0]!;
    await insertTrialRows(server.store, [
      trialRow(
        { id: 'trl_other', instance, state: 'running', createdBy: bea.user.id },
        { progress: '{"done":1,"total":3,"step":"running marts"}' },
      ),
    ]);
    const body = { package: 'dbt-core', target: '==1.10.*', reason: 'snapshots fail on 1.11' };
    const first = await server.call('POST', `${PROD}/image/rollback-requests`, { token: bea.token, body });
    expect(first.status, first.text).toBe(201);
    const skipped = first.json as ChangeView;
    expect(skipped.report.trial).toMatchObject({ id: null, projects: ['marts'] });
    expect(skipped.report.trial!.skipped).toMatch(
      /Another trial \(trl_other\) was running on acme-prod; refresh/,
    );
    const approved = await server.call('POST', `/api/v1/rollback-requests/${skipped.id}/approve`, {
      token: pete.token,
      body: { reason: 'not tried, reviewed by hand' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(
      (
        await server.call('POST', `/api/v1/rollback-requests/${skipped.id}/reject`, {
          token: pete.token,
          body: { reason: 'next test' },
        })
      ).status,
    ).toBe(200);

    await server.store.db
      .updateTable('image_trials')
      .set({ state: 'cancelled' })
      .where('id', '=', 'trl_other')
      .execute();
    const second = await server.call('POST', `${PROD}/image/rollback-requests`, { token: bea.token, body });
    expect(second.status, second.text).toBe(201);
    const change = second.json as ChangeView;
    expect(change.report.trial!.id).toMatch(/^trl_/);
    let view = change;
    for (let i = 0; i < 200; i += 1) {
      view = (await server.call('GET', `/api/v1/rollback-requests/${change.id}`, { token: bea.token }))
        .json as ChangeView;
      if (view.trial?.state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(view.trial).toMatchObject({ state: 'failed', result: null });
    const refused = await server.call('POST', `/api/v1/rollback-requests/${change.id}/approve`, {
      token: pete.token,
      body: { reason: 'outage' },
    });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.detail).toMatch(/its trial trl_\w+ failed \(.*\), so nothing predicts/);
    expect(refused.json.remedy).toMatch(/--acknowledge-breaks/);
    const acknowledged = await server.call('POST', `/api/v1/rollback-requests/${change.id}/approve`, {
      token: pete.token,
      body: { reason: 'outage', acknowledgeBreaks: true },
    });
    expect(acknowledged.status, acknowledged.text).toBe(200);
    expect((acknowledged.json as ChangeView).notes).toEqual([
      expect.objectContaining({
        step: 'acknowledge-breaks',
        text: expect.stringMatching(/failed \(no prediction\)/),
      }),
    ]);
    // A failed trial predicts nothing: nobody is sent guidance.
    expect(await guidanceOf(server.store, 'image.rollback.trial-guidance')).toEqual([]);
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));
