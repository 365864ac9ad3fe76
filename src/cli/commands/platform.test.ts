/** `ratchet platform|defect|infra` as a user runs them: real processes against a real server. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';

const BIN = resolve(import.meta.dirname, '../../../bin/ratchet');

function ratchet(
  args: string[],
  token: string,
  url: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(BIN, [...args, '--url', url, '--token', token], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('ratchet platform, defect, infra', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(() => server.close());

  it('reports a defect, refuses a downgrade (exit 1) and an unacknowledged apply (exit 2)', async () => {
    const { bea, providerEngineer } = server.seed.users;
    const [reported, downgrade, change] = await Promise.all([
      ratchet(
        [
          'defect',
          'report',
          'acme-prod',
          '--title',
          'CLI defect',
          '--observed',
          'Tasks stay queued forever',
          '--since',
          '2025-06-01',
          '--json',
        ],
        bea.token,
        server.url,
      ),
      ratchet(['platform', 'rollout', '3.3.0', 'acme/acme-prod'], providerEngineer.token, server.url),
      server.call('GET', '/api/v1/infrastructure/changes', { token: bea.token }),
    ]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(JSON.parse(reported.stdout)).toMatchObject({ state: 'reported', title: 'CLI defect' });
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toMatch(/platform versions only increase/);
    expect(downgrade.stderr).toMatch(/\/api\/v1\/defects/);

    const id = (change.json.changes as { id: string }[])[0]!.id;
    const apply = await ratchet(['infra', 'apply', id], providerEngineer.token, server.url);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/acknowledgeIrreversible/);
    const badSeverity = await ratchet(
      ['defect', 'triage', 'def_x', '--severity', '7'],
      providerEngineer.token,
      server.url,
    );
    expect(badSeverity.code).toBe(2);
  }, 60_000);
});
