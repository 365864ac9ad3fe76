import { ConflictError, InputError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { constraintsFromJson, constraintsOfDbtProject } from '../../impact/index.js';
import type { DbtProject, DeclaredConstraint, OwnershipRule } from '../../impact/index.js';
import { offload } from '../offload.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { tooComplex, workLimits } from '../limits.js';
import { resolveInstance, resolveTenant } from '../references.js';
import { parseInput } from '../schema.js';
import { DeclareConstraintsInput, SetNamespacesInput, SetOwnershipInput } from './schema.js';

export interface InstanceNamespaces {
  readonly instanceId: string;
  readonly namespaces: string[];
  /** The instance row's version: pass it back as `expectedVersion`. */
  readonly version: number;
}

/** The OpenLineage namespaces attributed to an instance (docs/evidence.md: `instanceId` rule). */
export async function getNamespaces(
  store: Store,
  actor: Actor,
  instance: string,
): Promise<InstanceNamespaces> {
  assertCan(actor, 'evidence.read');
  const found = await resolveInstance(store.repos, actor, instance);
  return { instanceId: found.id, namespaces: found.namespaces, version: found.version };
}

/**
 * Replaces an instance's namespaces. A namespace names one instance of a tenant: one claimed by a
 * sibling instance is a conflict (evidence would otherwise count for two instances). Audited.
 */
export async function setNamespaces(
  store: Store,
  actor: Actor,
  input: SetNamespacesInput,
): Promise<InstanceNamespaces> {
  assertCan(actor, 'evidence.configure');
  const parsed = parseInput(SetNamespacesInput, input, 'namespace mapping');
  const namespaces = [...new Set(parsed.namespaces)];
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const expected = parsed.expectedVersion ?? instance.version;
    for (const sibling of await tx.instances.list(instance.tenantId)) {
      if (sibling.id === instance.id) continue;
      const taken = namespaces.filter((namespace) => sibling.namespaces.includes(namespace));
      if (taken.length > 0) {
        throw new ConflictError(
          `Namespace ${taken.map((n) => `'${n}'`).join(', ')} already belongs to instance ${sibling.name}.`,
          {
            remedy: `Remove it from ${sibling.name} first, or give this instance's emitters their own namespace.`,
            extra: { namespaces: taken, instanceId: sibling.id },
          },
        );
      }
    }
    const at = tx.now();
    if (!(await tx.evidence.setInstanceNamespaces(instance.id, expected, namespaces, at))) {
      throw new ConflictError(`Instance ${instance.name} changed since version ${String(expected)}.`, {
        remedy: 'Read its namespaces again and send the change with the new version.',
        extra: { expectedVersion: expected },
      });
    }
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'instance.namespaces.set',
        target: `instance:${instance.id}`,
        before: { namespaces: instance.namespaces },
        after: { namespaces },
      }),
    );
    return { instanceId: instance.id, namespaces, version: expected + 1 };
  });
}

export interface TenantOwnership {
  readonly tenantId: string;
  readonly rules: OwnershipRule[];
}

export async function getOwnership(store: Store, actor: Actor, tenant: string): Promise<TenantOwnership> {
  assertCan(actor, 'evidence.read');
  const found = await resolveTenant(store.repos, actor, tenant);
  return { tenantId: found.id, rules: await store.repos.evidence.ownershipRules(found.id) };
}

/** Replaces a tenant's ownership rules (job-name glob -> user; first match wins). Audited. */
export async function setOwnership(
  store: Store,
  actor: Actor,
  input: SetOwnershipInput,
): Promise<TenantOwnership> {
  assertCan(actor, 'evidence.configure');
  const parsed = parseInput(SetOwnershipInput, input, 'ownership rules');
  return store.transaction(async (tx) => {
    const tenant = await resolveTenant(tx, actor, parsed.tenant);
    const before = await tx.evidence.ownershipRules(tenant.id);
    await tx.evidence.replaceOwnershipRules(tenant.id, parsed.rules, tx.now());
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: tenant.id,
        action: 'evidence.ownership.set',
        target: `tenant:${tenant.id}`,
        before: { rules: before },
        after: { rules: parsed.rules },
      }),
    );
    return { tenantId: tenant.id, rules: [...parsed.rules] };
  });
}

export interface TenantConstraints {
  readonly tenantId: string;
  readonly constraints: DeclaredConstraint[];
}

export async function getConstraints(store: Store, actor: Actor, tenant: string): Promise<TenantConstraints> {
  assertCan(actor, 'evidence.read');
  const found = await resolveTenant(store.repos, actor, tenant);
  return { tenantId: found.id, constraints: await store.repos.evidence.declaredConstraints(found.id) };
}

/** Below this a dbt_project.yml is parsed inline; above, in a worker thread with a time budget. */
const YAML_INLINE_BYTES = 8 * 1024;

/**
 * Reads a dbt_project.yml within the limits: its size is checked before parsing, and a large one is
 * parsed off the event loop, since the `yaml` package takes superlinear time on some inputs (a long
 * multi-line quoted scalar with errors took 29 s for 200 KB, issue 13).
 */
async function readDbtProject(yamlText: string): Promise<DbtProject> {
  const limits = workLimits();
  const bytes = Buffer.byteLength(yamlText, 'utf8');
  if (bytes > limits.yamlMaxBytes) {
    throw new InputError(
      `dbt_project.yml is ${bytes} bytes; the largest accepted is ${limits.yamlMaxBytes} (RATCHET_YAML_MAX_BYTES).`,
      {
        remedy:
          'Upload the dbt_project.yml itself (name and require-dbt-version), or send JSON { project, constraints }.',
        extra: { field: 'body', bytes, limit: limits.yamlMaxBytes },
      },
    );
  }
  return offload('dbt-project', yamlText, {
    inline: bytes <= YAML_INLINE_BYTES,
    timeoutMs: limits.parseTimeoutMs,
    onTimeout: () =>
      tooComplex(
        'dbt_project.yml',
        limits.parseTimeoutMs,
        'Upload a plain dbt_project.yml, or send JSON { project, constraints }.',
      ),
  });
}

async function constraintsOf(parsed: DeclareConstraintsInput): Promise<{
  project: string;
  constraints: DeclaredConstraint[];
}> {
  if (parsed.dbtProjectYml !== undefined) {
    const project = await readDbtProject(parsed.dbtProjectYml);
    if (parsed.project !== undefined && parsed.project !== project.name) {
      throw new InputError(
        `project '${parsed.project}' does not match the dbt_project.yml name '${project.name}'.`,
        {
          remedy: 'Leave project out, or upload the dbt_project.yml of that project.',
          extra: { field: 'project' },
        },
      );
    }
    return { project: project.name, constraints: constraintsOfDbtProject(project) };
  }
  if (parsed.constraints === undefined) {
    throw new InputError('Send a dbt_project.yml, or { project, constraints: { package: specifier } }.', {
      remedy:
        'Upload dbt_project.yml as application/yaml, or JSON { "project": "finance", "constraints": { "dbt-core": ">=1.11" } }.',
      extra: { field: 'body' },
    });
  }
  const constraints = constraintsFromJson({ project: parsed.project, constraints: parsed.constraints });
  return { project: parsed.project!, constraints };
}

/**
 * Declares a dbt project's constraints (its `require-dbt-version`, or any package bounds), replacing
 * what the project declared before. A target outside them is a certain break (docs/evidence.md).
 */
export async function declareConstraints(
  store: Store,
  actor: Actor,
  input: DeclareConstraintsInput,
): Promise<TenantConstraints & { readonly project: string }> {
  assertCan(actor, 'evidence.configure');
  const parsed = parseInput(DeclareConstraintsInput, input, 'declared constraints');
  const { project, constraints } = await constraintsOf(parsed);
  return store.transaction(async (tx) => {
    const tenant = await resolveTenant(tx, actor, parsed.tenant);
    const before = (await tx.evidence.declaredConstraints(tenant.id)).filter((c) => c.project === project);
    await tx.evidence.replaceProjectConstraints(tenant.id, project, constraints, tx.now());
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: tenant.id,
        action: 'evidence.constraints.set',
        target: `tenant:${tenant.id}/project:${project}`,
        before: { constraints: before },
        after: { constraints },
      }),
    );
    return { tenantId: tenant.id, project, constraints: await tx.evidence.declaredConstraints(tenant.id) };
  });
}
