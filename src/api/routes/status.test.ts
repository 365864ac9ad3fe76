/**
 * Issue 17, item 4 over real HTTP on both engines: the status strip says what is in flight per
 * instance and layer (an infrastructure change awaiting the customer's sign-off, an open severity-2
 * defect with its SLA clock, a rollback pin with its expiry and follow-up), and only to its tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/engines.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import type { InstanceStrip } from '../../workflows/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const READABLE = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/;

describe.each(engines)('instance status strip (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_status');
    server = await startTestServer(storeOptionsFor(database));
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  async function strip(token: string, instance: string): Promise<InstanceStrip> {
    const response = await server.call('GET', `/api/v1/instances/${encodeURIComponent(instance)}/status`, {
      token,
    });
    expect(response.status, response.text).toBe(200);
    return response.json as unknown as InstanceStrip;
  }

  const layer = (s: InstanceStrip, name: string) => s.layers.find((l) => l.layer === name)!;

  it('names the infrastructure change awaiting the customer, with its window, and the open defect with its clock', async () => {
    const { bea, providerAdmin } = server.seed.users;
    const prod = await strip(bea.token, 'acme/acme-prod');
    expect(prod.instance).toMatchObject({ name: 'acme-prod', tenantSlug: 'acme' });
    expect(layer(prod, 'platform').current?.summary).toBe('3.4.0 (Airflow 3.0.6)');

    const [infra] = layer(prod, 'infrastructure').inFlight;
    expect(infra).toMatchObject({
      kind: 'infrastructure-change',
      title: 'Kubernetes 1.30 -> 1.31',
      state: 'planned',
    });
    expect(infra!.detail).toContain(`provider signed off by ${providerAdmin.user.name}`);
    expect(infra!.detail).toContain('customer sign-off waiting');
    expect(infra!.detail).toMatch(new RegExp(`window ${READABLE.source} – ${READABLE.source}`));
    expect(infra!.change).toEqual({ kind: 'infrastructure', id: infra!.id });

    const [defect] = layer(prod, 'platform').inFlight;
    expect(defect).toMatchObject({ kind: 'defect', state: 'triaged', breached: false });
    expect(defect!.title).toBe('S2 Sensors time out since platform 3.4.0');
    expect(defect!.detail).toMatch(new RegExp(`^resolution due ${READABLE.source}$`));
    expect(defect!.due).not.toBeNull();
    expect(prod.inFlight).toBe(2);
  });

  it('shows a rollback pin with its expiry and open follow-up once the rollback is resolved', async () => {
    const { bea, providerEngineer: pete } = server.seed.users;
    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Snapshots broke' },
      },
    );
    const id = String(requested.json.id);
    const during = layer(await strip(bea.token, 'acme/acme-prod'), 'image').inFlight;
    expect(during).toEqual([
      expect.objectContaining({
        kind: 'image-change',
        state: 'requested',
        title: 'Rollback: dbt-core==1.10.*',
        detail: 'next: approve or reject (provider-engineer)',
        change: { kind: 'rollback', id },
      }),
    ]);
    for (const [token, path, body] of [
      [pete.token, `/api/v1/rollback-requests/${id}/approve`, { reason: 'ok', urgent: true }],
      [bea.token, `/api/v1/rollback-requests/${id}/accept`, { reportHash: requested.json.reportHash }],
      [pete.token, '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {}],
      [bea.token, `/api/v1/rollback-requests/${id}/confirm`, {}],
    ] as const) {
      const step = await server.call('POST', path, { token, body });
      expect(step.status, step.text).toBe(200);
    }
    const image = layer(await strip(bea.token, 'acme/acme-prod'), 'image');
    expect(image.current?.summary).toMatch(/^dbt-core 1\.10\./);
    expect(image.inFlight).toEqual([
      expect.objectContaining({ kind: 'rollback-pin', state: 'holding', change: { kind: 'rollback', id } }),
    ]);
    expect(image.inFlight[0]!.title).toMatch(/^dbt-core held at 1\.10\.\d+$/);
    expect(image.inFlight[0]!.detail).toMatch(
      new RegExp(`^upgrades of dbt-core refused until ${READABLE.source}; forward-fix follow-up open$`),
    );
  });

  it("lists every instance of the caller's tenants in the fleet, and hides another tenant's", async () => {
    const { providerEngineer: pete, globexAdmin } = server.seed.users;
    const fleet = await server.call('GET', '/api/v1/fleet/status', { token: pete.token });
    expect(fleet.status, fleet.text).toBe(200);
    const names = (fleet.json.instances as InstanceStrip[]).map((s) => s.instance.name);
    expect(names).toEqual(expect.arrayContaining(['acme-prod', 'acme-test', 'globex-prod']));

    const globex = await server.call('GET', '/api/v1/fleet/status', { token: globexAdmin.token });
    const globexStrips = globex.json.instances as InstanceStrip[];
    expect(globexStrips.map((s) => s.instance.tenantSlug)).toEqual(globexStrips.map(() => 'globex'));
    expect(globex.text).not.toMatch(/acme|Sensors|Kubernetes 1\.30 -> 1\.31/);
    const foreign = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/status', {
      token: globexAdmin.token,
    });
    expect(foreign.status).toBe(404);
  });
});
