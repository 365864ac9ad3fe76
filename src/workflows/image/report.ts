import { canonicalJson, sha256Hex } from '../../domain/audit/index.js';
import { InputError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { reportHash } from '../../impact/index.js';
import type { ImpactReport } from '../../impact/index.js';
import { compareVersions, normalizeName, parseRequirement } from '../../python/index.js';
import { distributionFilesOf } from '../../index/index.js';
import type { PackageSource } from '../../index/index.js';
import { offload } from '../offload.js';
import type { IgnoredRequirement } from '../../resolver/image/index.js';
import type { Store } from '../../store/index.js';
import { impactForChange } from '../evidence/index.js';
import { tooComplex, workLimits } from '../limits.js';
import { sourceRefOf } from '../package-source.js';
import { openPackageSource } from './source.js';
import type { ImageChangeKind, ImageChangeReport, PinFiles } from './types.js';

export interface BuiltReport {
  report: ImageChangeReport;
  hash: string;
  content: ImageContent;
  currentRevision: number;
}

/** A feasible plan that neither moves nor adds a package: the instance already runs the target. */
export function changesNothing(review: {
  feasible: boolean;
  changes: readonly unknown[];
  added: readonly unknown[];
}): boolean {
  return review.feasible && review.changes.length === 0 && review.added.length === 0;
}

/**
 * Why a plan changes nothing: the instance already runs the target, or (pip's rule for a root
 * requirement) the request's marker is false for the image, so it asks for nothing at all.
 */
export function nothingToChange(
  instanceName: string,
  requests: readonly string[],
  ignored: readonly IgnoredRequirement[] | undefined,
  conclusion: string,
): string {
  const skipped = (ignored ?? []).filter((entry) => entry.role === 'request');
  if (skipped.length > 0 && skipped.length === requests.length) {
    return `${skipped.map((entry) => entry.reason.replace(/\.$/, '')).join('; ')}, so on ${instanceName} ${conclusion}`;
  }
  return `${instanceName} already runs ${requests.join(', ')}: ${conclusion}`;
}

async function filesOfImage(
  source: PackageSource,
  packages: Readonly<Record<string, string>>,
): Promise<PinFiles[]> {
  return Promise.all(
    Object.entries(packages).map(async ([name, version]) => ({
      name,
      version,
      files: await distributionFilesOf(source, name, version),
    })),
  );
}

/**
 * The report's content hash: canonical JSON SHA-256, with the impact report reduced to its own
 * hash (which leaves out when it was generated), so regenerating unchanged facts keeps the hash.
 */
export function hashReport(report: ImageChangeReport): string {
  return sha256Hex(
    canonicalJson({ ...report, impact: report.impact === null ? null : reportHash(report.impact) }),
  );
}

function namesOf(impact: ImpactReport | null): string[] {
  if (impact === null) return [];
  return impact.affectedUsers.filter((user) => user.shouldForwardFix).map((user) => user.user);
}

function recommendationFor(kind: ImageChangeKind, instance: Instance, impact: ImpactReport | null): string {
  if (kind === 'upgrade') {
    return instance.testInstanceId !== null
      ? 'Test before promoting to production: this upgrade is deployed to the test instance first and promoted only after a customer admin signs off there.'
      : 'Test before promoting to production: this instance has no test instance, so production needs an explicit provider-admin override.';
  }
  const users = namesOf(impact);
  const who =
    users.length > 0
      ? ` The users whose pipelines should be fixed forward instead: ${users.join(', ')}.`
      : impact === null
        ? ' There is no run evidence yet, so Ratchet cannot tell who already adapted to the new version; a rollback may break them.'
        : ' The evidence names no user who needs a forward fix.';
  return (
    'Recommended approach (rollback policy): affected users update their own code to accommodate the new version (a targeted forward fix); ' +
    `a rollback is a last resort, and the customer assumes responsibility for its downstream effects.${who}`
  );
}

/**
 * Validates a requested image change: availability (exists, not yanked, supports the image's
 * Python), the dependency review (minimal co-changes, conflicts if moved alone), and the impact
 * report. Runs outside any transaction: it reads the package source.
 */
export async function buildReport(
  store: Store,
  actor: Actor,
  input: { kind: ImageChangeKind; instance: Instance; requests: readonly string[]; keep: readonly string[] },
): Promise<BuiltReport> {
  const { instance, kind } = input;
  const current = await store.repos.revisions.current(instance.id, 'image');
  if (current === null) {
    throw new InputError(
      `${instance.name} has no deployed image revision yet, so there is nothing to change.`,
      {
        remedy: 'A provider engineer records and deploys the first image revision.',
      },
    );
  }
  const content = current.content as ImageContent;
  const source = await sourceRefOf(store.repos, instance.id, content.index);
  // The resolver is CPU-bound for up to seconds on a large image: it runs in a worker thread, with
  // a time budget, so one tenant's review never stalls another tenant's requests (issue 13).
  const limits = workLimits();
  const plan = await offload(
    'image-plan',
    {
      sourceRef: source,
      python: content.python,
      pins: content.packages,
      requests: [...input.requests],
      keep: [...input.keep],
    },
    {
      timeoutMs: limits.planTimeoutMs,
      onTimeout: () =>
        tooComplex(
          'The dependency review',
          limits.planTimeoutMs,
          'Request fewer packages at once, or ask the provider to raise RATCHET_PLAN_TIMEOUT_MS.',
        ),
    },
  );
  const pinned = new Map(content.packages.map((pin) => [normalizeName(pin.name), pin.version]));
  const blockers: string[] = [];
  for (const entry of plan.availability) {
    if (entry.available) continue;
    const reasons = entry.unusable.map((u) => `${u.version}: ${u.reason}`).join('; ');
    blockers.push(`No usable release matches ${entry.requested}${reasons ? ` (${reasons})` : ''}.`);
  }
  if (!plan.feasible) blockers.push(`No consistent image exists with this change: ${plan.explanation}`);
  if (kind === 'rollback' && plan.feasible) {
    for (const change of plan.changes.filter((c) => c.requested)) {
      if (compareVersions(change.to, change.from) >= 0) {
        blockers.push(
          `${change.name} ${change.from} -> ${change.to} is not a rollback; request an upgrade instead.`,
        );
      }
    }
  }
  // Infeasible: no plan to read targets from, so each request's own specifier is the target
  // (`requested` is the whole requirement, `dbt-core>=1.12`; the classifier takes `>=1.12`).
  const moving = plan.feasible
    ? plan.changes.map((c) => ({ name: c.name, from: c.from, to: c.to }))
    : plan.availability.map((a) => ({
        name: a.package,
        from: pinned.get(a.package) ?? '',
        to: parseRequirement(a.requested).specifier.text,
      }));
  // A plan that moves nothing (the instance already runs the target) has no blast radius to ask
  // about; it is a blocker, so such a report is never approved into a revision identical to today's.
  if (changesNothing(plan)) {
    blockers.push(
      `${nothingToChange(instance.name, input.requests, plan.ignored, 'there is nothing to change')}.`,
    );
  }
  const impact =
    moving.length === 0
      ? null
      : await impactForChange(store, actor, { instanceId: instance.id, packages: moving });
  // The files (and sha256) of every pin of the planned image, read from the source now, outside the
  // transaction that records the revision; the accepted report's hash then covers them too.
  const files = plan.feasible ? await filesOfImage(openPackageSource(source), plan.packages) : [];
  const report: ImageChangeReport = {
    kind,
    instance: { id: instance.id, name: instance.name },
    python: content.python,
    source,
    currentRevision: current.number,
    requests: [...input.requests],
    recommendation: recommendationFor(kind, instance, impact),
    availability: plan.availability,
    review: {
      feasible: plan.feasible,
      changes: plan.changes,
      added: plan.added,
      conflictsIfAlone: plan.conflictsIfAlone,
      explanation: plan.explanation,
      ignored: plan.ignored,
    },
    impact,
    impactSummary:
      impact === null ? 'No run evidence yet: the impact is unknown, never assumed safe.' : impact.summary,
    blockers,
    files,
  };
  return { report, hash: hashReport(report), content, currentRevision: current.number };
}
