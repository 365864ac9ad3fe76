import { readFileSync } from 'node:fs';
import { basename, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import { parseRequirementsTxt } from '../../python/index.js';
import type { PinnedPackage } from '../../python/index.js';
import type { ImageCheck, ImagePlan } from '../../resolver/image/index.js';
import { action, isJson, printResult, renderTable } from '../output.js';
import { withSourceOptions } from '../sources/options.js';
import { clientFor, withServerOptions } from '../client.js';
import type { ImageDiffEntry, ImageOverview } from '../../workflows/index.js';
import { renderImageExport } from '../../workflows/image/lock-export.js';
import type { ImageContent, Revision } from '../../domain/revisions/index.js';
import type { SourceOptions } from '../sources/options.js';

function readLock(path: string | undefined): PinnedPackage[] {
  if (!path)
    throw new InputError('No lock file given.', {
      remedy: 'Pass --lock requirements.txt (pinned name==version lines).',
    });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`Cannot read the lock file ${path}.`, {
      remedy: 'Pass the path of a readable requirements.txt.',
    });
  }
  const { pins, warnings } = parseRequirementsTxt(text);
  for (const warning of warnings) process.stderr.write(`warning: ${path}: ${warning}\n`);
  return pins;
}

function checkText(result: ImageCheck): string {
  const lines = [result.consistent ? 'The image is consistent.' : 'The image is NOT consistent.'];
  if (result.violations.length > 0) {
    lines.push(
      '',
      renderTable(result.violations, [
        { header: 'package', value: (v) => `${v.package} ${v.version}` },
        { header: 'requires', value: (v) => v.requires },
        { header: 'found', value: (v) => v.found ?? '(not in the image)' },
      ]),
    );
  }
  for (const pin of result.unavailable)
    lines.push(`unavailable: ${pin.package} ${pin.version}: ${pin.reason}`);
  for (const entry of result.ignored) lines.push(`ignoring: ${entry.reason}`);
  for (const pin of result.yanked) {
    lines.push(
      `yanked: ${pin.package} ${pin.version}${pin.reason ? `: ${pin.reason}` : ''} (PEP 592: kept because pinned exactly)`,
    );
  }
  return lines.join('\n');
}

function planText(plan: ImagePlan): string {
  const lines: string[] = [plan.feasible ? 'A consistent change exists.' : 'No consistent change exists.'];
  if (plan.changes.length > 0) {
    lines.push(
      '',
      renderTable(plan.changes, [
        { header: 'package', value: (c) => c.name },
        { header: 'from', value: (c) => c.from },
        { header: 'to', value: (c) => c.to },
        { header: 'why', value: (c) => (c.requested ? 'requested' : 'must move too') },
      ]),
    );
  }
  for (const added of plan.added) lines.push(`adds: ${added.name} ${added.version}`);
  for (const entry of plan.ignored) lines.push(`ignoring: ${entry.reason}`);
  if (plan.conflictsIfAlone.length > 0) {
    lines.push('', 'Moving only the requested packages would break:');
    for (const c of plan.conflictsIfAlone) {
      lines.push(`  ${c.package} ${c.version} requires ${c.requires}, found ${c.found ?? 'nothing'}`);
    }
  }
  for (const target of plan.availability) {
    for (const problem of target.unusable)
      lines.push(`unavailable: ${target.package} ${problem.version}: ${problem.reason}`);
  }
  lines.push('', plan.explanation);
  return lines.join('\n');
}

export function register(program: Command): void {
  const image = program.command('image').description("a customer image's pinned packages");
  registerServerImageCommands(image);

  withSourceOptions(
    image
      .command('check')
      .description('check that every pin is available and every dependency met (exit 0 consistent, 1 not)')
      .option('--lock <file>', 'the pinned requirements.txt'),
  ).action(
    action(async (command) => {
      const json = isJson(command);
      const options = command.opts<SourceOptions & { lock?: string }>();
      const pins = readLock(options.lock);
      // Loaded when the command runs (src/cli/offline-resolver.ts): other commands skip the resolver.
      const { exitWhenIdle, openTarget, checkImage } = await import('../offline-resolver.js');
      exitWhenIdle();
      const target = openTarget(options, { json });
      const result = await checkImage({ ...target, pins });
      target.finish();
      printResult(result, { json, human: checkText, negative: !result.consistent });
    }),
  );

  withSourceOptions(
    image
      .command('plan')
      .description('plan the smallest consistent change for the requests (exit 0 feasible, 1 not)')
      .option('--lock <file>', 'the pinned requirements.txt')
      .option(
        '--set <requirement>',
        "what to change, e.g. 'dbt-core==1.10.*' (repeatable)",
        (v: string, p?: string[]) => [...(p ?? []), v],
      )
      .option(
        '--keep <package>',
        'a package that must not move, optionally with a marker: \'pkg ; python_version < "3.12"\' (repeatable)',
        (v: string, p?: string[]) => [...(p ?? []), v],
      ),
  ).action(
    action(async (command) => {
      const json = isJson(command);
      const options = command.opts<SourceOptions & { lock?: string; set?: string[]; keep?: string[] }>();
      const pins = readLock(options.lock);
      if (!options.set || options.set.length === 0) {
        throw new InputError('Nothing to plan.', {
          remedy: "Pass --set 'package<specifier>', e.g. --set 'dbt-core==1.10.*'.",
        });
      }
      // Loaded when the command runs (src/cli/offline-resolver.ts): other commands skip the resolver.
      const { exitWhenIdle, openTarget, planImageChange } = await import('../offline-resolver.js');
      exitWhenIdle();
      const target = openTarget(options, { json });
      const plan = await planImageChange({
        ...target,
        pins,
        requests: options.set,
        keep: options.keep ?? [],
      });
      target.finish();
      printResult(
        {
          feasible: plan.feasible,
          changes: plan.changes,
          added: plan.added,
          conflicts_if_alone: plan.conflictsIfAlone,
          availability: plan.availability,
          explanation: plan.explanation,
          ignored: plan.ignored,
        },
        { json, human: () => planText(plan), negative: !plan.feasible },
      );
    }),
  );
}

function overviewText(overview: ImageOverview): string {
  const content = overview.current?.content as
    { python?: string; packages?: { name: string; version: string }[] } | undefined;
  const lines = [
    `${overview.instance.name} (${overview.instance.kind}): image revision ${String(overview.current?.number ?? '-')}, Python ${content?.python ?? '-'}`,
    `package source: ${overview.packageSource.display}`,
    renderTable(content?.packages ?? [], [
      { header: 'package', value: (p) => p.name },
      { header: 'version', value: (p) => p.version },
    ]),
  ];
  if (overview.inFlight)
    lines.push(
      `in flight: ${overview.inFlight.kind} request ${overview.inFlight.id} (${overview.inFlight.state})`,
    );
  for (const pin of overview.activePins)
    lines.push(`rollback pin: ${pin.package} held at ${pin.pinnedVersion} until ${pin.expiresAt}`);
  for (const fix of overview.openFollowUps)
    lines.push(`forward-fix follow-up open: ${fix.package} (rolled back to ${fix.pinnedVersion})`);
  return lines.join('\n');
}

/** `image show|diff|export`: the server-side image of an instance (the offline commands are above). */
interface ImportOptions {
  lock?: string;
  python?: string;
  indexUrl?: string;
  findLinks?: string;
  deployedAt?: string;
  platform?: string;
  format?: string;
  reason?: string;
}

/**
 * `image import`: the customer's lock file goes to the server as text, and the server reads it,
 * checks it against the package source and records the revision (issue 17, onboarding).
 */
function registerImageImport(image: Command): void {
  withServerOptions(
    image
      .command('import')
      .description(
        "record an image the instance ran before Ratchet (or runs now) from the customer's lock: requirements.txt, pip freeze, uv.lock or pylock.toml",
      )
      .argument('<instance>', 'instance id, name or tenant/name')
      .option('--lock <file>', 'the lock file (format detected from its name and text)')
      .option('--python <version>', "the image's Python, X.Y or X.Y.Z (required)")
      .option('--index-url <url>', 'the simple index the image was installed from')
      .option('--find-links <dir>', 'the folder of wheels it was installed from (a path the server reads)')
      .option(
        '--deployed-at <time>',
        'when it went live, ISO 8601 (default: now); import history oldest first',
      )
      .option(
        '--platform <version>',
        'the platform release it ran on (default: the current platform revision)',
      )
      .option('--format <format>', 'requirements.txt, pip-freeze, uv.lock or pylock.toml (default: detected)')
      .option('--reason <text>', 'why, for the revision and the audit log'),
  ).action(
    action(async (command, instance: string) => {
      const options = command.opts<ImportOptions>();
      if (!options.lock)
        throw new InputError('No lock file given.', {
          remedy: 'Pass --lock FILE: a requirements.txt, pip freeze output, uv.lock or pylock.toml.',
        });
      if (!options.python)
        throw new InputError("The image's Python version is required.", { remedy: 'Pass --python X.Y.' });
      if ((options.indexUrl === undefined) === (options.findLinks === undefined))
        throw new InputError('Name exactly one package source.', {
          remedy: 'Pass --index-url URL or --find-links DIR: where the image was installed from.',
        });
      let lock: string;
      try {
        lock = readFileSync(options.lock, 'utf8');
      } catch {
        throw new InputError(`Cannot read the lock file ${options.lock}.`, {
          remedy: 'Pass the path of a readable lock file.',
        });
      }
      const imported = await clientFor(command).post<ImportedImageView>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image/import`,
        {
          lock,
          filename: basename(options.lock),
          python: options.python,
          // The server opens the folder: an absolute path means the same folder there.
          source: options.indexUrl ?? resolvePath(options.findLinks!),
          ...(options.deployedAt === undefined ? {} : { deployedAt: options.deployedAt }),
          ...(options.platform === undefined ? {} : { platform: options.platform }),
          ...(options.format === undefined ? {} : { format: options.format }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        },
      );
      printResult(imported, { json: isJson(command), human: importText });
    }),
  );
}

interface ImportedImageView {
  revision: Revision;
  format: string;
  reattributedRuns: number;
  check: ImageCheck;
  warnings: string[];
}

function importText(imported: ImportedImageView): string {
  const content = imported.revision.content as ImageContent;
  const hashed = content.packages.filter((pin) => (pin.files ?? []).length > 0).length;
  const lines = [
    `Recorded image revision ${String(imported.revision.number)} from ${imported.format}, deployed at ${content.imported?.deployedAt ?? imported.revision.statusChangedAt ?? ''}.`,
    `${String(content.packages.length)} pins (${String(hashed)} with file hashes) for Python ${content.python} on ${content.index}.`,
    `${String(imported.reattributedRuns)} stored runs are now attributed to it.`,
  ];
  for (const warning of imported.warnings) lines.push(`warning: ${warning}`);
  for (const entry of imported.check.ignored) lines.push(`ignoring: ${entry.reason}`);
  for (const pin of imported.check.yanked)
    lines.push(`yanked: ${pin.package} ${pin.version}${pin.reason ? `: ${pin.reason}` : ''}`);
  return lines.join('\n');
}

function registerServerImageCommands(image: Command): void {
  registerImageImport(image);
  withServerOptions(
    image
      .command('show')
      .description("an instance's current image, source, change in flight, pins")
      .argument('<instance>', 'instance id, name or tenant/name'),
  ).action(
    action(async (command, instance: string) => {
      const overview = await clientFor(command).get<ImageOverview>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image`,
      );
      printResult(overview, { json: isJson(command), human: overviewText });
    }),
  );
  withServerOptions(
    image
      .command('diff')
      .description('package moves between two image revisions (default: current vs previous)')
      .argument('<instance>', 'instance id, name or tenant/name')
      .option('--from <n>', 'older revision')
      .option('--to <n>', 'newer revision'),
  ).action(
    action(async (command, instance: string) => {
      const { from, to } = command.opts<{ from?: string; to?: string }>();
      const diff = await clientFor(command).get<{ from: number; to: number; changes: ImageDiffEntry[] }>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image/diff`,
        { from, to },
      );
      printResult(diff, {
        json: isJson(command),
        human: (d) =>
          `revision ${String(d.from)} -> ${String(d.to)}\n` +
          renderTable(d.changes, [
            { header: 'package', value: (c) => c.name },
            { header: 'from', value: (c) => c.from ?? '(absent)' },
            { header: 'to', value: (c) => c.to ?? '(removed)' },
          ]),
      });
    }),
  );
  withServerOptions(
    image
      .command('export')
      .description('an image revision as requirements.txt (default) or pylock.toml, on stdout')
      .argument('<instance>', 'instance id, name or tenant/name')
      .option('--format <format>', 'requirements.txt or pylock.toml', 'requirements.txt')
      .option('--revision <n>', 'revision number (default: current)'),
  ).action(
    action(async (command, instance: string) => {
      const { format, revision } = command.opts<{ format: string; revision?: string }>();
      if (format !== 'requirements.txt' && format !== 'pylock.toml') {
        throw new InputError(`Unknown export format "${format}".`, {
          remedy: 'Use --format requirements.txt or --format pylock.toml.',
        });
      }
      // The API serves the files too (GET .../image/requirements.txt); the CLI renders the same pins
      // locally from the revision list so its client stays JSON-only.
      const { revisions } = await clientFor(command).get<{ revisions: Revision[] }>(
        `/api/v1/instances/${encodeURIComponent(instance)}/layers/image/revisions`,
      );
      const chosen =
        revision === undefined
          ? revisions.filter((r) => r.status === 'deployed').at(-1)
          : revisions.find((r) => r.number === Number(revision));
      if (chosen === undefined) {
        throw new InputError(`Image revision ${revision ?? '(current)'} of ${instance} was not found.`, {
          remedy: 'List the revisions with `ratchet history` to see which exist.',
        });
      }
      const { text, unhashed } = renderImageExport(chosen.content as ImageContent, chosen.number, format);
      // --json keeps its promise of exactly one JSON document: the file travels as a string in it.
      if (isJson(command)) {
        printResult(
          { instance, revision: chosen.number, status: chosen.status, format, content: text, unhashed },
          { json: true, human: () => text },
        );
        return;
      }
      process.stdout.write(text);
    }),
  );
}
