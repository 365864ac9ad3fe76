// Beside demo.ts, not inside platform/: it drives defects and infrastructure too, which platform/
// must not import (no two modules import each other).
import type { Actor } from '../domain/roles/index.js';
import type { User } from '../domain/users/index.js';
import type { Store } from '../store/index.js';
import { reportDefect, triageDefect } from './defects/defects.js';
import type { DefectView } from './defects/defects.js';
import { planInfrastructureChange, signoffInfrastructureChange } from './infrastructure/changes.js';
import type { InfrastructureChange } from './infrastructure/types.js';
import type { DemoSeed } from './types.js';
import { publishRelease } from './platform/releases.js';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

export interface DemoPlatform {
  defect: DefectView;
  infrastructureChange: InfrastructureChange;
}

/**
 * Demo data of issue 6 on top of `seedDemo` (which publishes the releases 3.3.0 and 3.4.0 the
 * instances run, before it deploys them): a defect Bea reported on acme-prod after 3.4.0 (triaged severity 2), and a Kubernetes 1.31 change
 * planned with Acme that the provider has tested and that awaits the customer's sign-off.
 */
const DEMO_RELEASES = {
  '3.3.0': {
    components: { airflow: '2.10.5', python: '3.12', 'openlineage-airflow': '2.3.0' },
    notes: 'Airflow 2.10',
  },
  '3.4.0': {
    components: { airflow: '3.0.6', python: '3.12', 'openlineage-airflow': '2.7.0' },
    notes: 'Airflow 3',
  },
} as const;

/** Publishes one of the releases the demo instances run (seedDemo calls it before deploying it). */
export async function publishDemoRelease(store: Store, actor: Actor, version: keyof typeof DEMO_RELEASES) {
  const release = DEMO_RELEASES[version];
  return publishRelease(store, actor, {
    version,
    components: { ...release.components },
    notes: release.notes,
  });
}

export async function seedDemoPlatform(store: Store, seed: DemoSeed): Promise<DemoPlatform> {
  const engineer = actorOf(seed.users.providerEngineer.user);
  const admin = actorOf(seed.users.providerAdmin.user);
  const bea = actorOf(seed.users.bea.user);
  // Since 3.4.0 reached acme-prod: its platform revision's deployment.
  const platform = await store.repos.revisions.current(seed.instances.acmeProd.id, 'platform');
  const reported = await reportDefect(store, bea, {
    instance: seed.instances.acmeProd.id,
    title: 'Sensors time out since platform 3.4.0',
    observed:
      'Since platform 3.4.0 reached acme-prod, ExternalTaskSensor tasks in the nightly DAGs time out after 60 s instead of waiting for their upstream DAG.',
    since: platform?.statusChangedAt ?? store.now().toISOString(),
    suggestedSeverity: 2,
  });
  const defect = await triageDefect(store, engineer, {
    defect: reported.id,
    severity: 2,
    assignee: engineer.userId,
    regressedIn: '3.4.0',
  });
  const start = new Date(store.now().getTime() + 7 * 24 * 3600_000);
  start.setUTCHours(6, 0, 0, 0);
  const planned = await planInfrastructureChange(store, engineer, {
    title: 'Kubernetes 1.30 -> 1.31',
    why: 'Kubernetes 1.30 leaves standard support; 1.31 is the next supported version.',
    changes: { kubernetes: '1.31', nodePools: { default: 'm6i.xlarge x3' } },
    risk: 'medium',
    windowStart: start.toISOString(),
    windowEnd: new Date(start.getTime() + 4 * 3600_000).toISOString(),
    instances: [seed.instances.acmeTest.id, seed.instances.acmeProd.id],
  });
  const infrastructureChange = await signoffInfrastructureChange(store, admin, {
    change: planned.id,
    note: 'Upgraded a staging cluster with the same node pools; Airflow and dbt smoke tests pass.',
  });
  return { defect, infrastructureChange };
}
