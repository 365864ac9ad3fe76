/**
 * Issue 8, "Concurrency and several processes": two real `ratchet serve` processes on one fresh
 * PostgreSQL database (one runs the delivery worker, the other has it off), and many clients firing
 * conflicting requests at once, split across both. Each race has exactly one winner, every loser
 * gets a 409 problem, and the final state is one some serial order would produce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import {
  callApi,
  createSite,
  killStartedServers,
  revisionProblems,
  seedSite,
  startServer,
} from '../support/processes.js';
import type { ApiAnswer, SeededTokens, ServerProcess, Site } from '../support/processes.js';

const PROD = 'acme%2Facme-prod';
const CLIENTS = 6;

interface ChangeView {
  id: string;
  state: string;
  version: number;
  reportHash: string;
  acceptedHash: string | null;
  stages: { instanceId: string; revision: number | null; status: string }[];
}

const statuses = (answers: ApiAnswer[]): number[] => answers.map((a) => a.status).sort((a, b) => a - b);

describe.skipIf(!engines.includes('postgres'))(
  'two ratchet serve processes on one PostgreSQL database',
  () => {
    let site: Site;
    let tokens: SeededTokens;
    let servers: ServerProcess[];
    let current: ChangeView | undefined;

    /** `CLIENTS` concurrent requests, alternating between the two servers. */
    function race(
      request: (server: ServerProcess, client: number) => Promise<ApiAnswer>,
    ): Promise<ApiAnswer[]> {
      return Promise.all(
        Array.from({ length: CLIENTS }, (_, client) => request(servers[client % 2]!, client)),
      );
    }

    async function change(id: string): Promise<ChangeView> {
      const answer = await callApi(servers[0]!.url, 'GET', `/api/v1/rollback-requests/${id}`, {
        token: tokens.bea,
      });
      return answer.json as unknown as ChangeView;
    }

    function expectConflicts(answers: ApiAnswer[]): void {
      for (const loser of answers.filter((a) => a.status !== 200 && a.status !== 201)) {
        expect(loser.status, loser.text).toBe(409);
        expect(String(loser.json.detail)).not.toBe('');
      }
    }

    /**
     * The successful answers of a race, ordered by the version each wrote: they must be the versions
     * right after `from`, one each, or the writes did not happen one after another.
     */
    function expectSerial(from: number, answers: ApiAnswer[]): ChangeView[] {
      const winners = answers
        .filter((a) => a.status === 200)
        .map((a) => a.json as unknown as ChangeView)
        .sort((x, y) => x.version - y.version);
      expect(winners.map((w) => w.version)).toEqual(winners.map((_, i) => from + i + 1));
      return winners;
    }

    beforeAll(async () => {
      site = await createSite('postgres');
      tokens = await seedSite(site);
      servers = await Promise.all([startServer(site), startServer(site, { RATCHET_DELIVERY: 'off' })]);
    }, 90_000);

    afterAll(async () => {
      await killStartedServers();
      await site?.destroy();
    });

    it('lets exactly one of each conflicting request win and ends in a serial state', async () => {
      // Race 1: rollback requests on one instance: one 201, the others 409 naming the winner.
      const requested = await race((server) =>
        callApi(server.url, 'POST', `/api/v1/instances/${PROD}/image/rollback-requests`, {
          token: tokens.bea,
          body: { package: 'dbt-core', target: '==1.10.*', reason: 'models broken since 1.11' },
        }),
      );
      expect(statuses(requested), requested.map((a) => a.text).join('\n')).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);
      let id = String(requested.find((a) => a.status === 201)!.json.id);
      for (const loser of requested.filter((a) => a.status === 409))
        expect(String(loser.json.detail)).toContain(id);
      expectConflicts(requested);

      // Race 2: approve against reject of the same request. A reviewer may still reject an approved
      // request, so "approve, then reject" is a serial order too; "reject, then approve" is not.
      const requestedVersion = (await change(id)).version;
      const decided = await race((server, client) =>
        callApi(server.url, 'POST', `/api/v1/rollback-requests/${id}/${client < 3 ? 'approve' : 'reject'}`, {
          token: tokens.engineer,
          body: { reason: `decision of client ${client}` },
        }),
      );
      expectConflicts(decided);
      const decisions = expectSerial(requestedVersion, decided);
      const path = decisions.map((d) => d.state).join(',');
      expect(['approved', 'rejected', 'approved,rejected'], decided.map((a) => a.text).join('\n')).toContain(
        path,
      );
      const afterDecision = await change(id);
      expect(afterDecision).toMatchObject({
        state: decisions.at(-1)!.state,
        version: decisions.at(-1)!.version,
      });
      if (afterDecision.state === 'rejected') {
        // Reject won: a rejected request no longer blocks the instance; continue with a new one.
        const again = await callApi(
          servers[1]!.url,
          'POST',
          `/api/v1/instances/${PROD}/image/rollback-requests`,
          {
            token: tokens.bea,
            body: { package: 'dbt-core', target: '==1.10.*', reason: 'second attempt' },
          },
        );
        expect(again.status, again.text).toBe(201);
        id = String(again.json.id);
        const approved = await callApi(servers[0]!.url, 'POST', `/api/v1/rollback-requests/${id}/approve`, {
          token: tokens.engineer,
          body: { reason: 'ok' },
        });
        expect(approved.status, approved.text).toBe(200);
      }

      // Race 3: accept (bound to the report hash read before) while the report is being refreshed.
      const before = await change(id);
      const steps = await race((server, client) =>
        client % 3 === 0
          ? callApi(server.url, 'POST', `/api/v1/rollback-requests/${id}/refresh`, {
              token: tokens.engineer,
              body: {},
            })
          : callApi(server.url, 'POST', `/api/v1/rollback-requests/${id}/accept`, {
              token: tokens.bea,
              body: { reportHash: before.reportHash },
            }),
      );
      expectConflicts(steps);
      const winners = expectSerial(before.version, steps);
      expect(winners.filter((w) => w.state === 'deploying').length).toBeLessThanOrEqual(1);
      current = await change(id);
      if (current.state === 'deploying') {
        // Never both effects: the acceptance is bound to the report that is current now.
        expect(current.acceptedHash).toBe(current.reportHash);
        // A refresh that succeeded came before the accept: nothing follows the accept.
        expect(winners.at(-1)!.state).toBe('deploying');
      } else {
        // Every accept lost to a concurrent refresh; accept again against the current report.
        const accepted = await callApi(servers[0]!.url, 'POST', `/api/v1/rollback-requests/${id}/accept`, {
          token: tokens.bea,
          body: { reportHash: current.reportHash },
        });
        expect(accepted.status, accepted.text).toBe(200);
        current = await change(id);
      }
      expect(current.state).toBe('deploying');

      // Race 5: revisions recorded with the same expectedRevision: one 201, the rest 409.
      const layer = '/api/v1/instances/globex%2Fglobex-prod/layers/infrastructure/revisions';
      const listed = await callApi(servers[0]!.url, 'GET', layer, { token: tokens.engineer });
      expect(listed.status, listed.text).toBe(200);
      const expectedRevision = (listed.json.revisions as unknown[]).length;
      const recorded = await race((server, client) =>
        callApi(server.url, 'POST', layer, {
          token: tokens.engineer,
          body: {
            expectedRevision,
            reason: `node pool change by client ${client}`,
            content: {
              changes: { kubernetes: '1.30', nodePools: { default: `m6i.xlarge x${client + 3}` } },
              description: `Resize the default node pool (client ${client})`,
            },
          },
        }),
      );
      expect(statuses(recorded), recorded.map((a) => a.text).join('\n')).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);
      expectConflicts(recorded);

      // The final state: one open rollback request on the instance, in a state its winning steps
      // explain; intact, gap-free revisions; an audit chain that verifies from either process.
      const list = await callApi(
        servers[1]!.url,
        'GET',
        `/api/v1/instances/${PROD}/image/rollback-requests`,
        {
          token: tokens.bea,
        },
      );
      const open = (list.json.requests as ChangeView[]).filter((r) => r.state !== 'rejected');
      expect(open.map((r) => r.id)).toEqual([id]);
      expect(open[0]!.state).toBe('deploying');
      expect(open[0]!.stages.map((s) => s.status)).toEqual(['pending', 'waiting']);
      const layerAfter = await callApi(servers[1]!.url, 'GET', layer, { token: tokens.engineer });
      expect((layerAfter.json.revisions as unknown[]).length).toBe(expectedRevision + 1);
      for (const server of servers) {
        const verified = await callApi(server.url, 'POST', '/api/v1/audit/verify', {
          token: tokens.admin,
          body: {},
        });
        expect(verified.json.ok, verified.text).toBe(true);
      }
      const store = await site.open();
      try {
        expect(await revisionProblems(store)).toEqual([]);
      } finally {
        await store.close();
      }
    }, 120_000);

    // A confirmation names an instance: once the test stage is deployed, a late confirmation for the
    // test instance must not confirm the production stage (same revision number on both here).
    it('gives exactly one of several concurrent deploy confirmations a 200', async () => {
      expect(current?.state).toBe('deploying');
      const stage = current!.stages.find((s) => s.status === 'pending')!;
      // Race 4: the deployer confirms the pending test-stage deployment several times at once.
      const confirmations = await race((server) =>
        callApi(server.url, 'POST', `/api/v1/instances/${stage.instanceId}/image/deployment/confirm`, {
          token: tokens.engineer,
          body: { revision: stage.revision },
        }),
      );
      expect(statuses(confirmations), confirmations.map((a) => a.text).join('\n')).toEqual([
        200, 409, 409, 409, 409, 409,
      ]);
      expectConflicts(confirmations);

      const after = await change(current!.id);
      expect(after.stages.map((s) => s.status)).toEqual(['deployed', 'pending']);
    }, 60_000);
  },
);
