import { z } from 'zod';

/** PEP 691 hashes: hash name -> hex digest. */
export const Hashes = z.record(z.string(), z.string());
export type Hashes = z.infer<typeof Hashes>;

/** PEP 691 / PEP 714: `core-metadata` (or the older `dist-info-metadata`): false, true, or hashes. */
export const MetadataAvailability = z.union([z.boolean(), Hashes]);
export type MetadataAvailability = z.infer<typeof MetadataAvailability>;

/** One file of a PEP 691 project page (unknown keys are dropped, as PEP 691 lets clients do). */
export const SimpleJsonFile = z.object({
  filename: z.string().min(1),
  url: z.string().min(1),
  hashes: Hashes,
  'requires-python': z.string().nullish(),
  'core-metadata': MetadataAvailability.optional(),
  'dist-info-metadata': MetadataAvailability.optional(),
  // PEP 592 in JSON: true, or the reason as a string.
  yanked: z.union([z.boolean(), z.string()]).optional(),
  // PEP 700
  'upload-time': z.string().optional(),
  // PEP 700: the file's size in bytes, an integer.
  size: z.number().int().nonnegative().optional(),
});
export type SimpleJsonFile = z.infer<typeof SimpleJsonFile>;

/** A PEP 691 project page (`application/vnd.pypi.simple.v1+json`). */
export const SimpleJsonProject = z.object({
  meta: z.object({ 'api-version': z.string().regex(/^\d+\.\d+$/) }),
  name: z.string().min(1),
  files: z.array(SimpleJsonFile),
  // PEP 700 (API version 1.1)
  versions: z.array(z.string()).optional(),
});
export type SimpleJsonProject = z.infer<typeof SimpleJsonProject>;
