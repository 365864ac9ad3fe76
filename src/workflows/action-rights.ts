/*
 * Who may take the dashboard's other actions (issue 18): GET /api/v1/me answers with these, so the
 * dashboard offers a form or button exactly when the workflow behind it would accept the caller.
 * Each workflow asserts ACTION_PERMISSION[its action], the same entry this module reports on, so
 * the answer and the check cannot drift apart.
 */
import { can, PERMISSIONS } from '../domain/roles/index.js';
import type { Action, Actor, Role } from '../domain/roles/index.js';

/** The permission each action's workflow asserts (src/domain/roles/permissions.ts). */
export const ACTION_PERMISSION = {
  /** publishRelease (platform/releases.ts): the first half of shipping a hotfix. */
  publishRelease: 'platform.release.publish',
  /** rolloutRelease (platform/releases.ts): the second half of shipping a hotfix. */
  rollOutRelease: 'platform.release.rollout',
  /** startTrial (trial/trials.ts). */
  startTrial: 'image.trial.run',
  /** cancelTrial (trial/trials.ts). */
  cancelTrial: 'image.trial.run',
  /** reportDefect (defects/defects.ts). */
  reportDefect: 'defect.report',
  /** signoffInfrastructureChange (infrastructure/changes.ts). */
  signOffInfrastructure: 'infrastructure.change.signoff',
  /** applyInfrastructureChange (infrastructure/changes.ts). */
  applyInfrastructure: 'infrastructure.change.apply',
  /** applyInfrastructureChange with an override: outside the planned window, with a reason. */
  applyInfrastructureOutsideWindow: 'infrastructure.change.apply.override',
  /** requeueDelivery (deliveries/index.ts). */
  requeueDelivery: 'delivery.requeue',
} as const satisfies Record<string, Action>;

export type RightfulAction = keyof typeof ACTION_PERMISSION;

/** Whether the caller may take one action, and who may. */
export interface ActionRight {
  allowed: boolean;
  /** The roles that may (shown to a caller who may not, so they know whom to ask). */
  roles: Role[];
  /** The permission the workflow asserts. */
  permission: Action;
}

export type ActionRights = Record<RightfulAction, ActionRight>;

export const RIGHTFUL_ACTIONS = Object.keys(ACTION_PERMISSION) as RightfulAction[];

/** What `actor` may do, one entry per action of ACTION_PERMISSION. */
export function actionRights(actor: Actor): ActionRights {
  const rights = {} as ActionRights;
  for (const action of RIGHTFUL_ACTIONS) {
    const permission = ACTION_PERMISSION[action];
    rights[action] = { allowed: can(actor, permission), roles: [...PERMISSIONS[permission]], permission };
  }
  return rights;
}
