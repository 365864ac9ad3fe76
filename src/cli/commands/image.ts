import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import { parseRequirementsTxt } from '../../python/index.js';
import type { PinnedPackage } from '../../python/index.js';
import { checkImage, planImageChange } from '../../resolver/image/index.js';
import type { ImageCheck, ImagePlan } from '../../resolver/image/index.js';
import { action, isJson, printResult, renderTable } from '../output.js';
import { openTarget, withSourceOptions } from '../sources/index.js';
import type { SourceOptions } from '../sources/index.js';

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
      .option('--keep <package>', 'a package that must not move (repeatable)', (v: string, p?: string[]) => [
        ...(p ?? []),
        v,
      ]),
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
        },
        { json, human: () => planText(plan), negative: !plan.feasible },
      );
    }),
  );
}
