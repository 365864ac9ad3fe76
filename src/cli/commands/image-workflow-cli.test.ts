/**
 * `ratchet image|upgrade|rollback|deploy` as users run them: real `bin/ratchet` processes against
 * one demo-seeded server (RATCHET_URL / RATCHET_TOKEN from the environment, as in a shell). The
 * cases run in order and build on each other, like the policy's walkthrough: an upgrade through the
 * test instance, the rollback scenario and the pin it leaves, then an urgent rollback that is
 * reopened and rejected.
 * Each process start costs ~1 s (tsx), so each step checks its exit code, its JSON document and
 * its effect read back through the API, and independent steps run in parallel.
 */
import { parse as parseToml } from 'smol-toml';
import { documentOf, refusalOf, runCli } from '../../../test/support/cli.js';
import type { CliRun } from '../../../test/support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import type { Revision } from '../../domain/revisions/index.js';
import type { ImageChangeRecord, ImageOverview } from '../../workflows/index.js';

const STEP_TIMEOUT = 120_000;

interface ImageDiff {
  from: number;
  to: number;
  changes: { name: string; from: string | null; to: string | null }[];
}

function ratchet(url: string, token: string, args: string[]): Promise<CliRun> {
  return runCli(url, token, args, 'environment');
}

/** Awaits a run that must succeed with the change in `state`. */
async function expectStep(run: Promise<CliRun>, state: string): Promise<ImageChangeRecord> {
  const change = documentOf<ImageChangeRecord>(await run, 0);
  expect(change.state).toBe(state);
  return change;
}

function moves(change: ImageChangeRecord): Record<string, string> {
  return Object.fromEntries(change.report.review.changes.map((c) => [c.name, `${c.from} -> ${c.to}`]));
}

function versionsOf(overview: ImageOverview): Record<string, string> {
  const content = overview.current?.content as { packages: { name: string; version: string }[] };
  return Object.fromEntries(content.packages.map((p) => [p.name, p.version]));
}

describe('ratchet image, upgrade, rollback and deploy against a demo server', () => {
  let server: TestServer;
  let bea: (...args: string[]) => Promise<CliRun>;
  let pete: (...args: string[]) => Promise<CliRun>;
  let beaToken: string;
  let prodId: string;
  let testId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { users, instances } = server.seed;
    bea = (...args) => ratchet(server.url, users.bea.token, args);
    pete = (...args) => ratchet(server.url, users.providerEngineer.token, args);
    beaToken = users.bea.token;
    prodId = instances.acmeProd.id;
    testId = instances.acmeTest.id;
  }, 60_000);
  afterAll(() => server.close());

  async function read<T>(path: string): Promise<T> {
    const response = await server.call('GET', path, { token: beaToken });
    expect(response.status, response.text).toBe(200);
    return response.json as T;
  }

  function imageRevisions(instanceId: string): Promise<{ revisions: Revision[] }> {
    return read(`/api/v1/instances/${instanceId}/layers/image/revisions`);
  }

  it(
    'image show, diff and export print the current image; export is the file the server serves',
    async () => {
      const [
        show,
        human,
        diff,
        requirements,
        pylock,
        first,
        badFormat,
        missingRevision,
        otherTenant,
        asJson,
      ] = await Promise.all([
        bea('image', 'show', 'acme/acme-prod', '--json'),
        bea('image', 'show', 'acme/acme-prod'),
        bea('image', 'diff', 'acme/acme-prod', '--json'),
        bea('image', 'export', 'acme/acme-prod'),
        bea('image', 'export', 'acme/acme-prod', '--format', 'pylock.toml'),
        bea('image', 'export', 'acme/acme-prod', '--revision', '1', '--format', 'requirements.txt'),
        bea('image', 'export', 'acme/acme-prod', '--format', 'wheel'),
        bea('image', 'export', 'acme/acme-prod', '--revision', '99'),
        bea('image', 'show', 'globex/globex-prod', '--json'),
        bea('image', 'export', 'acme/acme-prod', '--json'),
      ]);
      const [served, servedLock] = await Promise.all([
        server.call('GET', `/api/v1/instances/${prodId}/image/requirements.txt`, { token: beaToken }),
        server.call('GET', `/api/v1/instances/${prodId}/image/pylock.toml`, { token: beaToken }),
      ]);

      const overview = documentOf<ImageOverview>(show, 0);
      expect(overview.instance).toMatchObject({ id: prodId, name: 'acme-prod', kind: 'production' });
      expect(overview.current).toMatchObject({ number: 2, status: 'deployed' });
      expect(versionsOf(overview)).toMatchObject({ 'dbt-core': '1.11.0', 'dbt-snowflake': '1.11.0' });
      expect(overview.source).toMatch(/^file:/);
      expect(overview).toMatchObject({ inFlight: null, activePins: [], openFollowUps: [] });
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^acme-prod \(production\): image revision 2, Python 3\.12$/m);
      expect(human.stdout).toMatch(/^dbt-core +1\.11\.0$/m);

      // Revision 2 moved dbt-core and dbt-snowflake together, with their shared dependencies.
      expect(documentOf<ImageDiff>(diff, 0)).toEqual({
        from: 1,
        to: 2,
        changes: [
          { name: 'dbt-adapters', from: '1.17.3', to: '1.22.2' },
          { name: 'dbt-common', from: '1.33.0', to: '1.37.2' },
          { name: 'dbt-core', from: '1.10.15', to: '1.11.0' },
          { name: 'dbt-snowflake', from: '1.10.3', to: '1.11.0' },
          { name: 'snowflake-connector-python', from: '3.17.2', to: '4.0.0' },
        ],
      });

      expect(requirements.code, requirements.stderr).toBe(0);
      expect(requirements.stdout.trimEnd().split('\n')).toEqual([
        '# Ratchet image revision 2, Python 3.12',
        'dbt-adapters==1.22.2',
        'dbt-common==1.37.2',
        'dbt-core==1.11.0',
        'dbt-snowflake==1.11.0',
        'snowflake-connector-python==4.0.0',
      ]);
      expect(requirements.stdout).toBe(served.text);

      expect(pylock.code, pylock.stderr).toBe(0);
      expect(pylock.stdout).toBe(servedLock.text);
      const lock = parseToml(pylock.stdout) as {
        'lock-version': string;
        'requires-python': string;
        packages: { name: string; version: string; index: string }[];
      };
      expect(lock['lock-version']).toBe('1.0');
      expect(lock['requires-python']).toBe('==3.12.*');
      expect(lock.packages.map((p) => `${p.name}==${p.version}`)).toEqual(
        requirements.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')),
      );

      // --json: exactly one JSON document, the file inside it.
      expect(asJson.code, asJson.stderr).toBe(0);
      expect(JSON.parse(asJson.stdout)).toEqual({
        instance: 'acme/acme-prod',
        revision: 2,
        status: 'deployed',
        format: 'requirements.txt',
        content: requirements.stdout,
        // The demo's seeded revisions were recorded directly, without file hashes.
        unhashed: ['dbt-adapters', 'dbt-common', 'dbt-core', 'dbt-snowflake', 'snowflake-connector-python'],
      });

      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^# Ratchet image revision 1, Python 3\.12$/m);
      expect(first.stdout).toMatch(/^dbt-core==1\.10\.15$/m);

      expect(badFormat.code).toBe(2);
      expect(badFormat.stderr).toMatch(/Unknown export format "wheel"/);
      expect(badFormat.stderr).toMatch(/what to do: Use --format requirements\.txt or --format pylock\.toml/);
      expect(missingRevision.code).toBe(2);
      expect(missingRevision.stderr).toMatch(/Image revision 99 of acme\/acme-prod was not found/);
      // Another tenant's instance does not exist for Bea (no existence leak).
      expect(refusalOf(otherTenant, 2)).toMatchObject({ kind: 'not-found' });
    },
    STEP_TIMEOUT,
  );

  it(
    'upgrade request, approve, deploy confirm on test, signoff, promote, deploy confirm on production',
    async () => {
      const upgrade = await expectStep(
        bea('upgrade', 'request', 'acme/acme-prod', 'dbt-core==1.11.1', '--reason', 'dbt patch', '--json'),
        'requested',
      );
      expect(upgrade).toMatchObject({ kind: 'upgrade', state: 'requested', instanceId: prodId, stages: [] });
      expect(moves(upgrade)).toEqual({ 'dbt-core': '1.11.0 -> 1.11.1' });
      expect(upgrade.report.blockers).toEqual([]);

      const [selfApproval, earlyPromotion] = await Promise.all([
        bea('upgrade', 'approve', upgrade.id, '--reason', 'mine', '--json'),
        bea('upgrade', 'promote', upgrade.id, '--json'),
      ]);
      expect(refusalOf(selfApproval, 1)).toMatchObject({ kind: 'not-allowed' });
      expect(refusalOf(selfApproval, 1).remedy).toMatch(/provider-engineer/);
      expect(refusalOf(earlyPromotion, 1)).toMatchObject({ kind: 'conflict', policy: 'image-change-order' });
      expect(refusalOf(earlyPromotion, 1).message).toMatch(/cannot "promote" now: it is requested/);

      // Test before promoting to production: the approval deploys to acme-test first.
      const approved = documentOf<ImageChangeRecord>(
        await pete('upgrade', 'approve', upgrade.id, '--reason', 'patch release, no API change', '--json'),
        0,
      );
      expect(approved.state).toBe('deploying');
      expect(approved.stages).toMatchObject([
        { instanceName: 'acme-test', purpose: 'test', revision: 3, status: 'pending' },
      ]);

      const onTest = documentOf<ImageChangeRecord>(
        await pete('deploy', 'confirm', 'acme/acme-test', '--json'),
        0,
      );
      expect(onTest.state).toBe('on-test');
      expect(onTest.stages[0]).toMatchObject({ status: 'deployed' });
      const testImage = await read<ImageOverview>(`/api/v1/instances/${testId}/image`);
      expect(testImage.current).toMatchObject({ number: 3 });
      expect(versionsOf(testImage)['dbt-core']).toBe('1.11.1');

      const signedOff = await bea('upgrade', 'signoff', upgrade.id);
      expect(signedOff.code, signedOff.stderr).toBe(0);
      expect(signedOff.stdout).toMatch(new RegExp(`^upgrade request ${upgrade.id}: signed-off$`, 'm'));

      const promoted = documentOf<ImageChangeRecord>(
        await bea('upgrade', 'promote', upgrade.id, '--json'),
        0,
      );
      expect(promoted.state).toBe('deploying');
      expect(promoted.stages.at(-1)).toMatchObject({
        instanceName: 'acme-prod',
        purpose: 'production',
        revision: 3,
        status: 'pending',
      });

      const live = await pete('deploy', 'confirm', 'acme/acme-prod');
      expect(live.code, live.stderr).toBe(0);
      expect(live.stdout).toContain(`upgrade request ${upgrade.id}: completed`);
      expect(live.stdout).toContain('deploy acme-prod: revision 3 deployed');

      const [stored, diff] = await Promise.all([
        read<ImageChangeRecord>(`/api/v1/upgrade-requests/${upgrade.id}`),
        bea('image', 'diff', 'acme/acme-prod', '--json'),
      ]);
      expect(stored.state).toBe('completed');
      expect(stored.notes.map((n) => n.step)).toEqual(['signoff']);
      expect(documentOf<ImageDiff>(diff, 0)).toEqual({
        from: 2,
        to: 3,
        changes: [{ name: 'dbt-core', from: '1.11.0', to: '1.11.1' }],
      });
    },
    STEP_TIMEOUT,
  );

  let rollback: ImageChangeRecord;

  it(
    "rollback: the policy's scenario, from Bea's request to her confirmation",
    async () => {
      const run = await bea(
        'rollback',
        'request',
        'acme/acme-prod',
        'dbt-core',
        '==1.10.*',
        '--reason',
        'Our incremental models broke on 1.11',
        '--json',
      );
      rollback = documentOf<ImageChangeRecord>(run, 0);
      expect(rollback).toMatchObject({ kind: 'rollback', state: 'requested', instanceId: prodId });
      expect(rollback.reportHash).toMatch(/^[0-9a-f]{64}$/);
      expect(rollback.report.recommendation).toMatch(/forward fix/);
      // The dependency review: dbt-snowflake 1.11 needs dbt-core 1.11, so it moves back too.
      expect(moves(rollback)).toEqual({
        'dbt-core': '1.11.1 -> 1.10.15',
        'dbt-snowflake': '1.11.0 -> 1.10.3',
        'snowflake-connector-python': '4.0.0 -> 3.17.2',
      });
      expect(rollback.report.blockers).toEqual([]);

      const [selfApproval, earlyAcceptance, second] = await Promise.all([
        bea('rollback', 'approve', rollback.id, '--reason', 'I reviewed it myself'),
        bea('rollback', 'accept', rollback.id, '--report-hash', rollback.reportHash, '--json'),
        bea('rollback', 'request', 'acme/acme-prod', 'dbt-snowflake', '1.10.3', '--reason', 'too', '--json'),
      ]);
      expect(selfApproval.code).toBe(1);
      // The operation as called (no route template) and the role it needs, in one sentence.
      expect(selfApproval.stderr).toContain(
        `error: Only a provider-engineer may do this ("rollback request: approve", POST /api/v1/rollback-requests/${rollback.id}/approve); you are signed in as customer-admin.`,
      );
      expect(selfApproval.stderr).toMatch(
        /what to do: Ask a provider-engineer to do it, or use a token of that role\./,
      );
      expect(refusalOf(earlyAcceptance, 1).message).toMatch(
        /waits for "approve or reject" by provider-engineer/,
      );
      expect(refusalOf(second, 1)).toMatchObject({ kind: 'conflict', policy: 'one-image-change-in-flight' });
      expect(refusalOf(second, 1).message).toContain(rollback.id);

      const approved = documentOf<ImageChangeRecord>(
        await pete('rollback', 'approve', rollback.id, '--reason', 'co-rollback reviewed', '--json'),
        0,
      );
      expect(approved).toMatchObject({ state: 'approved', urgent: false, approvedHash: rollback.reportHash });

      // Acceptance is bound to the report Bea read: any other well-formed hash is refused.
      const otherHash = rollback.reportHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const stale = await bea('rollback', 'accept', rollback.id, '--report-hash', otherHash, '--json');
      expect(refusalOf(stale, 1)).toMatchObject({
        kind: 'conflict',
        policy: 'rollback-acceptance-bound-to-report',
      });
      expect(refusalOf(stale, 1).message).toMatch(/changed since you read it/);

      const accepted = documentOf<ImageChangeRecord>(
        await bea('rollback', 'accept', rollback.id, '--report-hash', rollback.reportHash, '--json'),
        0,
      );
      expect(accepted).toMatchObject({ state: 'deploying', acceptedHash: rollback.reportHash });
      expect(accepted.stages).toMatchObject([
        { instanceName: 'acme-test', purpose: 'test', revision: 4, status: 'pending' },
        { instanceName: 'acme-prod', purpose: 'production', revision: null, status: 'waiting' },
      ]);

      // The deployer reports on the instance the pending stage is on, and nowhere else.
      const wrongInstance = await pete('deploy', 'confirm', 'acme/acme-prod', '--json');
      expect(refusalOf(wrongInstance, 1).message).toMatch(/pending deployment of .* is on acme-test/);

      const failed = documentOf<ImageChangeRecord>(
        await pete('deploy', 'fail', 'acme/acme-test', '--error', 'ImagePullBackOff', '--json'),
        0,
      );
      expect(failed.state).toBe('deploy-failed');
      expect(failed.stages[0]).toMatchObject({ revision: 4, status: 'failed' });
      // acme-test stays on its previous revision.
      expect((await read<ImageOverview>(`/api/v1/instances/${testId}/image`)).current).toMatchObject({
        number: 3,
      });

      const retried = documentOf<ImageChangeRecord>(
        await pete('deploy', 'retry', 'acme/acme-test', '--json'),
        0,
      );
      expect(retried.state).toBe('deploying');
      expect(retried.stages[0]).toMatchObject({ revision: 5, status: 'pending', attempts: 2 });
      expect((await imageRevisions(testId)).revisions.map((r) => [r.number, r.status, r.rollbackOf])).toEqual(
        [
          [1, 'deployed', null],
          [2, 'deployed', null],
          [3, 'deployed', null],
          [4, 'failed', 1],
          [5, 'pending', 1],
        ],
      );

      // A rollback with a test stage goes on to production as soon as test is live.
      const onTest = documentOf<ImageChangeRecord>(
        await pete('deploy', 'confirm', 'acme/acme-test', '--json'),
        0,
      );
      expect(onTest.state).toBe('deploying');
      expect(onTest.stages).toMatchObject([
        { instanceName: 'acme-test', revision: 5, status: 'deployed' },
        { instanceName: 'acme-prod', revision: 4, status: 'pending' },
      ]);
      const deployed = documentOf<ImageChangeRecord>(
        await pete('deploy', 'confirm', 'acme/acme-prod', '--json'),
        0,
      );
      expect(deployed.state).toBe('deployed');

      const confirmed = documentOf<ImageChangeRecord>(
        await bea('rollback', 'confirm', rollback.id, '--note', 'incremental models green again', '--json'),
        0,
      );
      expect(confirmed.state).toBe('resolved');
      expect(confirmed.notes).toMatchObject([{ step: 'confirm', text: 'incremental models green again' }]);

      const [overview, diff, testDiff, reupgrade, revisions] = await Promise.all([
        bea('image', 'show', 'acme/acme-prod', '--json'),
        bea('image', 'diff', 'acme/acme-prod', '--json'),
        // Revision 4 failed on acme-test and never ran: the default diff skips it (3 -> 5).
        bea('image', 'diff', 'acme/acme-test', '--json'),
        bea('upgrade', 'request', 'acme/acme-prod', 'dbt-core>=1.11', '--reason', 'back to 1.11', '--json'),
        imageRevisions(prodId),
      ]);
      const image = documentOf<ImageOverview>(overview, 0);
      expect(image.current).toMatchObject({ number: 4, rollbackOf: 1 });
      expect(versionsOf(image)).toMatchObject({ 'dbt-core': '1.10.15', 'dbt-snowflake': '1.10.3' });
      expect(image.inFlight).toBeNull();
      expect(image.activePins).toMatchObject([{ package: 'dbt-core', pinnedVersion: '1.10.15' }]);
      expect(image.openFollowUps).toMatchObject([{ package: 'dbt-core', pinnedVersion: '1.10.15' }]);
      expect(documentOf<ImageDiff>(diff, 0)).toEqual({
        from: 3,
        to: 4,
        changes: [
          { name: 'dbt-core', from: '1.11.1', to: '1.10.15' },
          { name: 'dbt-snowflake', from: '1.11.0', to: '1.10.3' },
          { name: 'snowflake-connector-python', from: '4.0.0', to: '3.17.2' },
        ],
      });
      expect(revisions.revisions.at(-1)).toMatchObject({ number: 4, status: 'deployed', rollbackOf: 1 });
      expect(documentOf<ImageDiff>(testDiff, 0)).toMatchObject({ from: 3, to: 5 });
      expect(documentOf<ImageDiff>(testDiff, 0).changes.map((c) => c.name)).toEqual([
        'dbt-core',
        'dbt-snowflake',
        'snowflake-connector-python',
      ]);

      // The pin holds: the rollback does not silently come back with the next upgrade.
      const pinned = refusalOf(reupgrade, 1);
      expect(pinned).toMatchObject({ kind: 'conflict', policy: 'rollback-pin' });
      expect(pinned.message).toContain(`dbt-core (held at 1.10.15 by rollback ${rollback.id}, requested by `);
      // Issue 17: names and readable times, not usr_ ids and ISO stamps.
      expect(pinned.message).toMatch(/, until \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC\)/);
      expect(pinned.message).not.toMatch(/usr_|\d{4}-\d{2}-\d{2}T/);
      expect(pinned.remedy).toMatch(/Fix forward/);
    },
    STEP_TIMEOUT,
  );

  it(
    'rollback: an urgent approval skips the test instance; reopen sends it back to review; reject ends it',
    async () => {
      const resolvedReopen = await bea('rollback', 'reopen', rollback.id, '--information', 'again', '--json');
      expect(refusalOf(resolvedReopen, 1).message).toMatch(/it is resolved and takes no further steps/);

      const requested = await expectStep(
        bea(
          'rollback',
          'request',
          'acme/acme-prod',
          'dbt-common',
          '1.33.0',
          '--reason',
          'log spam',
          '--json',
        ),
        'requested',
      );
      expect(moves(requested)).toEqual({
        'dbt-adapters': '1.22.2 -> 1.17.3',
        'dbt-common': '1.37.2 -> 1.33.0',
      });
      const urgent = await expectStep(
        pete('rollback', 'approve', requested.id, '--reason', 'customer outage', '--urgent', '--json'),
        'approved',
      );
      expect(urgent.urgent).toBe(true);
      const accepted = await expectStep(
        bea('rollback', 'accept', requested.id, '--report-hash', requested.reportHash, '--json'),
        'deploying',
      );
      // Urgent: production first, no acme-test stage (audited with the approval).
      expect(accepted.stages).toMatchObject([
        { instanceName: 'acme-prod', purpose: 'target', revision: 5, status: 'pending' },
      ]);
      await expectStep(pete('deploy', 'confirm', 'acme/acme-prod', '--json'), 'deployed');

      const reopened = await expectStep(
        bea('rollback', 'reopen', requested.id, '--information', 'the warnings are still there', '--json'),
        'requested',
      );
      expect(reopened).toMatchObject({ approvedBy: null, approvedHash: null, acceptedBy: null });
      expect(reopened.notes).toMatchObject([{ step: 'reopen', text: 'the warnings are still there' }]);
      await expectStep(
        pete('rollback', 'reject', requested.id, '--reason', 'fix the logging config', '--json'),
        'rejected',
      );
      const [late, stored, prod, test] = await Promise.all([
        bea('rollback', 'accept', requested.id, '--report-hash', requested.reportHash),
        read<ImageChangeRecord>(`/api/v1/rollback-requests/${requested.id}`),
        read<ImageOverview>(`/api/v1/instances/${prodId}/image`),
        read<ImageOverview>(`/api/v1/instances/${testId}/image`),
      ]);
      expect(late.code).toBe(1);
      expect(late.stderr).toMatch(/cannot "accept" now: it is rejected and takes no further steps/);
      expect(late.stderr).toMatch(/what to do: Submit a new request/);
      expect(stored).toMatchObject({
        state: 'rejected',
        urgent: true,
        decisionReason: 'fix the logging config',
      });
      // Rejecting the reopened request undoes nothing (forward only): acme-prod keeps what it runs,
      // and acme-test never took the urgent rollback.
      expect(prod.current).toMatchObject({ number: 5 });
      expect(versionsOf(prod)).toMatchObject({ 'dbt-common': '1.33.0', 'dbt-adapters': '1.17.3' });
      expect(test.current).toMatchObject({ number: 5 });
      expect(versionsOf(test)['dbt-common']).toBe('1.37.2');
    },
    STEP_TIMEOUT,
  );
});
