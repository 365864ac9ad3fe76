/**
 * Issue 8, "Crashes and restarts": a real `ratchet serve` process is SIGKILLed at chosen points and
 * restarted on the same data (SQLite data directory, then a PostgreSQL database):
 *
 * 1. after state changes whose notifications are enqueued but not delivered (delivery off);
 * 2. during a deployment hand-off (rollback accepted, revision pending) while the webhook receiver
 *    holds every delivery unanswered (the kill falls between send and mark);
 * 3. in the middle of a large OpenLineage batch.
 *
 * After each restart: revisions are intact and none is lost, the audit chain verifies, the pending
 * deployment can still be confirmed or failed, every enqueued notification arrives with a 2xx
 * exactly once per idempotency key, and the killed batch was stored all or nothing.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { countRunEvents } from '../../src/workflows/evidence/index.js';
import { scenarioEvents } from '../../src/workflows/evidence/scenario.js';
import { engines } from '../support/engines.js';
import {
  callApi,
  createSite,
  killStartedServers,
  revisionProblems,
  seedSite,
  startServer,
  waitFor,
} from '../support/processes.js';
import type { ServerProcess, Site } from '../support/processes.js';

const SECRET = 'crash-restart-secret-0123456789';
// Above the webhook channel's 10 s timeout (run-server.ts, RATCHET_DELIVERY_LEASE_MS), so a row a
// killed worker held is sent again within seconds of the restart instead of 5 minutes.
const LEASE_MS = 11_000;
const PROD = 'acme%2Facme-prod';

interface Delivery {
  key: string;
  /** The status the receiver answered, or null while it holds the request (or never answered). */
  status: number | null;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** 'hang': hold every request unanswered; 'ok': answer 200 at once. */
  mode: 'hang' | 'ok';
  /** Keys answered with a 2xx, with how often. */
  acknowledged(): Map<string, number>;
  close(): Promise<void>;
}

/** A webhook receiver in the test process that records each delivery's Idempotency-Key. */
async function startReceiver(): Promise<Receiver> {
  const held: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    deliveries: [],
    mode: 'ok',
    acknowledged() {
      const counts = new Map<string, number>();
      for (const d of receiver.deliveries)
        if (d.status !== null && d.status < 300) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
      return counts;
    },
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const delivery: Delivery = { key: String(req.headers['idempotency-key'] ?? ''), status: null };
      receiver.deliveries.push(delivery);
      if (receiver.mode === 'hang') {
        held.push(res);
        return;
      }
      delivery.status = 200;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

interface OutboxRow {
  idempotency_key: string;
  channel: string;
  status: string;
}

async function outboxRows(site: Site): Promise<OutboxRow[]> {
  const store = await site.open();
  try {
    const { rows } = await sql<OutboxRow>`select idempotency_key, channel, status from outbox`.execute(
      store.db,
    );
    return rows;
  } finally {
    await store.close();
  }
}

const onCall = (rows: OutboxRow[]): OutboxRow[] => rows.filter((r) => r.channel === 'provider-on-call');

/** A batch of `copies` × the evidence scenario, each copy with fresh run ids (no duplicates). */
function lineageBatch(copies: number): { ndjson: string; events: number } {
  const lines: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const ids = new Map<string, string>();
    const events = scenarioEvents(19, {
      airflowNamespace: 'acme-prod-airflow',
      dbtNamespace: 'acme-prod-dbt',
      start: new Date(Date.UTC(2025, 9, 1)),
      before: { revision: 1, dbtVersion: '1.10.15' },
      after: { revision: 2, dbtVersion: '1.11.0' },
      explicitRevision: true,
    });
    for (const event of events) {
      // Replace every run id consistently, so START/COMPLETE pairs and parents stay linked.
      const text = JSON.stringify(event).replace(
        /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
        (id) => {
          if (!ids.has(id)) ids.set(id, randomUUID());
          return ids.get(id)!;
        },
      );
      lines.push(text);
    }
  }
  return { ndjson: `${lines.join('\n')}\n`, events: lines.length };
}

/**
 * Posts an NDJSON batch with node:http. Resolves with the status, or with null when the server died
 * mid-request; `onSent` runs once the whole body is written.
 */
function postBatch(url: string, token: string, body: string, onSent: () => void): Promise<number | null> {
  return new Promise((resolvePromise) => {
    const request = httpRequest(
      `${url}/api/v1/lineage`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-ndjson',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolvePromise(response.statusCode ?? null));
        response.on('error', () => resolvePromise(null));
      },
    );
    request.on('error', () => resolvePromise(null));
    request.end(body, onSent);
  });
}

/**
 * SIGKILLs the server while it writes the batch: on PostgreSQL as soon as a statement on run_events
 * is running (seen in pg_stat_activity), at the latest after `fallbackMs`; on SQLite (no outside
 * view of an open transaction) after `fallbackMs`. Says which.
 */
async function killWhileIngesting(site: Site, server: ServerProcess, fallbackMs: number): Promise<string> {
  const deadline = Date.now() + fallbackMs;
  let when = `after ${Math.round(fallbackMs)} ms`;
  if (site.databaseUrl !== undefined) {
    const client = new pg.Client({ connectionString: site.databaseUrl });
    await client.connect();
    try {
      while (Date.now() < deadline) {
        const { rows } = await client.query<{ n: string }>(
          "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query ilike '%run_events%'",
        );
        if (Number(rows[0]!.n) > 0) {
          when = 'while a run_events statement was running';
          break;
        }
      }
    } finally {
      await client.end();
    }
  } else {
    await new Promise((resolvePromise) => setTimeout(resolvePromise, Math.max(1, fallbackMs)));
  }
  await server.kill();
  return when;
}

async function auditOk(server: ServerProcess, token: string): Promise<unknown> {
  return (await callApi(server.url, 'POST', '/api/v1/audit/verify', { token, body: {} })).json.ok;
}

afterAll(killStartedServers);

describe.each(engines)('crash and restart of ratchet serve (%s)', (engine) => {
  it('loses nothing, half-writes nothing and delivers every notification once per key', async () => {
    const site = await createSite(engine);
    const receiver = await startReceiver();
    try {
      const tokens = await seedSite(site);
      const env = {
        RATCHET_ONCALL_WEBHOOK_URL: receiver.url,
        RATCHET_WEBHOOK_SECRET: SECRET,
        RATCHET_DELIVERY_LEASE_MS: String(LEASE_MS),
      };
      // The demo seed already holds revisions and run evidence: count from there.
      const before = await (async () => {
        const store = await site.open();
        try {
          return { revisions: await store.repos.revisions.count(), events: await countRunEvents(store.db) };
        } finally {
          await store.close();
        }
      })();

      // 1. State changes with delivery off: notifications enqueued, nothing sent; the accept hands
      //    an image revision to the deployer (pending). Then SIGKILL.
      let server = await startServer(site, { ...env, RATCHET_DELIVERY: 'off' });
      const requested = await callApi(
        server.url,
        'POST',
        `/api/v1/instances/${PROD}/image/rollback-requests`,
        {
          token: tokens.bea,
          body: { package: 'dbt-core', target: '==1.10.*', reason: 'models broken since 1.11' },
        },
      );
      expect(requested.status, requested.text).toBe(201);
      const id = String(requested.json.id);
      const reportHash = String(requested.json.reportHash);
      const approved = await callApi(server.url, 'POST', `/api/v1/rollback-requests/${id}/approve`, {
        token: tokens.engineer,
        body: { reason: 'dependency review and impact report are clean' },
      });
      expect(approved.status, approved.text).toBe(200);
      const accepted = await callApi(server.url, 'POST', `/api/v1/rollback-requests/${id}/accept`, {
        token: tokens.bea,
        body: { reportHash },
      });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.json.state).toBe('deploying');
      const handedOff = (
        accepted.json.stages as { instanceId: string; revision: number; status: string }[]
      )[0]!;
      expect(handedOff.status).toBe('pending');
      await server.kill();
      expect(receiver.deliveries).toEqual([]);
      const enqueued = onCall(await outboxRows(site));
      expect(enqueued.length).toBe(3); // request, approve, accept: one on-call row each
      expect(enqueued.every((r) => r.status === 'pending')).toBe(true);

      // 2. Delivery on, receiver holds every request: wait until the worker has sent every on-call
      //    row, then SIGKILL between send and mark, with the deployment hand-off still pending.
      receiver.mode = 'hang';
      server = await startServer(site, env);
      await waitFor(
        'the worker to send all three on-call notifications',
        () => new Set(receiver.deliveries.map((d) => d.key)).size >= 3,
        20_000,
      );
      await server.kill();
      const beforeRestart = onCall(await outboxRows(site));
      expect(beforeRestart.length).toBe(3);
      // The receiver never answered: no row may count as delivered.
      expect(beforeRestart.every((r) => r.status === 'pending')).toBe(true);

      // 3. Restart with a healthy receiver: the hand-off is still pending and can be finished.
      receiver.mode = 'ok';
      server = await startServer(site, env);
      expect(await auditOk(server, tokens.admin)).toBe(true);
      const afterCrash = await callApi(server.url, 'GET', `/api/v1/rollback-requests/${id}`, {
        token: tokens.bea,
      });
      expect(afterCrash.json.state).toBe('deploying');
      const stage = (
        afterCrash.json.stages as { instanceId: string; revision: number; status: string }[]
      )[0]!;
      expect(stage).toMatchObject({ revision: handedOff.revision, status: 'pending' });
      const testRevisions = await callApi(
        server.url,
        'GET',
        `/api/v1/instances/${stage.instanceId}/layers/image/revisions`,
        { token: tokens.engineer },
      );
      const pending = (testRevisions.json.revisions as { number: number; status: string }[]).at(-1)!;
      expect(pending).toMatchObject({ number: handedOff.revision, status: 'pending' });

      const confirmed = await callApi(
        server.url,
        'POST',
        `/api/v1/instances/${stage.instanceId}/image/deployment/confirm`,
        { token: tokens.engineer, body: { revision: stage.revision } },
      );
      expect(confirmed.status, confirmed.text).toBe(200);
      // The rollback moves on to production, whose deployment the deployer then reports failed.
      const failed = await callApi(server.url, 'POST', `/api/v1/instances/${PROD}/image/deployment/fail`, {
        token: tokens.engineer,
        body: { error: 'image pull failed' },
      });
      expect(failed.status, failed.text).toBe(200);

      // Everything enqueued so far arrives, each key acknowledged exactly once.
      let expectedKeys = onCall(await outboxRows(site)).map((r) => r.idempotency_key);
      await waitFor(
        `delivery of ${expectedKeys.length} on-call notifications after the restart`,
        () => expectedKeys.every((key) => receiver.acknowledged().has(key)),
        LEASE_MS + 15_000,
      );
      for (const key of beforeRestart.map((r) => r.idempotency_key)) {
        // Sent once before the kill (never answered), once after: the same key both times.
        expect(receiver.deliveries.filter((d) => d.key === key).length).toBeGreaterThanOrEqual(2);
      }

      // 4. A large OpenLineage batch, killed in the middle. A first batch of the same size, sent
      //    whole, measures how long one takes; the second is killed halfway through that time.
      const ingest = await callApi(server.url, 'POST', '/api/v1/tenants/acme/ingestion-tokens', {
        token: tokens.bea,
        body: { label: 'crash-test' },
      });
      expect(ingest.status, ingest.text).toBe(201);
      const ingestToken = String(ingest.json.token);
      const first = lineageBatch(4);
      let sentAt = 0;
      const firstStatus = await postBatch(server.url, ingestToken, first.ndjson, () => {
        sentAt = Date.now();
      });
      expect(firstStatus).toBe(201);
      const batchMs = Date.now() - sentAt;
      const second = lineageBatch(4);
      let killed: Promise<string> | null = null;
      const secondStatus = await postBatch(server.url, ingestToken, second.ndjson, () => {
        killed = killWhileIngesting(site, server, batchMs / 2);
      });
      const killedWhen = await killed!;
      console.info(
        `[crash-restart ${engine}] batch of ${second.events} events took ${batchMs} ms whole; ` +
          `killed ${killedWhen}: the client saw ${String(secondStatus ?? 'no answer')}`,
      );

      // 5. Restart: all or nothing for the killed batch, everything else intact.
      server = await startServer(site, env);
      expect(await auditOk(server, tokens.admin)).toBe(true);
      const store = await site.open();
      try {
        const stored = await countRunEvents(store.db);
        const base = before.events + first.events;
        expect([base, base + second.events]).toContain(stored);
        if (secondStatus === 201) expect(stored).toBe(base + second.events);
        expect(await revisionProblems(store)).toEqual([]);
        // The rollback's two revisions (test, production) are there, none lost.
        expect(await store.repos.revisions.count()).toBe(before.revisions + 2);
      } finally {
        await store.close();
      }
      expectedKeys = onCall(await outboxRows(site)).map((r) => r.idempotency_key);
      await waitFor(
        'every on-call notification to be acknowledged',
        () => expectedKeys.every((key) => receiver.acknowledged().has(key)),
        LEASE_MS + 15_000,
      );
      // No key was acknowledged twice: nothing was sent again after a recorded 2xx.
      expect([...receiver.acknowledged()].filter(([, n]) => n > 1)).toEqual([]);
      await server.stop();
      const finalRows = onCall(await outboxRows(site));
      expect(finalRows.every((r) => r.status === 'delivered')).toBe(true);
      expect(new Set(finalRows.map((r) => r.idempotency_key)).size).toBe(finalRows.length);
    } finally {
      await killStartedServers();
      await receiver.close();
      await site.destroy();
    }
  }, 150_000);
});
