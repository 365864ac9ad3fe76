import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import type { DemoSeed } from '../types.js';
import { pinsOf } from './context.js';
import { ingestRunEvents } from './ingest.js';
import { setOwnership } from './mappings.js';
import { scenarioNdjson } from './scenario.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the demo's evidence is made of, for tests and the walkthrough. */
export interface DemoEvidence {
  readonly stored: number;
  /** Day 1 of the scenario (midnight UTC, 20 days before the seed). */
  readonly start: string;
  readonly revisions: { readonly before: number; readonly after: number };
}

/**
 * The policy's "Cascading Impact Risk" scenario as stored evidence on acme-prod: ana's
 * finance_daily failed after the dbt 1.11 upgrade, she adapted and it passes; bea's
 * marketing_attribution keeps failing; others pass on both. Days are the 19 days before the seed,
 * and the events carry the image revision explicitly (the `ratchet` run facet), because the demo's
 * revisions were all deployed at seed time. Ownership rules name ana and bea for DAGs without owner.
 */
export async function seedDemoEvidence(store: Store, seed: DemoSeed): Promise<DemoEvidence> {
  const engineer = seed.users.providerEngineer.user;
  const actor: Actor = {
    userId: engineer.id,
    name: engineer.name,
    role: engineer.role,
    tenantId: engineer.tenantId,
  };
  await setOwnership(store, actor, {
    tenant: seed.tenants.acme.id,
    rules: [
      { pattern: 'finance_*', user: 'ana' },
      { pattern: 'marketing_*', user: 'bea' },
      { pattern: 'ops_*', user: 'dan' },
    ],
  });
  const prod = seed.instances.acmeProd;
  const images = await store.repos.revisions.list(prod.id, 'image');
  const before = images.find((r) => pinsOf(r.content)['dbt-core']?.startsWith('1.10.')) ?? images[0]!;
  const after = images[images.length - 1]!;
  const today = Math.floor(store.now().getTime() / DAY_MS) * DAY_MS;
  const start = new Date(today - 20 * DAY_MS);
  const [airflowNamespace, dbtNamespace] = [
    prod.namespaces[0] ?? 'acme-prod-airflow',
    prod.namespaces[1] ?? prod.namespaces[0] ?? 'acme-prod-dbt',
  ];
  // An in-memory ingestion identity: the demo creates no service account nobody asked for.
  const ingestor: Actor = {
    userId: 'system:demo',
    name: 'Demo emitter',
    role: 'lineage-ingest',
    tenantId: seed.tenants.acme.id,
  };
  const result = await ingestRunEvents(store, ingestor, {
    contentType: 'application/x-ndjson',
    body: scenarioNdjson(19, {
      airflowNamespace,
      dbtNamespace,
      start,
      before: { revision: before.number, dbtVersion: pinsOf(before.content)['dbt-core'] ?? 'unknown' },
      after: { revision: after.number, dbtVersion: pinsOf(after.content)['dbt-core'] ?? 'unknown' },
      explicitRevision: true,
    }),
  });
  return {
    stored: result.stored,
    start: start.toISOString(),
    revisions: { before: before.number, after: after.number },
  };
}
