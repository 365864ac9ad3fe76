import { describePackageSource } from '../../domain/package-source/index.js';
import type { PackageSourceView } from '../../domain/package-source/index.js';
import { InputError, NotFoundError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent, Revision } from '../../domain/revisions/index.js';
import { normalizeName } from '../../python/index.js';
import { mergeProjectEvidence } from '../../impact/index.js';
import type { ProjectEvidence } from '../../impact/index.js';
import type { TrialView } from '../trial/index.js';
import { renderImageExport } from './lock-export.js';
import { reviewTrialOf } from './trial-step.js';
import { withNextSteps } from './next-steps.js';
import type { ImageNextStep } from './next-steps.js';
import { pathOf } from './path.js';
import type { ImagePathStage } from './path.js';
import type { ImageExportFormat } from './lock-export.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { readRepo } from './repository.js';
import { ImageSourceInput } from './schema.js';
import { deployedImageBefore, loadChange } from './steps.js';
import { sourceRefOf } from '../package-source.js';
import { openPackageSource, writeImageSource } from './source.js';
import type { ForwardFixFollowUp, ImageChangeKind, ImageChangeRecord, RollbackPin } from './types.js';

export interface ImageOverview {
  instance: { id: string; name: string; kind: string };
  source: string;
  /** The source as people read it (`display`), the same in the CLI and the dashboard. */
  packageSource: PackageSourceView;
  current: Revision | null;
  inFlight: ImageChangeRecord | null;
  activePins: RollbackPin[];
  openFollowUps: ForwardFixFollowUp[];
}

/** `ratchet image show`: the current image, its source, the change in flight, pins and follow-ups. */
export async function showImage(store: Store, actor: Actor, instanceRef: string): Promise<ImageOverview> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  const current = await store.repos.revisions.current(instance.id, 'image');
  const repo = readRepo(store);
  const source = await sourceRefOf(
    store.repos,
    instance.id,
    (current?.content as ImageContent | undefined)?.index ?? '',
  );
  return {
    instance: { id: instance.id, name: instance.name, kind: instance.kind },
    source,
    packageSource: describePackageSource(source),
    current,
    inFlight: await repo.inFlight(instance.id),
    activePins: await repo.activePins(instance.id, store.now().toISOString()),
    openFollowUps: await repo.listFollowUps(instance.id, 'open'),
  };
}

export interface ImageDiffEntry {
  name: string;
  from: string | null;
  to: string | null;
}

async function imageRevision(
  store: Store,
  actor: Actor,
  instanceRef: string,
  number: number | undefined,
): Promise<Revision> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  const revision =
    number === undefined
      ? await store.repos.revisions.current(instance.id, 'image')
      : await store.repos.revisions.get(instance.id, 'image', number);
  if (revision === null) {
    throw new NotFoundError(
      `Image revision ${number === undefined ? '(current)' : String(number)} of ${instance.name} was not found.`,
      {
        remedy: 'List the image revisions to see which exist.',
      },
    );
  }
  return revision;
}

/** `ratchet image diff`: package moves between two image revisions (default: current vs the previous). */
export async function diffImage(
  store: Store,
  actor: Actor,
  input: { instance: string; from?: number; to?: number },
): Promise<{ from: number; to: number; changes: ImageDiffEntry[] }> {
  const to = await imageRevision(store, actor, input.instance, input.to);
  // By default the revision the instance ran before: failed revisions never ran, so they are skipped.
  const fromNumber =
    input.from ?? (await deployedImageBefore(store.repos.revisions, to.instanceId, to.number)) ?? 0;
  if (fromNumber < 1) throw new InputError(`Revision ${to.number} has no earlier revision to compare with.`);
  const from = await imageRevision(store, actor, input.instance, fromNumber);
  const a = new Map((from.content as ImageContent).packages.map((p) => [normalizeName(p.name), p.version]));
  const b = new Map((to.content as ImageContent).packages.map((p) => [normalizeName(p.name), p.version]));
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes = names
    .filter((name) => a.get(name) !== b.get(name))
    .map((name) => ({ name, from: a.get(name) ?? null, to: b.get(name) ?? null }));
  return { from: from.number, to: to.number, changes };
}

/** `ratchet image export`: one revision rendered as requirements.txt or PEP 751 pylock.toml, with file hashes. */
export async function exportImage(
  store: Store,
  actor: Actor,
  input: { instance: string; revision?: number; format: ImageExportFormat },
): Promise<{ revision: number; filename: string; text: string; unhashed: string[] }> {
  const revision = await imageRevision(store, actor, input.instance, input.revision);
  const rendered = renderImageExport(revision.content as ImageContent, revision.number, input.format);
  return { revision: revision.number, filename: input.format, ...rendered };
}

/** A change in a listing: the record, the steps it may take next for the viewer, and its path. */
export type ListedImageChange = ImageChangeRecord & { nextSteps: ImageNextStep[]; path: ImagePathStage[] };

export async function listImageChanges(
  store: Store,
  actor: Actor,
  input: { instance: string; kind?: ImageChangeKind },
): Promise<ListedImageChange[]> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, input.instance);
  const changes = await readRepo(store).listChanges({
    instanceId: instance.id,
    ...(input.kind ? { kind: input.kind } : {}),
  });
  const listed: ListedImageChange[] = [];
  for (const change of changes) {
    listed.push({
      ...(await withNextSteps(store.repos, actor.role, change)),
      path: pathOf(change, instance),
    });
  }
  return listed;
}

/** One change as its decision page reads it: the record, its review's trial, the merged evidence. */
export type ImageChangeView = ListedImageChange & {
  /** The review's trial (id, state, progress, then its result and logs); null when the step was skipped. */
  trial: TrialView | null;
  /** Per dbt project: the trial's prediction and the observed runs, each labelled with its source. */
  evidence: ProjectEvidence[];
};

export async function getImageChange(
  store: Store,
  actor: Actor,
  id: string,
  kind: ImageChangeKind,
): Promise<ImageChangeView> {
  assertCan(actor, 'image.read');
  const change = await loadChange(readRepo(store), actor, id, kind);
  const trial = await reviewTrialOf(store.repos, change);
  // An upgrade's path before it deploys depends on its instance (a test instance or not).
  const instance = await store.repos.instances.get(change.instanceId);
  return {
    ...(await withNextSteps(store.repos, actor.role, change, trial)),
    path: pathOf(change, instance),
    trial,
    evidence: mergeProjectEvidence(change.report.impact, trial?.result?.projects ?? null),
  };
}

export async function listRollbackPins(
  store: Store,
  actor: Actor,
  instanceRef: string,
): Promise<RollbackPin[]> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  return readRepo(store).listPins(instance.id);
}

export async function listForwardFixFollowUps(
  store: Store,
  actor: Actor,
  instanceRef: string,
): Promise<ForwardFixFollowUp[]> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  return readRepo(store).listFollowUps(instance.id);
}

/** Points an instance's image at a package source (simple index URL or `file:` find-links folder). */
export async function setImageSource(
  store: Store,
  actor: Actor,
  input: ImageSourceInput,
): Promise<{ instanceId: string; source: string }> {
  assertCan(actor, 'image.source.set');
  const parsed = parseInput(ImageSourceInput, input, 'image source');
  openPackageSource(parsed.source);
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const { before } = await writeImageSource(tx, {
      instanceId: instance.id,
      tenantId: instance.tenantId,
      source: parsed.source,
      at: tx.now(),
    });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'image.source.set',
        target: `instance:${instance.id}`,
        before: { source: before },
        after: { source: parsed.source },
      }),
    );
    return { instanceId: instance.id, source: parsed.source };
  });
}
