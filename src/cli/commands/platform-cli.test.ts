/**
 * `ratchet platform release|status`, `ratchet defect report|triage|link|resolve|reopen|close` and
 * `ratchet infra plan|signoff|apply|list` as users run them: real `bin/ratchet` processes against one
 * demo-seeded server, with --url and --token flags. Each step checks its exit code, its JSON
 * document and its effect read back through the API; independent steps run in parallel because
 * every process start costs ~1 s (tsx).
 */
import { documentOf, refusalOf, runCli } from '../../../test/support/cli.js';
import type { CliRun } from '../../../test/support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import type { Revision } from '../../domain/revisions/index.js';
import type {
  DefectView,
  InfrastructureChange,
  InstancePlatformStatus,
  PlatformRelease,
} from '../../workflows/index.js';

const STEP_TIMEOUT = 120_000;
const HOUR = 3600_000;

function ratchet(url: string, token: string, args: string[]): Promise<CliRun> {
  return runCli(url, token, args);
}

function byName(
  rows: InstancePlatformStatus[],
): Record<string, { current: string | null; available: string[] }> {
  return Object.fromEntries(
    rows.map((s) => [s.instance.name, { current: s.currentVersion, available: s.available }]),
  );
}

describe('ratchet platform, defect and infra against a demo server', () => {
  let server: TestServer;
  let bea: (...args: string[]) => Promise<CliRun>;
  let ana: (...args: string[]) => Promise<CliRun>;
  let pete: (...args: string[]) => Promise<CliRun>;
  let petra: (...args: string[]) => Promise<CliRun>;
  let gus: (...args: string[]) => Promise<CliRun>;

  beforeAll(async () => {
    server = await startTestServer();
    const { users } = server.seed;
    bea = (...args) => ratchet(server.url, users.bea.token, args);
    ana = (...args) => ratchet(server.url, users.ana.token, args);
    pete = (...args) => ratchet(server.url, users.providerEngineer.token, args);
    petra = (...args) => ratchet(server.url, users.providerAdmin.token, args);
    gus = (...args) => ratchet(server.url, users.globexAdmin.token, args);
  }, 60_000);
  afterAll(() => server.close());

  async function read<T>(path: string): Promise<T> {
    const response = await server.call('GET', path, { token: server.seed.users.providerAdmin.token });
    expect(response.status, response.text).toBe(200);
    return response.json as T;
  }

  it(
    'a hotfix release: published, offered to the affected tenant only, and the defects follow it to resolve, reopen, close',
    async () => {
      const { acmeProd } = server.seed.instances;
      const engineer = server.seed.users.providerEngineer.user;
      const { defects: seeded } = await read<{ defects: DefectView[] }>('/api/v1/defects?tenant=acme');
      const sensors = seeded.find((d) => d.title.startsWith('Sensors time out'))!;
      expect(sensors.state).toBe('triaged');

      const [before, reported, downgrade, badComponent] = await Promise.all([
        bea('platform', 'status', '--json'),
        ana(
          'defect',
          'report',
          'acme/acme-prod',
          '--title',
          'Pool slots leak',
          '--observed',
          'default_pool fills up and never frees its slots',
          '--since',
          '2025-06-01',
          '--severity',
          '2',
          '--json',
        ),
        pete('platform', 'release', '3.4.0', '--component', 'airflow=3.0.6-1', '--json'),
        pete('platform', 'release', '3.4.1', '--component', 'airflow', '--json'),
      ]);
      // Bea sees her own tenant's instances only; nothing is newer than 3.4.0 yet.
      expect(byName(documentOf<InstancePlatformStatus[]>(before, 0))).toEqual({
        'acme-prod': { current: '3.4.0', available: [] },
        'acme-test': { current: '3.4.0', available: [] },
      });
      const defect = documentOf<DefectView>(reported, 0);
      expect(defect).toMatchObject({
        state: 'reported',
        instanceId: acmeProd.id,
        suggestedSeverity: 2,
        severity: null,
        reporterUserId: server.seed.users.ana.user.id,
      });
      expect(refusalOf(downgrade, 1)).toMatchObject({ kind: 'policy', policy: 'platform-version-increases' });
      expect(refusalOf(downgrade, 1).message).toMatch(
        /3\.4\.0 is refused: it is equal to 3\.4\.0, already released/,
      );
      expect(refusalOf(badComponent, 2).message).toBe('"airflow" is not a component=version pair.');

      const untriaged = await pete('defect', 'link', defect.id, '3.4.0', '--json');
      expect(refusalOf(untriaged, 1)).toMatchObject({
        kind: 'conflict',
        policy: 'defect-resolution-process',
      });
      expect(refusalOf(untriaged, 1).message).toMatch(
        /is reported; "link" is only possible when it is triaged/,
      );
      const triaged = documentOf<DefectView>(
        await pete(
          'defect',
          'triage',
          defect.id,
          '--severity',
          '2',
          '--regressed-in',
          '3.4.0',
          '--assignee',
          engineer.id,
          '--json',
        ),
        0,
      );
      expect(triaged).toMatchObject({
        state: 'triaged',
        severity: 2,
        severityName: 'High',
        regressedIn: '3.4.0',
        assigneeUserId: engineer.id,
      });

      // A hotfix names the defect it fixes and is limited to the affected instance (and its test instance).
      const published = await pete(
        'platform',
        'release',
        '3.4.1',
        '--component',
        'airflow=3.0.6-1',
        'python=3.12',
        '--notes',
        'ExternalTaskSensor waits again',
        '--fixes',
        sensors.id,
        '--json',
      );
      expect(documentOf<PlatformRelease>(published, 0)).toMatchObject({
        version: '3.4.1',
        components: { airflow: '3.0.6-1', python: '3.12' },
        notes: 'ExternalTaskSensor waits again',
        fixes: [sensors.id],
        targets: [acmeProd.id],
      });

      const [sameRelease, linked, tooEarly, acmeStatus, globexStatus] = await Promise.all([
        pete('defect', 'link', defect.id, '3.4.0', '--json'),
        pete('defect', 'link', defect.id, '3.4.1', '--json'),
        ana('defect', 'resolve', defect.id, '--json'),
        bea('platform', 'status', '--json'),
        pete('platform', 'status', '--tenant', 'globex'),
      ]);
      expect(refusalOf(sameRelease, 2)).toMatchObject({ kind: 'input', policy: 'platform-forward-fix' });
      expect(refusalOf(sameRelease, 2).message).toMatch(
        /3\.4\.0 cannot fix a defect that regressed in 3\.4\.0/,
      );
      expect(documentOf<DefectView>(linked, 0)).toMatchObject({
        state: 'fix-in-progress',
        fixedByRelease: '3.4.1',
      });
      expect(refusalOf(tooEarly, 1).message).toMatch(/"resolve" is only possible when it is deployed/);
      expect(byName(documentOf<InstancePlatformStatus[]>(acmeStatus, 0))).toEqual({
        'acme-prod': { current: '3.4.0', available: ['3.4.1'] },
        'acme-test': { current: '3.4.0', available: ['3.4.1'] },
      });
      // Globex is not affected: the hotfix is not offered there.
      expect(globexStatus.code, globexStatus.stderr).toBe(0);
      expect(globexStatus.stdout.trimEnd().split('\n')).toEqual([
        'INSTANCE     KIND        PLATFORM  AVAILABLE',
        'globex-prod  production  3.4.0     -',
      ]);

      // Test first: the defects follow the release through acme-test to acme-prod.
      const onTest = await pete('platform', 'rollout', '3.4.1', 'acme/acme-test');
      expect(onTest.code, onTest.stderr).toBe(0);
      expect(onTest.stdout).toMatch(/platform 3\.4\.1 deployed on acme\/acme-test as revision 3/);
      expect((await read<DefectView>(`/api/v1/defects/${defect.id}`)).state).toBe('fix-in-test');
      const onProd = await pete('platform', 'rollout', '3.4.1', 'acme/acme-prod');
      expect(onProd.code, onProd.stderr).toBe(0);

      const [after, foreign, resolved] = await Promise.all([
        bea('platform', 'status', '--json'),
        gus('defect', 'resolve', defect.id, '--json'),
        ana('defect', 'resolve', defect.id, '--note', 'slots are freed again', '--json'),
      ]);
      expect(byName(documentOf<InstancePlatformStatus[]>(after, 0))).toEqual({
        'acme-prod': { current: '3.4.1', available: [] },
        'acme-test': { current: '3.4.1', available: [] },
      });
      // Another tenant's defect does not exist for Gus (no existence leak).
      expect(refusalOf(foreign, 2)).toMatchObject({ kind: 'not-found' });
      expect(documentOf<DefectView>(resolved, 0)).toMatchObject({
        state: 'resolved',
        fixedByRelease: '3.4.1',
      });
      const [sensorsNow, notified] = await Promise.all([
        read<DefectView>(`/api/v1/defects/${sensors.id}`),
        server.store.db
          .selectFrom('outbox')
          .selectAll()
          .where('topic', '=', 'hotfix.deployed')
          .where('receiver_id', '=', `user:${server.seed.users.ana.user.id}`)
          .execute(),
      ]);
      expect(sensorsNow).toMatchObject({ state: 'deployed', fixedByRelease: '3.4.1' });
      // The reporter was told when the fix reached her instance.
      expect(
        notified.map((row) => (JSON.parse(row.payload) as { data: { defectId: string } }).data.defectId),
      ).toEqual([defect.id]);

      const [providerReopen, reopened] = await Promise.all([
        pete('defect', 'reopen', defect.id, '--reason', 'they leak again', '--json'),
        bea('defect', 'reopen', defect.id, '--reason', 'slots leak again after two days', '--json'),
      ]);
      expect(refusalOf(providerReopen, 1)).toMatchObject({ kind: 'not-allowed' });
      expect(refusalOf(providerReopen, 1).message).toMatch(
        /^Only a customer-admin or customer-member may do this \(/,
      );
      expect(refusalOf(providerReopen, 1).remedy).toMatch(/Ask a customer-admin or customer-member/);
      expect(documentOf<DefectView>(reopened, 0)).toMatchObject({
        state: 'triaged',
        severity: 2,
        fixedByRelease: null,
        reopenCount: 1,
      });

      const [shortReason, closed] = await Promise.all([
        pete('defect', 'close', defect.id, '--as', 'not-a-defect', '--reason', 'no', '--json'),
        pete(
          'defect',
          'close',
          defect.id,
          '--as',
          'duplicate',
          '--reason',
          'Same root cause as the sensor time-outs',
          '--duplicate-of',
          sensors.id,
        ),
      ]);
      expect(refusalOf(shortReason, 2).message).toMatch(/reason: Too small/);
      expect(closed.code, closed.stderr).toBe(0);
      expect(closed.stdout).toContain(`defect ${defect.id}: Pool slots leak`);
      expect(closed.stdout).toContain('closed as duplicate: Same root cause as the sensor time-outs');
      expect(await read<DefectView>(`/api/v1/defects/${defect.id}`)).toMatchObject({
        state: 'closed',
        closeOutcome: 'duplicate',
        duplicateOf: sensors.id,
        reopenCount: 1,
      });
    },
    STEP_TIMEOUT,
  );

  it(
    'infra plan, a provider and a customer sign-off, then apply --acknowledge-irreversible; refused before',
    async () => {
      const { acmeTest, acmeProd } = server.seed.instances;
      // A window open now: a change is applied only within the window both parties planned for.
      const start = new Date(Date.now() - HOUR);
      const window = [
        '--start',
        start.toISOString(),
        '--end',
        new Date(start.getTime() + 4 * HOUR).toISOString(),
      ];
      const plannedRun = await pete(
        'infra',
        'plan',
        'acme/acme-test',
        'acme/acme-prod',
        '--title',
        'Node pools to m7i',
        '--why',
        'm6i instances are retired by the cloud provider',
        '--set',
        'kubernetes=1.31',
        'nodePools=m7i.xlarge x3',
        '--risk',
        'low',
        ...window,
        '--json',
      );
      const planned = documentOf<InfrastructureChange>(plannedRun, 0);
      expect(planned).toMatchObject({
        state: 'planned',
        changes: { kubernetes: '1.31', nodePools: 'm7i.xlarge x3' },
        risk: 'low',
        windowStart: start.toISOString(),
        instanceIds: [acmeTest.id, acmeProd.id],
        testedBy: { provider: false, customer: false },
      });

      const [overlap, customerPlan, untested, ownSignoff] = await Promise.all([
        pete(
          'infra',
          'plan',
          'acme/acme-test',
          '--title',
          'Other',
          '--why',
          'overlaps',
          '--set',
          'a=b',
          '--risk',
          'low',
          ...window,
          '--json',
        ),
        bea(
          'infra',
          'plan',
          'acme/acme-test',
          '--title',
          'Mine',
          '--why',
          'by the customer',
          '--set',
          'a=b',
          '--risk',
          'low',
          ...window,
          '--json',
        ),
        pete('infra', 'apply', planned.id, '--acknowledge-irreversible', '--json'),
        pete('infra', 'signoff', planned.id, '--json'),
      ]);
      expect(refusalOf(overlap, 1).message).toContain(`overlaps infrastructure change ${planned.id}`);
      expect(refusalOf(customerPlan, 1)).toMatchObject({ kind: 'not-allowed' });
      expect(refusalOf(untested, 1)).toMatchObject({
        kind: 'policy',
        policy: 'infrastructure-tested-by-both',
      });
      expect(refusalOf(untested, 1).message).toMatch(
        /still needs a provider sign-off .* and a customer sign-off/,
      );
      expect(refusalOf(ownSignoff, 1).message).toMatch(/nobody signs off their own change/);

      const providerSigned = documentOf<InfrastructureChange>(
        await petra('infra', 'signoff', planned.id, '--note', 'staging cluster upgraded cleanly', '--json'),
        0,
      );
      expect(providerSigned.testedBy).toEqual({ provider: true, customer: false });
      expect(providerSigned.signoffs).toMatchObject([
        { party: 'provider', note: 'staging cluster upgraded cleanly' },
      ]);
      const halfTested = await pete('infra', 'apply', planned.id, '--acknowledge-irreversible');
      expect(halfTested.code).toBe(1);
      expect(halfTested.stderr).toMatch(/cannot be applied yet: it still needs a customer sign-off/);
      expect(halfTested.stderr).toMatch(/what to do: Both parties test the change/);

      const customerSigned = await bea(
        'infra',
        'signoff',
        planned.id,
        '--note',
        'our DAGs pass on acme-test',
      );
      expect(customerSigned.code, customerSigned.stderr).toBe(0);
      expect(customerSigned.stdout).toMatch(/planned; .* risk low; provider signed off, customer signed off/);

      const twice = await bea('infra', 'signoff', planned.id, '--json');
      expect(refusalOf(twice, 1)).toMatchObject({ kind: 'conflict' });
      expect(refusalOf(twice, 1).message).toBe(`You already signed off infrastructure change ${planned.id}.`);

      const applied = await pete('infra', 'apply', planned.id, '--acknowledge-irreversible', '--json');
      expect(documentOf<InfrastructureChange>(applied, 0)).toMatchObject({
        id: planned.id,
        state: 'applied',
        appliedBy: server.seed.users.providerEngineer.user.id,
        testedBy: { provider: true, customer: true },
      });

      const [history, listed, again, testRevisions] = await Promise.all([
        bea('history', 'acme/acme-prod', '--layer', 'infrastructure', '--json'),
        bea('infra', 'list', '--state', 'applied', '--json'),
        pete('infra', 'apply', planned.id, '--acknowledge-irreversible', '--json'),
        read<{ revisions: Revision[] }>(`/api/v1/instances/${acmeTest.id}/layers/infrastructure/revisions`),
      ]);
      for (const revision of [documentOf<Revision[]>(history, 0).at(-1), testRevisions.revisions.at(-1)]) {
        expect(revision).toMatchObject({
          status: 'deployed',
          content: {
            changes: { kubernetes: '1.31', nodePools: 'm7i.xlarge x3' },
            description: 'Node pools to m7i',
          },
        });
        expect(revision!.reason).toContain(planned.id);
      }
      expect(documentOf<InfrastructureChange[]>(listed, 0).map((c) => c.id)).toEqual([planned.id]);
      expect(refusalOf(again, 1)).toMatchObject({ kind: 'policy', policy: 'infrastructure-final' });
      expect(refusalOf(again, 1).message).toMatch(/is final/);
    },
    STEP_TIMEOUT,
  );
});
