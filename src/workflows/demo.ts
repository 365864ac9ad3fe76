import { ConflictError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { ImageContent, InfrastructureContent, PlatformContent } from '../domain/revisions/index.js';
import type { User } from '../domain/users/index.js';
import type { Store } from '../store/index.js';
import { seedDemoEvidence } from './evidence/index.js';
import { createInstance } from './instances.js';
import { seedDemoImage } from './image/index.js';
import { seedDemoPlatform } from './demo-platform.js';
import { markRevisionDeployed, recordRevision } from './revisions.js';
import { createTenant } from './tenants.js';
import { issueToken, issueTokenInTransaction } from './tokens.js';
import type { DemoSeed, DemoUser } from './types.js';
import { createUser, userSummary } from './users.js';

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

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

/**
 * Demo data: tenants Acme Analytics (acme-test, acme-prod promoting from it) and Globex; a provider
 * admin and engineer, Acme's customer admin "Bea (User B)" and member "Ana (User A)" (the policy's
 * users), Globex's admin; deployed revisions on all three layers. Returns each user's token once.
 * Refuses (ConflictError) when the demo tenant already exists.
 */
export async function seedDemo(store: Store): Promise<DemoSeed> {
  if ((await store.repos.tenants.getBySlug('acme')) !== null) {
    throw new ConflictError('The demo data is already present (tenant "acme" exists).', {
      remedy: 'Use a fresh data directory or database for the demo.',
    });
  }
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

  async function deploy(
    instance: string,
    layer: 'infrastructure' | 'platform' | 'image',
    content: unknown,
    reason: string,
  ): Promise<void> {
    const revision = await recordRevision(store, engineer, { instance, layer, content, reason });
    await markRevisionDeployed(store, engineer, { instance, layer, number: revision.number });
  }
  // Test first, then production: the order the policy recommends.
  for (const instance of [acmeTest.id, acmeProd.id]) {
    await deploy(instance, 'infrastructure', K8S_129, 'Initial cluster');
    await deploy(instance, 'platform', PLATFORM_330, 'Initial platform release');
    await deploy(instance, 'image', IMAGE_DBT_110, 'Initial image: dbt 1.10');
    await deploy(instance, 'infrastructure', K8S_130, 'Kubernetes 1.29 is leaving standard support');
    await deploy(instance, 'platform', PLATFORM_340, 'Platform 3.4.0: Airflow 3');
    await deploy(
      instance,
      'image',
      IMAGE_DBT_111,
      'Customer asked for dbt 1.11; dbt-snowflake moves with it',
    );
  }
  await deploy(globexProd.id, 'platform', PLATFORM_340, 'Initial platform release');
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
