import { Option } from 'commander';
import type { Command } from 'commander';
// kinds.js, not index.js: the index loads zod, and every CLI start would pay for it.
import { INSTANCE_KINDS } from '../../domain/tenancy/kinds.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function instanceTable(instances: readonly Instance[]): string {
  return renderTable(instances, [
    { header: 'name', value: (i) => i.name },
    { header: 'kind', value: (i) => i.kind },
    { header: 'tenant', value: (i) => i.tenantId },
    { header: 'id', value: (i) => i.id },
    { header: 'test instance', value: (i) => i.testInstanceId ?? '-' },
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
      const { instances: list } = await clientFor(command).get<{ instances: Instance[] }>(
        '/api/v1/instances',
        {
          tenant,
        },
      );
      printResult(list, { json: isJson(command), human: instanceTable });
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
