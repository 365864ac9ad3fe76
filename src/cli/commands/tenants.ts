import type { Command } from 'commander';
import type { Tenant } from '../../domain/tenancy/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function tenantTable(tenants: readonly Tenant[]): string {
  return renderTable(tenants, [
    { header: 'slug', value: (t) => t.slug },
    { header: 'name', value: (t) => t.name },
    { header: 'id', value: (t) => t.id },
    { header: 'created', value: (t) => t.createdAt },
  ]);
}

export function register(program: Command): void {
  const tenants = program.command('tenants').description('customer organisations');

  withServerOptions(tenants.command('list').description('list the tenants you may see')).action(
    action(async (command) => {
      const { tenants: list } = await clientFor(command).get<{ tenants: Tenant[] }>('/api/v1/tenants');
      printResult(list, { json: isJson(command), human: tenantTable });
    }),
  );

  withServerOptions(
    tenants
      .command('create')
      .description('create a tenant (provider-admin)')
      .argument('<slug>', 'short name used in URLs, e.g. acme')
      .requiredOption('--name <name>', 'display name, e.g. "Acme Corp"'),
  ).action(
    action(async (command, slug: string) => {
      const { name } = command.opts<{ name: string }>();
      const tenant = await clientFor(command).post<Tenant>('/api/v1/tenants', { slug, name });
      printResult(tenant, { json: isJson(command), human: (t) => `created tenant ${t.slug} (${t.id})` });
    }),
  );
}
