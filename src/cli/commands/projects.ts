import type { Command } from 'commander';
import type { ProjectView } from '../../workflows/trial/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function path(instance: string): string {
  return `/api/v1/instances/${encodeURIComponent(instance)}/projects`;
}

function projectsText(projects: readonly ProjectView[]): string {
  return renderTable(projects, [
    { header: 'NAME', value: (p) => p.name },
    { header: 'REPOSITORY', value: (p) => p.repo },
    { header: 'PATH', value: (p) => p.path || '.' },
    { header: 'OWNERS', value: (p) => p.owners.join(', ') || '-' },
    { header: 'CREDENTIAL', value: (p) => (p.credentialSet ? 'sealed' : '-') },
  ]);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `ratchet projects add|list|remove`: the dbt projects a trial runs (issue 16). */
export function register(program: Command): void {
  const projects = program
    .command('projects')
    .description("an instance's registered dbt projects, which every trial checks out and runs");

  withServerOptions(
    projects
      .command('add')
      .description('register a dbt project (its repository must match the server’s RATCHET_PROJECT_REPOS)')
      .argument('<instance>', 'instance id, name or tenant/name')
      .requiredOption('--name <name>', 'the project’s name (as its runs report it)')
      .requiredOption('--repo <url>', 'the git repository (https:// or an allowed file:// URL)')
      .option('--path <subdir>', 'the dbt project’s folder inside the repository', '')
      .option('--owner <email>', 'an owner to notify (repeatable)', collect, [])
      .option(
        '--credential-env <variable>',
        'read a read-only repository token from this environment variable',
      ),
  ).action(
    action(async (command, instance: string) => {
      const options = command.opts<{
        name: string;
        repo: string;
        path: string;
        owner: string[];
        credentialEnv?: string;
      }>();
      // The token is read from the environment, never from argv, where `ps` and shell history see it.
      const credential = options.credentialEnv === undefined ? undefined : process.env[options.credentialEnv];
      const project = await clientFor(command).post<ProjectView>(path(instance), {
        name: options.name,
        repo: options.repo,
        path: options.path,
        owners: options.owner,
        ...(credential !== undefined && credential !== '' ? { credential } : {}),
      });
      printResult(project, { json: isJson(command), human: (p) => `registered ${p.name} (${p.repo})` });
    }),
  );

  withServerOptions(
    projects
      .command('list')
      .description('list the registered projects')
      .argument('<instance>', 'instance id, name or tenant/name'),
  ).action(
    action(async (command, instance: string) => {
      const result = await clientFor(command).get<{ projects: ProjectView[] }>(path(instance));
      printResult(result, { json: isJson(command), human: (r) => projectsText(r.projects) });
    }),
  );

  withServerOptions(
    projects
      .command('remove')
      .description('remove a registered project')
      .argument('<instance>', 'instance id, name or tenant/name')
      .requiredOption('--name <name>', 'the project to remove'),
  ).action(
    action(async (command, instance: string) => {
      const { name } = command.opts<{ name: string }>();
      const project = await clientFor(command).delete<ProjectView>(
        `${path(instance)}/${encodeURIComponent(name)}`,
      );
      printResult(project, { json: isJson(command), human: (p) => `removed ${p.name}` });
    }),
  );
}
