import { Option } from 'commander';
import type { Command } from 'commander';
// kinds.js, not index.js: the index loads zod, and every CLI start would pay for it.
import { INSTANCE_KINDS } from '../../domain/tenancy/kinds.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

/** Issue 17: people read names; the id column stays for scripts and for commands that take ids. */
function instanceTable(instances: readonly Instance[], tenants: ReadonlyMap<string, string>): string {
  const names = new Map(instances.map((i) => [i.id, i.name]));
  return renderTable(instances, [
    { header: 'name', value: (i) => i.name },
    { header: 'kind', value: (i) => i.kind },
    { header: 'tenant', value: (i) => tenants.get(i.tenantId) ?? i.tenantId },
    {
      header: 'test instance',
      value: (i) => (i.testInstanceId === null ? '-' : (names.get(i.testInstanceId) ?? i.testInstanceId)),
    },
    { header: 'id', value: (i) => i.id },
  ]);
}

export function register(program: Command): void {
  const instances = program.command('instances').description("a tenant's environments (test, production)");

  withServerOptions(
    instances
      .command('list')
      .description('list the instances you may see')
      .option('--tenant <tenant>', 'only this tenant (id or slug)'),
  ).action(
    action(async (command) => {
      const { tenant } = command.opts<{ tenant?: string }>();
      const client = clientFor(command);
      const { instances: list } = await client.get<{ instances: Instance[] }>('/api/v1/instances', {
        tenant,
      });
      const { tenants } = await client.get<{ tenants: { id: string; slug: string }[] }>('/api/v1/tenants');
      const slugs = new Map(tenants.map((t) => [t.id, t.slug]));
      printResult(list, { json: isJson(command), human: (rows) => instanceTable(rows, slugs) });
    }),
  );

  withServerOptions(
    instances
      .command('create')
      .description('create an instance of a tenant (provider-admin, provider-engineer)')
      .argument('<tenant>', 'tenant id or slug')
      .argument('<name>', 'instance name, e.g. prod')
      .addOption(
        new Option('--kind <kind>', 'test or production').choices(INSTANCE_KINDS).makeOptionMandatory(),
      )
      .option('--test-instance <instance>', 'for production: the test instance it promotes from')
      .option('--namespace <namespace...>', 'OpenLineage namespaces this instance emits'),
  ).action(
    action(async (command, tenant: string, name: string) => {
      const options = command.opts<{ kind: string; testInstance?: string; namespace?: string[] }>();
      const body = {
        name,
        kind: options.kind,
        ...(options.testInstance ? { testInstance: options.testInstance } : {}),
        ...(options.namespace ? { namespaces: options.namespace } : {}),
      };
      const instance = await clientFor(command).post<Instance>(
        `/api/v1/tenants/${encodeURIComponent(tenant)}/instances`,
        body,
      );
      printResult(instance, {
        json: isJson(command),
        human: (i) => `created ${i.kind} instance ${i.name} (${i.id})`,
      });
    }),
  );
}
