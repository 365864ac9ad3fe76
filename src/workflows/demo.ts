import { ConflictError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { ImageContent, InfrastructureContent, PlatformContent } from '../domain/revisions/index.js';
import type { User } from '../domain/users/index.js';
import type { Store } from '../store/index.js';
import { DEMO_UPGRADE_DAY, demoEvidenceStart, seedDemoEvidence } from './evidence/index.js';
import { createInstance } from './instances.js';
import { seedDemoImage, writeDemoWheels } from './image/index.js';
import { publishDemoRelease, seedDemoPlatform } from './demo-platform.js';
import { markRevisionDeployed, recordRevision } from './revisions.js';
import { createTenant } from './tenants.js';
import { issueToken, issueTokenInTransaction } from './tokens.js';
import type { DemoSeed, DemoUser } from './types.js';
import { createUser, userSummary } from './users.js';

// A placeholder: seedDemo records each revision with the demo's find-links folder instead.
const INDEX = 'https://pypi.org/simple';

// Versions are real releases whose pins satisfy each other (test/fixtures: dbt-stack-requirements.json):
// dbt-snowflake 1.11 needs dbt-adapters >=1.22.2 and snowflake-connector-python >=4, so dbt-core and
// dbt-snowflake move together, the policy's "upgraded together because they share a common dependency".
const IMAGE_DBT_110: ImageContent = {
  python: '3.12',
  platform: '3.3.0',
  index: INDEX,
  packages: [
    { name: 'dbt-core', version: '1.10.15' },
    { name: 'dbt-snowflake', version: '1.10.3' },
    { name: 'dbt-adapters', version: '1.17.3' },
    { name: 'dbt-common', version: '1.33.0' },
    { name: 'snowflake-connector-python', version: '3.17.2' },
  ],
};

const IMAGE_DBT_111: ImageContent = {
  python: '3.12',
  platform: '3.4.0',
  index: INDEX,
  packages: [
    { name: 'dbt-core', version: '1.11.0' },
    { name: 'dbt-snowflake', version: '1.11.0' },
    { name: 'dbt-adapters', version: '1.22.2' },
    { name: 'dbt-common', version: '1.37.2' },
    { name: 'snowflake-connector-python', version: '4.0.0' },
  ],
};

const PLATFORM_330: PlatformContent = {
  version: '3.3.0',
  components: { airflow: '2.10.5', python: '3.12', 'openlineage-airflow': '2.3.0' },
};
const PLATFORM_340: PlatformContent = {
  version: '3.4.0',
  components: { airflow: '3.0.6', python: '3.12', 'openlineage-airflow': '2.7.0' },
};

const K8S_129: InfrastructureContent = {
  changes: { kubernetes: '1.29', nodePools: { default: 'm6i.xlarge x3' } },
  description: 'EKS cluster on Kubernetes 1.29',
};
const K8S_130: InfrastructureContent = {
  changes: { kubernetes: '1.30', nodePools: { default: 'm6i.xlarge x3' } },
  description: 'Kubernetes 1.29 -> 1.30, planned and tested with Acme on acme-test first',
};

/**
 * The store's clock, as the seed may set it: `at(moment)` makes every write until the next call
 * happen at `moment`; `at(null)` returns to the real time. The demo's history (instances created,
 * revisions deployed, releases published) is recorded when it happened in the story, so deployment
 * times agree with the run evidence (issue 17 item 6). Without one, everything happens now.
 */
export interface DemoClock {
  at(moment: Date | null): void;
}

/** A clock for `openStore({ now })` that `seedDemo` may set to past moments. */
export function createDemoClock(): DemoClock & { now(): Date } {
  let moment: Date | null = null;
  return {
    now: () => (moment === null ? new Date() : new Date(moment)),
    at(next) {
      moment = next;
    },
  };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * When each step of the demo's story happened, relative to midnight UTC of the seed day. The image
 * upgrade to dbt 1.11 reaches acme-prod at the moment the run evidence switches to revision 2
 * (evidence/demo.ts: day 10 of the 19 evidence days, 08:00), acme-test a day earlier.
 */
export function demoTimeline(now: Date) {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const at = (daysAgo: number, hour: number): Date => new Date(today - daysAgo * DAY_MS + hour * HOUR_MS);
  const upgradeOnProd = new Date(
    demoEvidenceStart(now).getTime() + (DEMO_UPGRADE_DAY - 1) * DAY_MS + 8 * HOUR_MS,
  );
  return {
    founded: at(40, 9),
    release330: at(38, 9),
    initial: { test: at(31, 8), prod: at(30, 8) },
    kubernetes130: { test: at(26, 8), prod: at(25, 8) },
    release340: at(18, 9),
    platform340: { test: at(17, 8), prod: at(16, 8) },
    imageUpgrade: { test: new Date(upgradeOnProd.getTime() - DAY_MS), prod: upgradeOnProd },
  };
}

export type DemoTimeline = ReturnType<typeof demoTimeline>;

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

/**
 * Demo data: tenants Acme Analytics (acme-test, acme-prod promoting from it) and Globex; a provider
 * admin and engineer, Acme's customer admin "Bea (User B)" and member "Ana (User A)" (the policy's
 * users), Globex's admin; deployed revisions on all three layers. Returns each user's token once.
 * Refuses (ConflictError) when the demo tenant already exists.
 */
export async function seedDemo(store: Store, options: { clock?: DemoClock } = {}): Promise<DemoSeed> {
  if ((await store.repos.tenants.getBySlug('acme')) !== null) {
    throw new ConflictError('The demo data is already present (tenant "acme" exists).', {
      remedy: 'Use a fresh data directory or database for the demo.',
    });
  }
  const timeline = demoTimeline(store.now());
  // The demo's images come from its offline find-links folder: each revision records that source,
  // the one `image show`, the dashboard and `pylock.toml` then all name (issue 17 item 10).
  const wheels = writeDemoWheels();
  const at = (moment: Date | null): void => options.clock?.at(moment);
  at(timeline.founded);
  const providerAdmin = await store.transaction(async (tx) => {
    const user = await tx.users.insert({
      name: 'Petra (Provider Admin)',
      email: 'petra@provider.example',
      role: 'provider-admin',
      tenantId: null,
    });
    await tx.audit.append({
      actorUserId: null,
      actorRole: 'system',
      tenantId: null,
      action: 'user.create',
      target: `user:${user.id}`,
      before: null,
      after: userSummary(user),
    });
    const issued = await issueTokenInTransaction(tx, null, user, { label: 'demo' });
    return { user, token: issued.token };
  });
  const admin = actorOf(providerAdmin.user);

  const acme = await createTenant(store, admin, { slug: 'acme', name: 'Acme Analytics' });
  const globex = await createTenant(store, admin, { slug: 'globex', name: 'Globex' });

  async function demoUser(input: Parameters<typeof createUser>[2]): Promise<DemoUser> {
    const user = await createUser(store, admin, input);
    const issued = await issueToken(store, admin, { userId: user.id, label: 'demo' });
    return { user, token: issued.token };
  }
  const providerEngineer = await demoUser({
    name: 'Pete (Provider Engineer)',
    email: 'pete@provider.example',
    role: 'provider-engineer',
  });
  const bea = await demoUser({
    name: 'Bea (User B)',
    email: 'bea@acme.example',
    role: 'customer-admin',
    tenant: 'acme',
  });
  const ana = await demoUser({
    name: 'Ana (User A)',
    email: 'ana@acme.example',
    role: 'customer-member',
    tenant: 'acme',
  });
  const globexAdmin = await demoUser({
    name: 'Gus (Globex Admin)',
    email: 'gus@globex.example',
    role: 'customer-admin',
    tenant: 'globex',
  });

  const engineer = actorOf(providerEngineer.user);
  const acmeTest = await createInstance(store, engineer, {
    tenant: 'acme',
    name: 'acme-test',
    kind: 'test',
    namespaces: ['acme-test-airflow', 'acme-test-dbt'],
  });
  const acmeProd = await createInstance(store, engineer, {
    tenant: 'acme',
    name: 'acme-prod',
    kind: 'production',
    testInstance: acmeTest.id,
    namespaces: ['acme-prod-airflow', 'acme-prod-dbt'],
  });
  const globexProd = await createInstance(store, engineer, {
    tenant: 'globex',
    name: 'globex-prod',
    kind: 'production',
  });

  // Each revision is recorded five minutes before its deployer confirms it, at its moment in the story.
  async function deploy(
    moment: Date,
    instance: string,
    layer: 'infrastructure' | 'platform' | 'image',
    content: unknown,
    reason: string,
  ): Promise<void> {
    at(new Date(moment.getTime() - 5 * 60_000));
    const revision = await recordRevision(store, engineer, { instance, layer, content, reason });
    at(moment);
    await markRevisionDeployed(store, engineer, { instance, layer, number: revision.number });
  }
  // The platform releases the instances run were published before they were deployed.
  at(timeline.release330);
  await publishDemoRelease(store, engineer, '3.3.0');
  // Test first, then production: the order the policy recommends.
  for (const side of ['test', 'prod'] as const) {
    const instance = side === 'test' ? acmeTest.id : acmeProd.id;
    const initial = timeline.initial[side];
    await deploy(initial, instance, 'infrastructure', K8S_129, 'Initial cluster');
    await deploy(
      new Date(initial.getTime() + 10 * 60_000),
      instance,
      'platform',
      PLATFORM_330,
      'Initial platform release',
    );
    await deploy(
      new Date(initial.getTime() + 20 * 60_000),
      instance,
      'image',
      { ...IMAGE_DBT_110, index: wheels },
      'Initial image: dbt 1.10',
    );
  }
  for (const side of ['test', 'prod'] as const) {
    const instance = side === 'test' ? acmeTest.id : acmeProd.id;
    await deploy(
      timeline.kubernetes130[side],
      instance,
      'infrastructure',
      K8S_130,
      'Kubernetes 1.29 is leaving standard support',
    );
  }
  at(timeline.release340);
  await publishDemoRelease(store, engineer, '3.4.0');
  for (const side of ['test', 'prod'] as const) {
    const instance = side === 'test' ? acmeTest.id : acmeProd.id;
    await deploy(timeline.platform340[side], instance, 'platform', PLATFORM_340, 'Platform 3.4.0: Airflow 3');
  }
  await deploy(
    new Date(timeline.platform340.prod.getTime() + HOUR_MS),
    globexProd.id,
    'platform',
    PLATFORM_340,
    'Initial platform release',
  );
  for (const side of ['test', 'prod'] as const) {
    const instance = side === 'test' ? acmeTest.id : acmeProd.id;
    await deploy(
      timeline.imageUpgrade[side],
      instance,
      'image',
      { ...IMAGE_DBT_111, index: wheels },
      'Customer asked for dbt 1.11; dbt-snowflake moves with it',
    );
  }
  // The rest (package source, the defect Bea reports today, the change awaiting sign-off, the
  // evidence, which is ingested now and carries its own times) happens today.
  at(null);
  // The image workflow plans against an offline find-links folder, so the demo needs no network.
  await seedDemoImage(store, engineer, [acmeTest, acmeProd]);

  const seed: DemoSeed = {
    tenants: { acme, globex },
    instances: { acmeTest, acmeProd, globexProd },
    users: { providerAdmin, providerEngineer, bea, ana, globexAdmin },
  };
  // Releases, Bea's triaged defect and an infrastructure change awaiting Acme's sign-off (issue 6).
  await seedDemoPlatform(store, seed);
  // The policy's User A / User B scenario as stored run evidence on acme-prod (issue 5).
  await seedDemoEvidence(store, seed);
  return seed;
}
