import type { Db } from '../../store/index.js';
import type { PlatformReleasesTable } from '../../store/tables/platform.js';
import { compareSemver } from '../../domain/semver/index.js';
import type { PlatformRelease } from './types.js';

export function toRelease(row: PlatformReleasesTable): PlatformRelease {
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

/** Every release, lowest version first (SemVer precedence, not text order). */
export async function listReleaseRows(db: Db): Promise<PlatformRelease[]> {
  const rows = await db.selectFrom('platform_releases').selectAll().execute();
  return rows.map(toRelease).sort((a, b) => compareSemver(a.version, b.version));
}

export async function findRelease(db: Db, version: string): Promise<PlatformRelease | null> {
  const row = await db
    .selectFrom('platform_releases')
    .selectAll()
    .where('version', '=', version.trim())
    .executeTakeFirst();
  return row === undefined ? null : toRelease(row);
}
