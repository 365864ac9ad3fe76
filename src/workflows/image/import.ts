/**
 * `ratchet image import` (issue 17, "Onboarding a real customer"): a provider taking over a
 * customer records the image the customer already runs from their lock file, validated against
 * the package source, and may first record earlier images with their past deployment times, so
 * run evidence from before Ratchet is attributed to the image that ran it.
 *
 * Imported revisions are history, not changes: they are recorded deployed (at `deployedAt`), skip
 * the forward-only check (the customer may have rolled back before Ratchet) and carry
 * `content.imported`. Only before the first revision Ratchet itself recorded, and oldest first.
 */
import { z } from 'zod';
import { ConflictError, InputError, PolicyError } from '../../domain/errors/index.js';
import type { ImageContent, PackagePin, Revision } from '../../domain/revisions/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { distributionFilesOf } from '../../index/distribution-files.js';
import type { PackageSource } from '../../index/index.js';
import { normalizeName } from '../../python/index.js';
import type { PinnedPackage } from '../../python/index.js';
import { checkImage } from '../../resolver/image/index.js';
import type { ImageCheck } from '../../resolver/image/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { InstanceRef, parseInput } from '../schema.js';
import { LOCK_FORMATS, detectLockFormat, readLock } from './import-lock.js';
import { openPackageSource } from './source.js';

export const ImportImageInput = z.object({
  instance: InstanceRef,
  /** The lock file's text. */
  lock: z
    .string()
    .min(1)
    .max(8 * 1024 * 1024),
  /** Default: detected from `filename` and the text. */
  format: z.enum(LOCK_FORMATS).optional(),
  /** The lock's file name (`uv.lock`, `pylock.toml`, `requirements.txt`), for detection and the audit. */
  filename: z.string().trim().min(1).max(500).optional(),
  python: z
    .string()
    .trim()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'must be the image Python as X.Y or X.Y.Z, e.g. 3.11'),
  /** The package source the pins were installed from: a simple-index URL or a find-links folder. */
  source: z.string().trim().min(1).max(2000),
  /** When this image went live (ISO 8601, in the past); default: now (the image running today). */
  deployedAt: z.iso.datetime({ offset: true }).optional(),
  /** The platform release the image ran on; default: the instance's current platform revision. */
  platform: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
});
export type ImportImageInput = z.infer<typeof ImportImageInput>;

export interface ImportedImage {
  revision: Revision;
  format: string;
  /** Runs already stored whose image revision is now this one (by deployment time). */
  reattributedRuns: number;
  /** What the check found worth saying on a consistent image: yanked pins, pins left out by marker. */
  check: ImageCheck;
  warnings: string[];
}

const POLICY = 'image-import-before-ratchet';

function importedOf(revision: Revision): { deployedAt: string } | undefined {
  return (revision.content as ImageContent).imported;
}

/** The refusal that keeps imports to history: oldest first, before anything Ratchet recorded. */
async function assertImportable(tx: Repositories, instance: Instance, deployedAt: string): Promise<void> {
  const history = (await tx.revisions.list(instance.id, 'image')).filter((r) => r.status !== 'failed');
  const own = history.find((revision) => importedOf(revision) === undefined);
  if (own !== undefined) {
    throw new PolicyError(
      `${instance.name} already has image revision ${String(own.number)}, recorded through Ratchet: an image is imported only before Ratchet's first revision, so imported history never rewrites what Ratchet did.`,
      {
        policy: POLICY,
        remedy:
          'Change the image through an upgrade (ratchet upgrade request) or, as a last resort, a rollback request.',
        extra: { revision: own.number },
      },
    );
  }
  const last = history.at(-1);
  const lastAt = last === undefined ? undefined : importedOf(last)?.deployedAt;
  if (last !== undefined && lastAt !== undefined && Date.parse(deployedAt) <= Date.parse(lastAt)) {
    throw new ConflictError(
      `Imported image revision ${String(last.number)} of ${instance.name} was deployed at ${lastAt}; a revision deployed at ${deployedAt} would come before it. Revisions are numbered in deployment order.`,
      {
        remedy: 'Import the history oldest first: each --deployed-at later than the one before.',
        extra: { revision: last.number, deployedAt: lastAt },
      },
    );
  }
}

/** The lines `ratchet image check` prints for an inconsistent image. */
export function imageCheckFindings(check: ImageCheck): string[] {
  return [
    ...check.violations.map(
      (v) => `${v.package} ${v.version} requires ${v.requires}, found ${v.found ?? '(not in the image)'}`,
    ),
    ...check.unavailable.map((pin) => `unavailable: ${pin.package} ${pin.version}: ${pin.reason}`),
  ];
}

/**
 * The files of each pin from the package source (the sha256 a lock export carries); where the lock
 * states hashes, only the files they name, and a pin none of whose hashes the source has is
 * refused: the lock and the source disagree about the bytes (a tampered file, or another index).
 */
async function pinsWithFiles(source: PackageSource, pins: readonly PinnedPackage[]): Promise<PackagePin[]> {
  const mismatched: string[] = [];
  const result = await Promise.all(
    pins.map(async (pin): Promise<PackagePin> => {
      const files = await distributionFilesOf(source, pin.name, pin.version);
      const stated = new Set(
        (pin.hashes ?? []).filter((h) => h.startsWith('sha256:')).map((h) => h.slice('sha256:'.length)),
      );
      const kept = stated.size === 0 ? files : files.filter((file) => stated.has(file.sha256));
      if (stated.size > 0 && kept.length === 0) mismatched.push(`${pin.name}==${pin.version}`);
      return {
        name: normalizeName(pin.name),
        version: pin.version,
        ...(kept.length > 0 ? { files: kept.slice(0, 200) } : {}),
      };
    }),
  );
  if (mismatched.length > 0) {
    throw new ConflictError(
      `The lock's hashes match no file the package source lists for ${mismatched.join(', ')}: the lock and the source disagree about these files.`,
      {
        remedy:
          'Import against the index the image was installed from, or regenerate the lock there; a file whose hash changed is not the file that ran.',
        extra: { packages: mismatched },
      },
    );
  }
  return result;
}

async function platformOf(store: Store, instance: Instance, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const current = await store.repos.revisions.current(instance.id, 'platform');
  if (current !== null) return (current.content as { version: string }).version;
  throw new InputError(
    `${instance.name} has no platform revision, so the image's platform release is unknown.`,
    {
      remedy: 'Pass --platform X.Y.Z (the platform release the image ran on), or record the platform first.',
    },
  );
}

/**
 * Records an image revision from a customer's lock file (see the module comment). Refuses with
 * `image check`'s findings when the pins are not a consistent image on the source.
 *
 * @example await importImage(store, actor, { instance: 'acme-prod', lock, python: '3.11', source: 'https://pypi.org/simple' })
 */
export async function importImage(
  store: Store,
  actor: Actor,
  input: ImportImageInput,
): Promise<ImportedImage> {
  assertCan(actor, 'revision.record.image');
  const parsed = parseInput(ImportImageInput, input, 'image import');
  const format = parsed.format ?? detectLockFormat(parsed.lock, parsed.filename);
  const lock = readLock(parsed.lock, format, { python: parsed.python });
  if (lock.pins.length === 0) {
    throw new InputError(`The ${format} pins no package.`, {
      remedy: "Pass the image's lock: one exact pin per installed package ('name==version').",
    });
  }
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const now = store.now();
  const deployedAt =
    parsed.deployedAt === undefined ? now.toISOString() : new Date(parsed.deployedAt).toISOString();
  if (Date.parse(deployedAt) > now.getTime()) {
    throw new InputError(`--deployed-at ${parsed.deployedAt ?? ''} is in the future.`, {
      remedy: 'An import records what already ran: pass when it went live, or leave it out for today.',
    });
  }
  // Before reading the source: a refused import should not wait for the index.
  await assertImportable(store.repos, instance, deployedAt);
  const platform = await platformOf(store, instance, parsed.platform);
  const source = openPackageSource(parsed.source);
  const check = await checkImage({ source, python: parsed.python, pins: lock.pins });
  if (!check.consistent) {
    throw new ConflictError(
      `The ${format} is not a consistent image for Python ${parsed.python} on ${parsed.source}:\n${imageCheckFindings(check).join('\n')}`,
      {
        remedy:
          'Import the lock the image was installed from, against the source it was installed from (ratchet image check --lock FILE shows the same findings).',
        extra: { violations: check.violations, unavailable: check.unavailable },
      },
    );
  }
  const packages = await pinsWithFiles(source, lock.pins);
  const content: ImageContent = {
    python: parsed.python,
    platform,
    index: parsed.source,
    packages,
    imported: { deployedAt, format },
  };
  return store.transaction(async (tx) => {
    // Again inside the writer lock: another import or change may have landed meanwhile.
    await assertImportable(tx, instance, deployedAt);
    const latest = await tx.revisions.latestNumber(instance.id, 'image');
    const appended = await tx.revisions.append(
      {
        instanceId: instance.id,
        tenantId: instance.tenantId,
        layer: 'image',
        actorUserId: actor.userId,
        actorRole: actor.role,
        reason:
          parsed.reason ??
          `Imported from ${parsed.filename ?? format}: the image running since ${deployedAt}`,
        content,
        rollbackOf: null,
      },
      latest,
    );
    // It already ran: deployed, at the time it went live (evidence attribution reads this time).
    const revision = await tx.revisions.setStatus(appended.id, appended.version, 'deployed', deployedAt);
    // Runs stored before the import and attributed by time (not by a facet or tag the image set)
    // belong to this image from when it went live; imports come oldest first, so nothing later exists.
    const reattributedRuns = await tx.evidence.attributeRunsToImageSince(
      instance.id,
      deployedAt,
      revision.number,
    );
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'image.import',
        target: `revision:${instance.id}/image/${String(revision.number)}`,
        before: { latestRevision: latest },
        after: {
          number: revision.number,
          deployedAt,
          format,
          source: parsed.source,
          packages: packages.length,
          hashed: packages.filter((pin) => (pin.files ?? []).length > 0).length,
          reattributedRuns,
        },
      }),
    );
    return { revision, format, reattributedRuns, check, warnings: lock.warnings };
  });
}
