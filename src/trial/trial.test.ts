/**
 * The trial with real tools, offline: uv builds dbt 1.10 and 1.11 environments from the cached
 * wheels (hashes required), git checks out local repositories, dbt compiles real projects, and the
 * verdicts and deprecations come from dbt's own structured log.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDbtRepo, resolveImagePins } from '../../test/support/dbt-projects.js';
import type { HashedPin } from '../../test/support/dbt-projects.js';
import { pythonTools } from '../../test/support/python-tools.js';
import { checkoutProject } from './checkout.js';
import { trialConfigFromEnv } from './config.js';
import { environmentLockHash, materialiseEnvironment } from './environments.js';
import { readDbtLog } from './dbt.js';
import { childEnv, runProcess } from './process.js';
import { runTrial } from './run-trial.js';
import type { EnvironmentSpec, TrialProject } from './types.js';
import { trialVerdict } from './verdict.js';

const tools = pythonTools('the trial tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });

describe('trial verdicts and logs (pure)', () => {
  it('judges each project from today to the candidate', () => {
    expect(trialVerdict(true, false)).toBe('breaks');
    expect(trialVerdict(false, true)).toBe('fixes');
    expect(trialVerdict(true, true)).toBe('unaffected');
    expect(trialVerdict(false, false)).toBe('still-broken');
  });

  it('names an environment by its pins and python, whatever their order', () => {
    const a = { name: 'dbt-core', version: '1.10.23' };
    const b = { name: 'agate', version: '1.9.1' };
    expect(environmentLockHash({ python: '3.11', pins: [a, b] })).toBe(
      environmentLockHash({ python: '3.11', pins: [b, a] }),
    );
    expect(environmentLockHash({ python: '3.11', pins: [a] })).not.toBe(
      environmentLockHash({ python: '3.12', pins: [a] }),
    );
  });

  it('reads error and deprecation events from the JSON log, without the summary', () => {
    const log = readDbtLog(
      [
        '{"info":{"name":"DuplicateYAMLKeysDeprecation","code":"D024","level":"warn","msg":"\\u001b[33mWARNING\\u001b[0m dup"}}',
        '{"info":{"name":"DeprecationsSummary","code":"D028","level":"warn","msg":"summary"}}',
        '{"info":{"name":"MainEncounteredError","code":"Z002","level":"error","msg":"Runtime Error"}}',
        'Traceback (most recent call last):',
      ].join('\n'),
    );
    expect(log.deprecations).toEqual([
      { name: 'DuplicateYAMLKeysDeprecation', code: 'D024', message: 'WARNING dup' },
    ]);
    expect(log.errors).toEqual(['Runtime Error']);
    expect(log.lines).toContain('Traceback (most recent call last):');
  });
});

describe('child processes', () => {
  it('inherit none of the server’s secrets: customer Jinja could read them with env_var()', () => {
    const env = childEnv(
      { HOME: '/scratch' },
      {
        PATH: '/usr/bin',
        RATCHET_SECRET_KEY: 'k',
        RATCHET_DATABASE_URL: 'postgres://u:p@h/db',
        UV_INDEX_URL: 'https://evil',
      },
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/scratch' });
  });

  const config = { ...trialConfigFromEnv({}), limits: { timeoutMs: 300, memoryMb: 0 } };
  it('stops a child at its time limit, with its whole process group', async () => {
    const started = Date.now();
    const result = await runProcess('/bin/sh', ['-c', 'sleep 30 & wait'], { limits: config.limits });
    expect(result.stopped).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a child when the trial is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await runProcess('/bin/sh', ['-c', 'sleep 30'], {
      limits: { timeoutMs: 60_000, memoryMb: 0 },
      signal: controller.signal,
    });
    expect(result.stopped).toBe('cancelled');
  });

  it('limits a child’s memory', async () => {
    // 64 MiB of address space is not enough for python to allocate 512 MiB.
    const result = await runProcess('python3', ['-c', 'b = bytearray(512 * 1024 * 1024)'], {
      limits: { timeoutMs: 30_000, memoryMb: 64 },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/MemoryError|Cannot allocate|memory/i);
  });
});

describe.skipIf(tools === null)('a trial with real uv, git and dbt', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-trial-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const uv = tools?.command('tools', 'uv') ?? '';
  const wheels = tools?.wheels('dbt-duckdb').path ?? '';
  const config = {
    ...trialConfigFromEnv({ PATH: process.env['PATH'] ?? '' }),
    workDir: join(scratch, 'work'),
    uv,
    limits: { timeoutMs: 300_000, memoryMb: 4096 },
  };
  const pins = (core: string, duckdb: string): HashedPin[] =>
    resolveImagePins(uv, wheels, [`dbt-core==${core}`, `dbt-duckdb==${duckdb}`], join(scratch, 'uv-cache'));
  const spec = (p: HashedPin[]): EnvironmentSpec => ({
    python: '3.11',
    pins: p,
    source: { kind: 'find-links', path: wheels },
  });
  let repos = 0;
  const project = (
    kind: Parameters<typeof createDbtRepo>[1],
    owner: string,
    subdir?: string,
  ): TrialProject => {
    // Each call its own repository (and dbt project name), so a kind can be registered twice.
    repos += 1;
    const name = `${kind}_${String(repos)}`;
    const repo = createDbtRepo(scratch, kind, subdir === undefined ? { name } : { name, subdir });
    return {
      name: kind,
      repoUrl: repo.url,
      path: subdir ?? '',
      owners: [owner],
      commit: repo.commit,
      credential: null,
    };
  };

  it(
    'rolls 1.11 back to 1.10: the adapted and the UDF projects break, the plain one is unaffected with its deprecations, the spaced one stays broken',
    { timeout: 900_000 },
    async () => {
      const v11 = spec(pins('1.11.16', '1.11.1'));
      const v10 = spec(pins('1.10.23', '1.10.1'));
      expect(v10.pins.every((p) => (p as HashedPin).hashes.length > 0)).toBe(true);
      const projects = [
        project('adapted', 'ada@example.com'),
        project('udf', 'uma@example.com', 'transform'),
        project('plain', 'pat@example.com'),
        project('spaces', 'sam@example.com'),
      ];
      const steps: string[] = [];
      const outcome = await runTrial(
        { current: v11, candidate: v10, projects },
        { config, onProgress: (p) => steps.push(`${String(p.done)}/${String(p.total)} ${p.step}`) },
      );
      expect(outcome.environments.current.check.ok).toBe(true);
      expect(outcome.environments.candidate.check.ok).toBe(true);
      const byName = Object.fromEntries(outcome.projects.map((p) => [p.name, p]));
      expect(byName['adapted']).toMatchObject({
        verdict: 'breaks',
        owners: ['ada@example.com'],
        current: { ok: true, error: null },
      });
      expect(byName['adapted']!.candidate.error).toMatch(/require-dbt-version|>=1\.11\.0/);
      expect(byName['udf']!.verdict).toBe('breaks');
      expect(byName['udf']!.candidate.error).toContain("'function' is undefined");
      expect(byName['plain']!.verdict).toBe('unaffected');
      expect(byName['plain']!.candidate.deprecations.map((d) => `${d.code} ${d.name}`)).toEqual(
        expect.arrayContaining([
          'D024 DuplicateYAMLKeysDeprecation',
          'D039 MissingArgumentsPropertyInGenericTestDeprecation',
        ]),
      );
      expect(byName['spaces']!.verdict).toBe('still-broken');
      expect(byName['spaces']!.current.error).toContain('Resource names cannot contain spaces');
      expect(byName['adapted']!.commit).toBe(projects[0]!.commit);
      expect(steps[0]).toBe('0/6 building the current environment');
      expect(steps.at(-1)).toBe('6/6 done');
      // Checkouts are removed; both environments stay for the next trial.
      expect(readdirSync(join(config.workDir, 'checkouts'))).toEqual([]);
      expect(readdirSync(join(config.workDir, 'envs')).sort()).toEqual(
        [outcome.environments.current.lockHash, outcome.environments.candidate.lockHash].sort(),
      );

      // The upgrade direction reuses both environments: the UDF project is fixed by dbt 1.11.
      const upgrade = await runTrial(
        { current: v10, candidate: v11, projects: [project('udf', 'uma@example.com')] },
        { config },
      );
      expect(upgrade.environments.current.reused).toBe(true);
      expect(upgrade.environments.candidate.reused).toBe(true);
      expect(upgrade.projects[0]).toMatchObject({ verdict: 'fixes', candidate: { ok: true, error: null } });
    },
  );

  it(
    'falls back to the branch head when the repository no longer has the commit the project last ran, and says so',
    { timeout: 900_000 },
    async () => {
      const gone = project('plain', 'pat@example.com');
      // A force-push: the commit the project last ran is rewritten away.
      const dir = fileURLToPath(gone.repoUrl);
      const gitEnv = {
        ...process.env,
        GIT_AUTHOR_NAME: 'T',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 'T',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      };
      execFileSync('git', ['commit', '--quiet', '--amend', '-m', 'rewritten'], { cwd: dir, env: gitEnv });
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
      expect(head).not.toBe(gone.commit);

      const missing = await checkoutProject(
        { repoUrl: gone.repoUrl, commit: gone.commit, credential: null, label: 'gone' },
        { config },
      );
      expect(missing).toMatchObject({ commit: head, source: 'branch-head-fallback' });
      expect(missing.note).toContain(gone.commit!);
      missing.remove();
      const kept = await checkoutProject(
        { repoUrl: gone.repoUrl, commit: head, credential: null, label: 'kept' },
        { config },
      );
      expect(kept).toMatchObject({ commit: head, source: 'evidence', note: null });
      kept.remove();
      const never = await checkoutProject(
        { repoUrl: gone.repoUrl, commit: null, credential: null, label: 'never' },
        { config },
      );
      expect(never).toMatchObject({ commit: head, source: 'branch-head', note: null });
      never.remove();

      // In a trial: the project is judged at the branch head, and its result says why.
      const v11 = spec(pins('1.11.16', '1.11.1'));
      const v10 = spec(pins('1.10.23', '1.10.1'));
      const outcome = await runTrial({ current: v11, candidate: v10, projects: [gone] }, { config });
      expect(outcome.projects[0]).toMatchObject({
        verdict: 'unaffected',
        commit: head,
        commitSource: 'branch-head-fallback',
        commitNote: expect.stringMatching(/no longer has commit [0-9a-f]{40}/),
      });
    },
  );

  it(
    'removes a trial’s checkouts and dbt scratch folders when it is cancelled mid-project or a child times out',
    { timeout: 900_000 },
    async () => {
      const v11 = spec(pins('1.11.16', '1.11.1'));
      const v10 = spec(pins('1.10.23', '1.10.1'));
      const scratchDir = join(config.workDir, 'jobs', 'cleanup');
      const leftovers = (): string[] =>
        existsSync(scratchDir)
          ? readdirSync(scratchDir).flatMap((name) =>
              name === 'checkouts'
                ? readdirSync(join(scratchDir, name)).map((c) => `checkouts/${c}`)
                : [name],
            )
          : [];
      // Cancelled while dbt runs the first project (its checkout and dbt's scratch folder exist then).
      const controller = new AbortController();
      let sawWork = false;
      const cancelled = runTrial(
        { current: v11, candidate: v10, projects: [project('plain', 'pat@example.com')] },
        {
          config: { ...config, scratchDir },
          signal: controller.signal,
          onProgress: (p) => {
            if (!p.step.startsWith('running')) return;
            const poll = setInterval(() => {
              if (leftovers().some((name) => name.startsWith('run-'))) {
                sawWork = true;
                clearInterval(poll);
                controller.abort();
              }
            }, 20);
          },
        },
      );
      await expect(cancelled).rejects.toThrow();
      expect(sawWork).toBe(true);
      expect(leftovers()).toEqual([]);

      // A child over its time limit: the project fails with why, and nothing is left either.
      const slow = await runTrial(
        { current: v11, candidate: v10, projects: [project('plain', 'pat@example.com')] },
        { config: { ...config, scratchDir, limits: { timeoutMs: 1_500, memoryMb: 4096 } } },
      );
      expect(slow.projects[0]!.current.error).toMatch(/ran longer than 1500 ms/);
      expect(leftovers()).toEqual([]);
    },
  );

  it(
    'falls back to python -m venv and pip without uv, hashes required, and reuses the environment',
    { timeout: 300_000 },
    async () => {
      const pipConfig = { ...config, uv: null, workDir: join(scratch, 'pip-work') };
      const sqlparse = spec(resolveImagePins(uv, wheels, ['sqlparse==0.5.4'], join(scratch, 'uv-cache')));
      const built = await materialiseEnvironment(sqlparse, { config: pipConfig });
      expect(built).toMatchObject({ reused: false, check: { ok: true } });
      const probe = await runProcess(
        join(built.path, 'bin', 'python'),
        ['-c', 'import sqlparse; print(sqlparse.__version__)'],
        {
          limits: config.limits,
        },
      );
      expect(probe.stdout.trim()).toBe('0.5.4');
      const again = await materialiseEnvironment(sqlparse, { config: pipConfig });
      expect(again).toMatchObject({ reused: true, path: built.path });
      // A hash that does not match the wheel: pip refuses to install it.
      const tampered = spec([{ name: 'sqlparse', version: '0.5.4', hashes: [`sha256:${'0'.repeat(64)}`] }]);
      await expect(materialiseEnvironment(tampered, { config: pipConfig })).rejects.toThrow(
        /pip install exited with code \d+: .*hash/is,
      );
    },
  );

  it(
    'refuses an image whose pins are not in the source, with the installer’s message',
    { timeout: 120_000 },
    async () => {
      await expect(
        materialiseEnvironment(spec([{ name: 'dbt-core', version: '0.0.1', hashes: [] }]), { config }),
      ).rejects.toThrow(/uv pip install exited with code \d+: .*dbt-core/s);
      expect(existsSync(join(config.workDir, 'envs'))).toBe(true);
      expect(readdirSync(join(config.workDir, 'envs')).filter((n) => n.startsWith('.building'))).toEqual([]);
    },
  );
});
