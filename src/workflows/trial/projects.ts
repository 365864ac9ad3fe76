/*
 * Customer dbt projects registered per instance (issue 16): what a trial checks out and runs. A
 * customer admin manages their own tenant's projects (resolveInstance keeps them there); the
 * repository must match the operator's allow-list; a read-only credential is sealed at rest like
 * the webhook deployer secrets and never shown again.
 */
import { ConflictError, NotFoundError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { newId } from '../../store/index.js';
import type { Repositories, SecretBox, Store } from '../../store/index.js';
import type { TrialProjectsTable } from '../../store/tables/trial.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { assertRepoAllowed } from './allow-list.js';
import { AddProjectInput } from './schema.js';

/** A registered project as the API shows it: the credential only as `credentialSet`. */
export interface ProjectView {
  id: string;
  instanceId: string;
  name: string;
  repo: string;
  path: string;
  owners: string[];
  credentialSet: boolean;
  createdAt: string;
}

/** A project with its credential opened: what a trial needs (server side only). */
export interface StoredProject extends ProjectView {
  credential: string | null;
}

function credentialContext(projectId: string): string {
  return `trial-project:${projectId}`;
}

function toView(row: TrialProjectsTable): ProjectView {
  return {
    id: row.id,
    instanceId: row.instance_id,
    name: row.name,
    repo: row.repo_url,
    path: row.path,
    owners: JSON.parse(row.owners) as string[],
    credentialSet: row.sealed_credential !== null,
    createdAt: row.created_at,
  };
}

/** The instance's projects with credentials opened, for a trial (no access check: the caller did it). */
export async function readProjectsForTrial(
  repos: Repositories,
  secrets: SecretBox,
  instanceId: string,
): Promise<StoredProject[]> {
  return (await repos.trialProjects.listOfInstance(instanceId)).map((row) => ({
    ...toView(row),
    credential:
      row.sealed_credential === null ? null : secrets.open(row.sealed_credential, credentialContext(row.id)),
  }));
}

/**
 * `POST /api/v1/instances/{id}/projects`: registers a dbt project of the instance.
 *
 * @example
 * await addProject(store, admin, { instance: 'acme/prod', name: 'marts', repo: 'https://github.com/acme/marts', path: '', owners: ['ana@acme.example'] });
 */
export async function addProject(store: Store, actor: Actor, input: AddProjectInput): Promise<ProjectView> {
  assertCan(actor, 'project.configure');
  const parsed = parseInput(AddProjectInput, input, 'project');
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const repo = assertRepoAllowed(parsed.repo);
    const existing = await tx.trialProjects.findByName(instance.id, parsed.name);
    if (existing !== null) {
      throw new ConflictError(`${instance.name} already has a project named ${parsed.name}.`, {
        remedy: 'Remove it first, or register this one under another name.',
      });
    }
    const id = newId('prj');
    const row: TrialProjectsTable = {
      id,
      tenant_id: instance.tenantId,
      instance_id: instance.id,
      name: parsed.name,
      repo_url: repo,
      path: parsed.path,
      owners: JSON.stringify(parsed.owners),
      sealed_credential:
        parsed.credential === undefined ? null : store.secrets.seal(parsed.credential, credentialContext(id)),
      created_at: tx.now(),
      version: 1,
    };
    await tx.trialProjects.insert(row);
    const view = toView(row);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'project.add',
        target: `project:${instance.id}/${parsed.name}`,
        before: null,
        after: {
          name: view.name,
          repo: view.repo,
          path: view.path,
          owners: view.owners,
          credentialSet: view.credentialSet,
        },
      }),
    );
    return view;
  });
}

/** `GET /api/v1/instances/{id}/projects`. */
export async function listProjects(store: Store, actor: Actor, instanceRef: string): Promise<ProjectView[]> {
  assertCan(actor, 'project.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  return (await store.repos.trialProjects.listOfInstance(instance.id)).map(toView);
}

/** `DELETE /api/v1/instances/{id}/projects/{name}`. */
export async function removeProject(
  store: Store,
  actor: Actor,
  input: { instance: string; name: string },
): Promise<ProjectView> {
  assertCan(actor, 'project.configure');
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, input.instance);
    const row = await tx.trialProjects.findByName(instance.id, input.name);
    if (row === null) {
      throw new NotFoundError(`${instance.name} has no project named ${input.name}.`, {
        remedy: 'List the instance’s projects to see their names.',
      });
    }
    await tx.trialProjects.delete(row.id);
    const view = toView(row);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'project.remove',
        target: `project:${instance.id}/${row.name}`,
        before: { name: view.name, repo: view.repo, path: view.path, owners: view.owners },
        after: null,
      }),
    );
    return view;
  });
}
