import { z } from 'zod';
import { parseSemver } from '../semver/index.js';

// Platform releases are versioned with SemVer 2.0.0 (semver.org) so "versions only increase" is decidable.
export const SemverString = z
  .string()
  .refine((v) => parseSemver(v) !== null, 'must be a SemVer version like 3.4.0');

export const PlatformContent = z.object({
  version: SemverString,
  /** Component versions shipped by this release: airflow, python, ... */
  components: z.record(z.string().min(1), z.string().min(1)),
});
export type PlatformContent = z.infer<typeof PlatformContent>;

export const InfrastructureContent = z.object({
  /** What the applied change set: e.g. `{ kubernetes: '1.30' }`. */
  changes: z.record(z.string().min(1), z.unknown()),
  description: z.string().min(1),
});
export type InfrastructureContent = z.infer<typeof InfrastructureContent>;

/** One distribution file of a pin, recorded from the package source so a lock can carry its hash. */
export const PinnedFile = z.object({
  filename: z.string().min(1).max(500),
  /** Where the source listed it (`https:` index file URL, or `file:` in a find-links folder). */
  url: z.string().min(1).max(2000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256 digest'),
  size: z.number().int().nonnegative().optional(),
  kind: z.enum(['wheel', 'sdist']),
});
export type PinnedFile = z.infer<typeof PinnedFile>;

export const PackagePin = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  /**
   * The release's files with their sha256, from the package source when the revision was made.
   * Absent on revisions recorded before hashes were kept, or when the source listed none.
   */
  files: z.array(PinnedFile).max(200).optional(),
});
export type PackagePin = z.infer<typeof PackagePin>;

export const ImageContent = z.object({
  /** Python version of the image, e.g. "3.12". */
  python: z.string().min(1),
  /** The platform release this image builds on, e.g. "3.4.0". */
  platform: z.string().min(1),
  /** The package index URL the pins resolve against. */
  index: z.string().min(1),
  packages: z.array(PackagePin),
  /**
   * Set on revisions recorded by `image import` (issue 17, onboarding): the image the customer ran
   * before Ratchet, from their lock file, deployed at `deployedAt` (in the past, outside Ratchet).
   */
  imported: z.object({ deployedAt: z.string().min(1), format: z.string().min(1) }).optional(),
});
export type ImageContent = z.infer<typeof ImageContent>;
