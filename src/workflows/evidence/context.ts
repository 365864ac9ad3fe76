import type { Deployment, EvidenceContext } from '../../impact/index.js';
import type { Repositories } from '../../store/index.js';

interface ImageContentPins {
  packages?: { name: string; version: string }[];
}

/** An image revision's pins as `{ name: version }`. */
export function pinsOf(content: unknown): Record<string, string> {
  const packages = (content as ImageContentPins | null)?.packages ?? [];
  return Object.fromEntries(packages.map((pin) => [pin.name, pin.version]));
}

/**
 * What attribution needs to know about one tenant (docs/evidence.md "Evidence rules"): which
 * instance owns each namespace (`instances.namespaces`), when each image revision was deployed
 * (a deployed revision's `status_changed_at`: the deployer's confirmation), and ownership rules.
 */
export async function loadEvidenceContext(repos: Repositories, tenantId: string): Promise<EvidenceContext> {
  const instances = await repos.evidence.instanceNamespaces(tenantId);
  const namespaces: Record<string, string> = {};
  for (const instance of instances) {
    for (const namespace of JSON.parse(instance.namespaces) as string[]) namespaces[namespace] = instance.id;
  }
  const revisions = await repos.evidence.deployedImageRevisions(tenantId);
  const deployments: Record<string, Deployment[]> = {};
  for (const revision of revisions) {
    if (revision.status_changed_at === null) continue;
    (deployments[revision.instance_id] ??= []).push({
      revision: Number(revision.number),
      deployedAt: revision.status_changed_at,
      packages: pinsOf(JSON.parse(revision.content)),
    });
  }
  return { namespaces, deployments, ownership: await repos.evidence.ownershipRules(tenantId) };
}
