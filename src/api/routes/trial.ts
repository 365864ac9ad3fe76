import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { trialConfigFromEnv } from '../../trial/index.js';
import {
  AddProjectBody,
  addProject,
  cancelTrial,
  getTrial,
  listProjects,
  listTrials,
  removeProject,
  startTrial,
  StartTrialBody,
  trialLeaseMsFromEnv,
  TrialRunner,
} from '../../workflows/trial/index.js';
import { notifyReviewTrialOwners, setReviewTrialRunner } from '../../workflows/image/index.js';
import { actorOf } from '../access.js';
import { TrialBody, TrialListBody } from '../responses/index.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const InstanceParams = z.object({ instanceId: z.string().min(1) });
const ProjectParams = InstanceParams.extend({ name: z.string().min(1).max(100) });
const TrialParams = InstanceParams.extend({ trialId: z.string().min(1).max(100) });
const ProjectBody = z.object({
  id: z.string(),
  instanceId: z.string(),
  name: z.string(),
  repo: z.string(),
  path: z.string(),
  owners: z.array(z.string()),
  credentialSet: z.boolean(),
  createdAt: z.string(),
});

/**
 * The trial (issue 16): registered dbt projects per instance, and trials of an image change run as
 * jobs in this process (child processes do the work; the request returns once the trial is queued).
 */
export function trialRoutes(app: TypedApp, { store }: RouteDeps): void {
  const projects = '/api/v1/instances/:instanceId/projects';
  const trials = '/api/v1/instances/:instanceId/image/trials';
  const runner = new TrialRunner(
    store,
    trialConfigFromEnv(),
    (error) => app.log.error({ err: error }, 'trial failed'),
    {
      leaseMs: trialLeaseMsFromEnv(),
      // A review's trial, run here or resumed after a restart, ends with its owners' guidance.
      onFinished: async (trialId) => {
        await notifyReviewTrialOwners(store, trialId);
      },
    },
  );
  // The rollback and upgrade reviews run their trial step on this runner too (cancel, shutdown).
  setReviewTrialRunner(store, runner);

  app.post(
    projects,
    {
      config: { roles: PERMISSIONS['project.configure'] },
      schema: {
        summary: 'Register a dbt project of the instance (repository URL within RATCHET_PROJECT_REPOS)',
        tags: ['trial'],
        params: InstanceParams,
        body: AddProjectBody,
        response: { 201: ProjectBody, ...problems(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await addProject(store, actorOf<Actor>(request), {
          ...request.body,
          instance: request.params.instanceId,
        }),
      ),
  );

  app.get(
    projects,
    {
      config: { roles: PERMISSIONS['project.read'] },
      schema: {
        summary: "The instance's registered dbt projects (a credential shows only as credentialSet)",
        tags: ['trial'],
        params: InstanceParams,
        response: { 200: z.object({ projects: z.array(ProjectBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({
      projects: await listProjects(store, actorOf<Actor>(request), request.params.instanceId),
    }),
  );

  app.delete(
    `${projects}/:name`,
    {
      config: { roles: PERMISSIONS['project.configure'] },
      schema: {
        summary: 'Remove a registered dbt project',
        tags: ['trial'],
        params: ProjectParams,
        response: { 200: ProjectBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      removeProject(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        name: request.params.name,
      }),
  );

  app.post(
    trials,
    {
      config: { roles: PERMISSIONS['image.trial.run'] },
      schema: {
        summary:
          "Try an image change before anyone runs it: build today's and the candidate image, run every registered project in both (202; poll the trial)",
        tags: ['trial'],
        params: InstanceParams,
        body: StartTrialBody,
        response: { 202: TrialBody, ...problems(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await startTrial(
            store,
            actorOf<Actor>(request),
            { ...request.body, instance: request.params.instanceId },
            runner,
          ),
        ),
  );

  app.get(
    trials,
    {
      config: { roles: PERMISSIONS['image.read'] },
      schema: {
        summary: "The instance's trials, newest first",
        tags: ['trial'],
        params: InstanceParams,
        response: { 200: TrialListBody, ...problems(403, 404) },
      },
    },
    async (request) => ({
      trials: await listTrials(store, actorOf<Actor>(request), request.params.instanceId),
    }),
  );

  app.get(
    `${trials}/:trialId`,
    {
      config: { roles: PERMISSIONS['image.read'] },
      schema: {
        summary:
          "A trial's progress, then its result: projects [{ name, owners, commit, current, candidate, verdict }]",
        tags: ['trial'],
        params: TrialParams,
        response: { 200: TrialBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      getTrial(store, actorOf<Actor>(request), request.params.instanceId, request.params.trialId),
  );

  app.post(
    `${trials}/:trialId/cancel`,
    {
      config: { roles: PERMISSIONS['image.trial.run'] },
      schema: {
        summary: 'Cancel a queued or running trial (its child processes are stopped)',
        tags: ['trial'],
        params: TrialParams,
        response: { 200: TrialBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      cancelTrial(
        store,
        actorOf<Actor>(request),
        { instance: request.params.instanceId, trialId: request.params.trialId },
        runner,
      ),
  );

  // Trials whose server stopped (this one before a restart, or another on the same database) are
  // resumed once their lease expired; the runner keeps looking every lease period.
  app.addHook('onReady', async () => {
    runner.start();
  });
  app.addHook('onClose', async () => {
    setReviewTrialRunner(store, null);
    await runner.close();
  });
}
