import { InputError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { matchesTarget, reportHash } from '../../impact/index.js';
import type { ImpactReport, PackageChange } from '../../impact/index.js';
import { offload } from '../offload.js';
import type { Store } from '../../store/index.js';
import { tooComplex, workLimits } from '../limits.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { pinsOf } from './context.js';
import type { JobEvidenceRow } from '../../store/index.js';
import { EvidenceListInput, ImpactInput } from './schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_WINDOW_DAYS = 30;
/** Below this many runs the report is built inline: a worker round trip would cost more. */
const INLINE_RUNS = 500;

export interface ImpactQuery {
  /** Instance id, `tenant-slug/name`, or name. */
  readonly instanceId: string;
  readonly packages: readonly PackageChange[];
  /** Evidence window in days; default 30. */
  readonly windowDays?: number;
  /**
   * The image revision whose runs stand for "before the change"; default the instance's deployed
   * one. An upgrade already deployed to its test instance is judged against the revision the test
   * instance ran before it (sign-off: what the upgrade broke there).
   */
  readonly currentRevision?: number;
}

function windowOf(windowDays: number | undefined): number {
  const days = windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new InputError(`windowDays must be a whole number of days from 1 to 365, got ${String(days)}.`, {
      remedy: 'Leave it out for the default of 30 days.',
      extra: { field: 'windowDays' },
    });
  }
  return days;
}

/**
 * The blast radius of an image change on one instance, from stored run evidence (docs/evidence.md
 * "Verdicts"), or null when the instance has no evidence at all, or no deployed image to compare
 * with: "no evidence" is never read as "safe".
 */
export async function impactForChange(
  store: Store,
  actor: Actor,
  query: ImpactQuery,
): Promise<ImpactReport | null> {
  assertCan(actor, 'evidence.read');
  const days = windowOf(query.windowDays);
  const instance = await resolveInstance(store.repos, actor, query.instanceId);
  if (!(await store.repos.evidence.hasRunEvents(instance.id))) return null;
  const current = await store.repos.revisions.current(instance.id, 'image');
  if (current === null) return null;
  const now = store.now();
  const since = new Date(now.getTime() - days * DAY_MS).toISOString();
  const revisions = (await store.repos.revisions.list(instance.id, 'image')).map((revision) => ({
    revision: revision.number,
    packages: pinsOf(revision.content),
  }));
  const runs = await store.repos.evidence.runEvidenceSince(instance.id, since);
  const limits = workLimits();
  // Building the report over thousands of runs is CPU work: off the event loop unless small.
  return offload(
    'impact-classify',
    {
      change: { packages: query.packages },
      runs,
      revisions,
      currentRevision: query.currentRevision ?? current.number,
      constraints: await store.repos.evidence.declaredConstraints(instance.tenantId),
      now,
      windowDays: days,
    },
    {
      inline: runs.length < INLINE_RUNS,
      timeoutMs: limits.planTimeoutMs,
      onTimeout: () =>
        tooComplex(
          'The impact report',
          limits.planTimeoutMs,
          'Ask for a shorter evidence window (windowDays).',
        ),
    },
  );
}

// PEP 503 normalization: `dbt_core` and `DBT-Core` name the same package.
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const CHANGE_PATTERN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*((?:===|==|!=|<=|>=|~=|<|>).*)$/;

/** A package of the change, and whether its target moves it at all. */
export interface ImpactPackage extends PackageChange {
  /** False when the current pin already satisfies the target (1.10.15 and ==1.10.*). */
  readonly moves: boolean;
}

export interface ImpactAnswer {
  readonly instanceId: string;
  readonly packages: ImpactPackage[];
  /**
   * null when the instance has no evidence (unknown, never safe), or when no package moves: a
   * change that changes nothing fixes and breaks nothing, and gets no verdicts.
   */
  readonly report: ImpactReport | null;
  readonly reportHash: string | null;
}

/**
 * `ratchet impact acme-prod --set 'dbt-core==1.10.*'`: each change names a package and its PEP 440
 * target; `from` is the pin of the instance's current image revision.
 */
export async function impactOfChanges(store: Store, actor: Actor, input: ImpactInput): Promise<ImpactAnswer> {
  assertCan(actor, 'evidence.read');
  const parsed = parseInput(ImpactInput, input, 'impact query');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const current = await store.repos.revisions.current(instance.id, 'image');
  const pins = new Map(
    Object.entries(pinsOf(current?.content)).map(([name, v]) => [normalizeName(name), { name, v }]),
  );
  const packages = parsed.changes.map((spec): ImpactPackage => {
    const match = CHANGE_PATTERN.exec(spec);
    if (match === null) {
      throw new InputError(`change '${spec}' is not a package with a PEP 440 target.`, {
        remedy: "Write it as name and specifier, e.g. 'dbt-core==1.10.*' or 'dbt-core>=1.10,<1.11'.",
        extra: { field: 'change', value: spec },
      });
    }
    const pin = pins.get(normalizeName(match[1]!));
    if (pin === undefined) {
      throw new InputError(
        `change '${spec}': ${match[1]!} is not pinned in the current image of ${instance.name}${current === null ? ' (it has no deployed image revision)' : ` (revision ${String(current.number)})`}.`,
        {
          remedy: 'Name a package of the current image; see `ratchet history <instance> --layer image`.',
          extra: { field: 'change', value: spec },
        },
      );
    }
    const to = match[2]!.replace(/\s+/g, '');
    return { name: pin.name, from: pin.v, to, moves: !targetHolds(pin.v, to) };
  });
  const report = packages.some((pkg) => pkg.moves)
    ? await impactForChange(store, actor, {
        instanceId: instance.id,
        packages: packages.map(({ name, from, to }) => ({ name, from, to })),
        ...(parsed.windowDays !== undefined ? { windowDays: parsed.windowDays } : {}),
      })
    : null;
  return {
    instanceId: instance.id,
    packages,
    report,
    reportHash: report === null ? null : reportHash(report),
  };
}

export interface EvidenceListing {
  readonly instanceId: string;
  readonly since: string;
  readonly jobs: JobEvidenceRow[];
  /** Pass as `offset` for the next page; null on the last page. */
  readonly nextOffset: number | null;
}

/** Stored runs of an instance per pipeline and job, in the window (paged). */
export async function listEvidence(
  store: Store,
  actor: Actor,
  input: EvidenceListInput,
): Promise<EvidenceListing> {
  assertCan(actor, 'evidence.read');
  const parsed = parseInput(EvidenceListInput, input, 'evidence query');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const since = new Date(
    store.now().getTime() - (parsed.windowDays ?? DEFAULT_WINDOW_DAYS) * DAY_MS,
  ).toISOString();
  const limit = parsed.limit ?? 100;
  const offset = parsed.offset ?? 0;
  // One row more than asked tells whether another page exists.
  const rows = await store.repos.evidence.jobEvidence(instance.id, { since, limit: limit + 1, offset });
  return {
    instanceId: instance.id,
    since,
    jobs: rows.slice(0, limit),
    nextOffset: rows.length > limit ? offset + limit : null,
  };
}

/** Whether the pin already satisfies the target; a target that is not PEP 440 is left to the report. */
function targetHolds(pin: string, target: string): boolean {
  try {
    return matchesTarget(pin, target);
  } catch {
    return false;
  }
}
