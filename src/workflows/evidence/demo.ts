import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import type { DemoSeed } from '../types.js';
import { pinsOf } from './context.js';
import { ingestRunEvents } from './ingest.js';
import { setOwnership } from './mappings.js';
import { UPGRADE_DAY, scenarioNdjson } from './scenario.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Day of the evidence (1-based) whose 08:00 UTC the upgrade to revision 2 reached acme-prod. */
export const DEMO_UPGRADE_DAY = UPGRADE_DAY;

/** Day 1 of the demo's evidence: midnight UTC, 20 days before `now`. */
export function demoEvidenceStart(now: Date): Date {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return new Date(today - 20 * DAY_MS);
}

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
 * and the events carry the image revision explicitly (the `ratchet` run facet, as an emitter inside the
 * image would); seeded with a clock, seedDemo deploys the revisions at the times these runs imply. Ownership rules name ana and bea for DAGs without owner.
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
  const start = demoEvidenceStart(store.now());
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
