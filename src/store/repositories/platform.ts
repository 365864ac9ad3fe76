import { compareSemver } from '../../domain/semver/index.js';
import type { PlatformReleasesTable } from '../tables/platform.js';
import type { PlatformRelease, PlatformRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

function toRelease(row: PlatformReleasesTable): PlatformRelease {
  return {
    id: row.id,
    version: row.version,
    components: JSON.parse(row.components) as Record<string, string>,
    notes: row.notes,
    fixes: JSON.parse(row.fixes) as string[],
    targets: row.targets === null ? null : (JSON.parse(row.targets) as string[]),
    publishedBy: row.published_by,
    publishedAt: row.published_at,
  };
}

export function platformRepository({ db }: RepositoryContext): PlatformRepository {
  return {
    async listReleases() {
      const rows = await db.selectFrom('platform_releases').selectAll().execute();
      return rows.map(toRelease).sort((a, b) => compareSemver(a.version, b.version));
    },
    async findRelease(version) {
      const row = await db
        .selectFrom('platform_releases')
        .selectAll()
        .where('version', '=', version.trim())
        .executeTakeFirst();
      return row === undefined ? null : toRelease(row);
    },
    async insertRelease(release) {
      await db
        .insertInto('platform_releases')
        .values({
          id: release.id,
          version: release.version,
          components: JSON.stringify(release.components),
          notes: release.notes,
          fixes: JSON.stringify(release.fixes),
          targets: release.targets === null ? null : JSON.stringify(release.targets),
          published_by: release.publishedBy,
          published_at: release.publishedAt,
        })
        .execute();
    },
    async insertRollout(row) {
      await db.insertInto('platform_rollouts').values(row).execute();
    },
    async rolloutTargets(releaseId) {
      const rows = await db
        .selectFrom('platform_rollouts')
        .select(['instance_id', 'tenant_id'])
        .where('release_id', '=', releaseId)
        .orderBy('instance_id')
        .execute();
      return rows.map((row) => ({ instanceId: row.instance_id, tenantId: row.tenant_id }));
    },
  };
}
