import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import type { InstancePlatformStatus, PlatformRelease, PlatformRollout } from '../../workflows/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

/** `airflow=3.0.6` pairs into a components object; a pair without `=` is bad input (exit 2). */
export function parseComponents(pairs: readonly string[]): Record<string, string> {
  const components: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new InputError(`"${pair}" is not a component=version pair.`, {
        remedy: 'Pass --component airflow=3.0.6 --component python=3.12.',
      });
    }
    components[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return components;
}

export function register(program: Command): void {
  const platform = program
    .command('platform')
    .description('platform releases: forward only, test first, hotfixes for defects');

  withServerOptions(
    platform
      .command('release')
      .description('publish a platform release (provider-admin, provider-engineer)')
      .argument('<version>', 'SemVer, above every published release, e.g. 3.4.1')
      .requiredOption('--component <name=version...>', 'component versions, e.g. airflow=3.0.6')
      .option('--notes <text>', 'release notes', '')
      .option('--fixes <defect...>', 'defect ids this hotfix fixes')
      .option('--target <instance...>', 'limit a hotfix to these instances'),
  ).action(
    action(async (command, version: string) => {
      const o = command.opts<{ component: string[]; notes: string; fixes?: string[]; target?: string[] }>();
      const release = await clientFor(command).post<PlatformRelease>('/api/v1/platform/releases', {
        version,
        components: parseComponents(o.component),
        notes: o.notes,
        ...(o.fixes ? { fixes: o.fixes } : {}),
        ...(o.target ? { targets: o.target } : {}),
      });
      printResult(release, {
        json: isJson(command),
        human: (r) =>
          `published platform ${r.version}${r.fixes.length > 0 ? ` (hotfix for ${r.fixes.join(', ')})` : ''}`,
      });
    }),
  );

  withServerOptions(
    platform
      .command('rollout')
      .description(
        'roll a release out to an instance, test instance first (provider-admin, provider-engineer)',
      )
      .argument('<version>', 'the release, e.g. 3.4.1')
      .argument('<instance>', 'instance id, name or tenant/name')
      .option(
        '--override <reason>',
        'provider-admin only: production before its test instance ran it (audited)',
      ),
  ).action(
    action(async (command, version: string, instance: string) => {
      const { override } = command.opts<{ override?: string }>();
      const rollout = await clientFor(command).post<PlatformRollout>(
        `/api/v1/platform/releases/${encodeURIComponent(version)}/rollouts`,
        { instance, ...(override ? { override: { reason: override } } : {}) },
      );
      printResult(rollout, {
        json: isJson(command),
        human: (r) => `platform ${r.releaseVersion} deployed on ${instance} as revision ${r.revisionNumber}`,
      });
    }),
  );

  withServerOptions(
    platform
      .command('status')
      .description("each instance's platform version and the releases it may take next")
      .option('--tenant <tenant>', 'only this tenant'),
  ).action(
    action(async (command) => {
      const { tenant } = command.opts<{ tenant?: string }>();
      const { instances } = await clientFor(command).get<{ instances: InstancePlatformStatus[] }>(
        '/api/v1/platform/status',
        { tenant },
      );
      printResult(instances, {
        json: isJson(command),
        human: (rows) =>
          renderTable(rows, [
            { header: 'instance', value: (s) => s.instance.name },
            { header: 'kind', value: (s) => s.instance.kind },
            { header: 'platform', value: (s) => s.currentVersion ?? '-' },
            { header: 'available', value: (s) => s.available.join(', ') || '-' },
          ]),
      });
    }),
  );
}
