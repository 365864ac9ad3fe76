/*
 * The path an image change takes, as the API sends it with each change (issue 18): its stages in
 * order, each with the roles that own the step leading into it and where the change stands. Read
 * from the table the workflow enforces (machine.ts: IMAGE_PATHS names the step, its permission names
 * the roles), so a client draws the progress without keeping its own copy of owners and states.
 */
import type { Instance } from '../../domain/tenancy/index.js';
import type { Role } from '../../domain/roles/index.js';
import { IMAGE_PATHS, pathStepRoles, stepsFrom } from './machine.js';
import type { ImagePathName, ImagePathRule, ImagePathStep } from './machine.js';
import type { ImageChangeRecord, ImageChangeState } from './types.js';

/** One stage of a change's path, for any viewer. */
export interface ImagePathStage {
  state: ImageChangeState;
  label: string;
  /** The step that leads into the stage ('request' opens the change). */
  step: ImagePathStep;
  /** The roles that own that step (src/domain/roles/permissions.ts). */
  roles: Role[];
  /** Passed, where the change stands now, or ahead. */
  status: 'done' | 'current' | 'todo';
}

/** What decides an upgrade's path before it deploys anywhere: the instance it changes. */
export type PathInstance = Pick<Instance, 'kind' | 'testInstanceId'>;

/**
 * Which path `change` takes. Once an upgrade deploys, its first deployment says (test first, the
 * override's production, or the instance itself); before, its instance does, as approval will
 * decide (upgrade.ts: approveUpgrade). An upgrade waiting in "approved" waits only for the override.
 */
export function pathNameOf(change: ImageChangeRecord, instance: PathInstance | null): ImagePathName {
  if (change.kind === 'rollback') return 'rollback';
  const first = change.stages[0]?.purpose;
  if (first === 'test') return 'upgrade-test-first';
  if (first === 'production' || change.state === 'approved') return 'upgrade-override';
  if (first === 'target') return 'upgrade-direct';
  if (instance?.testInstanceId) return 'upgrade-test-first';
  return instance?.kind === 'production' ? 'upgrade-override' : 'upgrade-direct';
}

/** The deployment the change works on now: a pending or failed one, else the next waiting one. */
function currentDeployment(change: ImageChangeRecord): string | undefined {
  return (
    change.stages.find((s) => s.status === 'pending' || s.status === 'failed') ??
    change.stages.find((s) => s.status === 'waiting')
  )?.purpose;
}

/**
 * The index of the stage the change stands at, or -1 when it left the path (rejected). A state off
 * the path (a failed deployment) stands at the stage its way back leads to (retry: deploying).
 */
function standing(change: ImageChangeRecord, stages: readonly ImagePathRule[]): number {
  const onPath = (state: ImageChangeState) => stages.some((s) => s.state === state);
  const state = onPath(change.state)
    ? change.state
    : stepsFrom(change.kind, change.state)
        .flatMap(({ rule }) => rule.to)
        .find(onPath);
  if (state === undefined) return -1;
  const deployment = currentDeployment(change);
  const candidates = stages.flatMap((s, index) => (s.state === state ? [{ s, index }] : []));
  const match = candidates.find(({ s }) => s.deployment === undefined || s.deployment === deployment);
  return (match ?? candidates[0]!).index;
}

function statusOf(index: number, at: number): ImagePathStage['status'] {
  // A change that left the path was requested; nothing after that is known to have happened.
  if (at < 0) return index === 0 ? 'done' : 'todo';
  if (index < at) return 'done';
  return index === at ? 'current' : 'todo';
}

/**
 * The stages of the path `change` takes, each with its owners and status. A change that left the
 * path (rejected) has no current stage: only its request is marked done.
 */
export function pathOf(change: ImageChangeRecord, instance: PathInstance | null): ImagePathStage[] {
  const { stages } = IMAGE_PATHS[pathNameOf(change, instance)];
  const at = standing(change, stages);
  return stages.map((stage, index) => ({
    state: stage.state,
    label: stage.label,
    step: stage.via,
    roles: [...pathStepRoles(change.kind, stage.via)],
    status: statusOf(index, at),
  }));
}
