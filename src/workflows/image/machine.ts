/*
 * The image change state machine, written down once (issue 18): which steps a rollback or an upgrade
 * takes, from which states, under which permission, where each is posted and what input it needs.
 * The workflows check a step against this table (transition.ts reads `from` and `to`, each workflow
 * asserts `permission`, the request workflows assert REQUEST_PERMISSION), and the API sends the steps
 * it offers a viewer (next-steps.ts), the path a change takes with the owners of each stage (path.ts)
 * and who may start a change (GET /api/v1/me) from the same table, so what the dashboard shows and
 * what the workflow accepts cannot drift apart.
 */
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Action, Role } from '../../domain/roles/index.js';
import type { ImageChangeKind, ImageChangeState } from './types.js';

/** Every step an image change takes after its request, as the API, the audit log and the CLI name it. */
export type ImageStepName =
  | 'approve'
  | 'reject'
  | 'accept'
  | 'refresh'
  | 'confirm'
  | 'reopen'
  | 'signoff'
  | 'promote'
  | 'override'
  | 'deployed'
  | 'failed'
  | 'retry';

/** A text a step takes, and the body field it goes in. */
export interface ImageStepInput {
  label: string;
  field: 'reason' | 'information' | 'note' | 'error';
  /** Whether the step is offered without it (the dashboard refuses an empty required text). */
  required: boolean;
}

/**
 * Where a step is posted: on the request (`/api/v1/{kind}-requests/{id}/{action}`), or, for the
 * deployer's reports, on the instance its current stage deploys to
 * (`/api/v1/instances/{instanceId}/image/deployment/{action}`).
 */
export type ImageStepRoute = { on: 'request'; action: string } | { on: 'stage'; action: string };

export interface ImageStepRule {
  label: string;
  /** The states the step may be taken from; any other is refused as out of order. */
  from: readonly ImageChangeState[];
  /**
   * The states the step may leave the change in (runStep refuses any other as a bug), so the path
   * a change is sent (IMAGE_PATHS) names the step that really leads into each of its stages.
   */
  to: readonly ImageChangeState[];
  /** The permission the step's workflow asserts (src/domain/roles/permissions.ts). */
  permission: Action;
  route: ImageStepRoute;
  input: ImageStepInput | null;
  /** Body fields the step sends besides its input: the report it accepts, the override it claims. */
  fixed: 'reportHash' | 'override' | null;
  /** Approval: a trial that predicts breaks (or gave no prediction) must be acknowledged (issue 16). */
  acknowledgesBreaks: boolean;
}

const REVIEW_NOTE: ImageStepInput = { label: 'Review note', field: 'reason', required: true };

function step(
  rule: Pick<ImageStepRule, 'label' | 'from' | 'to' | 'permission' | 'route'> & Partial<ImageStepRule>,
): ImageStepRule {
  return { input: null, fixed: null, acknowledgesBreaks: false, ...rule };
}

/**
 * The deployer reports on the instance it deploys to, whichever kind of change deploys there; only
 * where a confirmed deployment leads differs: a rollback goes on to its next stage at once (or is
 * deployed), an upgrade waits on its test instance (or is completed).
 */
function deployerSteps(deployedTo: readonly ImageChangeState[]) {
  return {
    deployed: step({
      label: 'Report deployed',
      from: ['deploying'],
      to: deployedTo,
      permission: 'image.deploy.report',
      route: { on: 'stage', action: 'confirm' },
    }),
    failed: step({
      label: 'Report deployment failed',
      from: ['deploying'],
      to: ['deploy-failed'],
      permission: 'image.deploy.report',
      route: { on: 'stage', action: 'fail' },
      input: { label: 'What failed', field: 'error', required: false },
    }),
    retry: step({
      label: 'Retry deployment',
      from: ['deploy-failed'],
      to: ['deploying'],
      permission: 'image.deploy.report',
      route: { on: 'stage', action: 'retry' },
    }),
  } as const;
}

/**
 * Rollback: requested -> approved -> deploying -> deployed -> resolved; rejected ends it; a failed
 * deployment parks it in deploy-failed until retried; reopening sends it back to requested.
 * Upgrade: requested -> approved (production without a test instance only) | deploying (test) ->
 * on-test -> signed-off -> deploying (production) -> completed.
 * The order of each list is the order the steps are offered in.
 */
export const IMAGE_STEPS: Readonly<Record<ImageChangeKind, Partial<Record<ImageStepName, ImageStepRule>>>> = {
  rollback: {
    approve: step({
      label: 'Approve',
      from: ['requested'],
      to: ['approved'],
      permission: 'image.rollback.review',
      route: { on: 'request', action: 'approve' },
      input: REVIEW_NOTE,
      acknowledgesBreaks: true,
    }),
    reject: step({
      label: 'Reject',
      from: ['requested', 'approved'],
      to: ['rejected'],
      permission: 'image.rollback.review',
      route: { on: 'request', action: 'reject' },
      input: REVIEW_NOTE,
    }),
    accept: step({
      label: 'Accept responsibility',
      from: ['approved'],
      to: ['deploying'],
      permission: 'image.rollback.accept',
      route: { on: 'request', action: 'accept' },
      // The customer accepts the report they read: a changed report needs a renewed acceptance.
      fixed: 'reportHash',
    }),
    refresh: step({
      label: 'Refresh report',
      from: ['requested', 'approved'],
      to: ['requested', 'approved'],
      permission: 'image.change.refresh',
      route: { on: 'request', action: 'refresh' },
    }),
    // A rollback with a test stage goes on to production at once.
    ...deployerSteps(['deploying', 'deployed']),
    confirm: step({
      label: 'Confirm resolution',
      from: ['deployed'],
      to: ['resolved'],
      permission: 'image.rollback.resolve',
      route: { on: 'request', action: 'confirm' },
      input: { label: 'Validation note', field: 'note', required: false },
    }),
    reopen: step({
      label: 'Reopen',
      from: ['deployed'],
      to: ['requested'],
      permission: 'image.rollback.resolve',
      route: { on: 'request', action: 'reopen' },
      input: { label: 'What is still wrong', field: 'information', required: true },
    }),
  },
  upgrade: {
    approve: step({
      label: 'Approve',
      from: ['requested'],
      to: ['approved', 'deploying'],
      permission: 'image.upgrade.approve',
      route: { on: 'request', action: 'approve' },
      input: REVIEW_NOTE,
      acknowledgesBreaks: true,
    }),
    reject: step({
      label: 'Reject',
      from: ['requested', 'approved', 'on-test', 'signed-off'],
      to: ['rejected'],
      permission: 'image.upgrade.approve',
      route: { on: 'request', action: 'reject' },
      input: REVIEW_NOTE,
    }),
    ...deployerSteps(['on-test', 'completed']),
    signoff: step({
      label: 'Sign off on the test instance',
      from: ['on-test'],
      to: ['signed-off'],
      permission: 'image.upgrade.signoff',
      route: { on: 'request', action: 'signoff' },
      input: { label: 'Validation note', field: 'note', required: false },
    }),
    promote: step({
      label: 'Promote to production',
      from: ['signed-off'],
      to: ['deploying'],
      permission: 'image.upgrade.promote',
      route: { on: 'request', action: 'promote' },
    }),
    // "approved" is where an approved upgrade of production without a test instance waits.
    override: step({
      label: 'Promote without a test instance (override)',
      from: ['approved'],
      to: ['deploying'],
      permission: 'image.upgrade.override',
      route: { on: 'request', action: 'promote' },
      input: { label: 'Override reason', field: 'reason', required: true },
      fixed: 'override',
    }),
  },
};

/** The rule of `step` on a change of `kind`; throws for a step the kind does not take (a bug). */
export function imageStep(kind: ImageChangeKind, name: ImageStepName): ImageStepRule {
  const rule = IMAGE_STEPS[kind][name];
  if (rule === undefined) throw new Error(`A ${kind} takes no "${name}" step.`);
  return rule;
}

/** The roles that may take `step` (its permission's roles). */
export function stepRoles(kind: ImageChangeKind, name: ImageStepName): readonly Role[] {
  return PERMISSIONS[imageStep(kind, name).permission];
}

/** The steps a change of `kind` in `state` may take, in the table's order. */
export function stepsFrom(
  kind: ImageChangeKind,
  state: ImageChangeState,
): { name: ImageStepName; rule: ImageStepRule }[] {
  return (Object.entries(IMAGE_STEPS[kind]) as [ImageStepName, ImageStepRule][])
    .filter(([, rule]) => rule.from.includes(state))
    .map(([name, rule]) => ({ name, rule }));
}

/**
 * The permission that opens a change of each kind: its request workflow asserts it, the route admits
 * its roles, GET /api/v1/me tells the caller whether they hold it, and its roles own the first stage
 * of every path. One entry each, so who may start a change is said in one place.
 */
export const REQUEST_PERMISSION: Readonly<Record<ImageChangeKind, Action>> = {
  rollback: 'image.rollback.request',
  upgrade: 'image.upgrade.request',
};

/** The step that leads into a stage of a path: one of the table's, or the request that opens the change. */
export type ImagePathStep = ImageStepName | 'request';

/** The roles that may take `step` on a change of `kind`, the request included. */
export function pathStepRoles(kind: ImageChangeKind, name: ImagePathStep): readonly Role[] {
  return name === 'request' ? PERMISSIONS[REQUEST_PERMISSION[kind]] : stepRoles(kind, name);
}

/** One stage of a path: the state it reaches, what people call it, and the step that leads into it. */
export interface ImagePathRule {
  state: ImageChangeState;
  label: string;
  via: ImagePathStep;
  /** The deployment a deploying stage waits on, where a path deploys more than once (test, then production). */
  deployment?: 'test' | 'production';
}

export type ImagePathName = 'rollback' | 'upgrade-test-first' | 'upgrade-override' | 'upgrade-direct';

/**
 * The way forward of each kind, in order, with the detours (reject, a failed deployment, reopening)
 * left out. Which roles own each stage is not written here: it is the permission of the step named
 * in `via`, and every stage is checked against the table when this module loads (from the stage
 * before it, the step must be takeable and may lead into it), so a path cannot name a step the
 * workflow would not take there. An upgrade's path depends on its instance: test first when it has
 * a test instance; production without one waits for the provider admin's override; any other
 * instance without one is deployed directly.
 */
export const IMAGE_PATHS: Readonly<
  Record<ImagePathName, { kind: ImageChangeKind; stages: readonly ImagePathRule[] }>
> = {
  rollback: {
    kind: 'rollback',
    stages: [
      { state: 'requested', label: 'Requested', via: 'request' },
      { state: 'approved', label: 'Reviewed and approved', via: 'approve' },
      { state: 'deploying', label: 'Responsibility accepted, deploying', via: 'accept' },
      { state: 'deployed', label: 'Deployed', via: 'deployed' },
      { state: 'resolved', label: 'Resolution confirmed', via: 'confirm' },
    ],
  },
  'upgrade-test-first': {
    kind: 'upgrade',
    stages: [
      { state: 'requested', label: 'Requested', via: 'request' },
      { state: 'deploying', label: 'Approved, deploying to test', via: 'approve', deployment: 'test' },
      { state: 'on-test', label: 'Live on the test instance', via: 'deployed' },
      { state: 'signed-off', label: 'Signed off on test', via: 'signoff' },
      {
        state: 'deploying',
        label: 'Promoted, deploying to production',
        via: 'promote',
        deployment: 'production',
      },
      { state: 'completed', label: 'Live in production', via: 'deployed' },
    ],
  },
  'upgrade-override': {
    kind: 'upgrade',
    stages: [
      { state: 'requested', label: 'Requested', via: 'request' },
      { state: 'approved', label: 'Approved (no test instance)', via: 'approve' },
      { state: 'deploying', label: 'Override given, deploying to production', via: 'override' },
      { state: 'completed', label: 'Live in production', via: 'deployed' },
    ],
  },
  'upgrade-direct': {
    kind: 'upgrade',
    stages: [
      { state: 'requested', label: 'Requested', via: 'request' },
      { state: 'deploying', label: 'Approved, deploying', via: 'approve' },
      { state: 'completed', label: 'Deployed', via: 'deployed' },
    ],
  },
};

/** Why a path of `kind` disagrees with the table, or null: each stage is reached by its step from the stage before. */
export function pathDisagreement(kind: ImageChangeKind, stages: readonly ImagePathRule[]): string | null {
  const name = `the ${kind} path`;
  for (const [index, stage] of stages.entries()) {
    if (index === 0) {
      // openImageChange stores every new change as requested.
      if (stage.via !== 'request' || stage.state !== 'requested')
        return `${name} does not start with the request`;
      continue;
    }
    if (stage.via === 'request') return `${name}: only the first stage is reached by the request`;
    const rule = IMAGE_STEPS[kind][stage.via];
    const before = stages[index - 1]!.state;
    if (rule === undefined) return `${name}: the ${kind} table has no "${stage.via}" step`;
    if (!rule.from.includes(before)) return `${name}: "${stage.via}" is not taken from ${before}`;
    if (!rule.to.includes(stage.state)) return `${name}: "${stage.via}" does not lead to ${stage.state}`;
  }
  return null;
}

// A path that names a step the table does not allow there is a bug: the server refuses to start.
for (const [name, { kind, stages }] of Object.entries(IMAGE_PATHS)) {
  const disagreement = pathDisagreement(kind, stages);
  if (disagreement !== null)
    throw new Error(`The image change path ${name} disagrees with the table: ${disagreement}.`);
}

/** What a state waits for, in words, and the steps that end the wait (refresh and reject do not). */
interface Awaited {
  phrase: string;
  steps: readonly ImageStepName[];
  /** The policy sentence the step enforces. */
  policy: string;
}

const VALIDATE =
  'Datacoves validates the request and confirms target version availability, including a review of potential dependency conflicts with other libraries in the image.';
const DEPLOY = "The image configuration is updated and deployed to the customer's environment.";
const RESPONSIBILITY =
  'If a rollback introduces new issues ..., the customer assumes responsibility for resolving those downstream effects.';
const CONFIRM = 'The customer validates the rollback and confirms resolution.';
const TEST_FIRST = 'Test before promoting to production.';

const DEPLOYING: Awaited = {
  phrase: 'deploy confirm or fail',
  steps: ['deployed', 'failed'],
  policy: DEPLOY,
};
const DEPLOY_FAILED: Awaited = { phrase: 'deploy retry', steps: ['retry'], policy: DEPLOY };
const REVIEW: Awaited = { phrase: 'approve or reject', steps: ['approve', 'reject'], policy: VALIDATE };

const AWAITED: Record<ImageChangeKind, Partial<Record<ImageChangeState, Awaited>>> = {
  rollback: {
    requested: REVIEW,
    approved: { phrase: 'accept responsibility', steps: ['accept'], policy: RESPONSIBILITY },
    deploying: DEPLOYING,
    'deploy-failed': DEPLOY_FAILED,
    deployed: { phrase: 'confirm or reopen', steps: ['confirm', 'reopen'], policy: CONFIRM },
  },
  upgrade: {
    requested: REVIEW,
    approved: {
      phrase: 'promote with the no-test-instance override',
      steps: ['override'],
      policy: TEST_FIRST,
    },
    deploying: DEPLOYING,
    'deploy-failed': DEPLOY_FAILED,
    'on-test': { phrase: 'sign off on the test instance', steps: ['signoff'], policy: TEST_FIRST },
    'signed-off': { phrase: 'promote', steps: ['promote'], policy: TEST_FIRST },
  },
};

/** The step a state waits for, with the roles that own it: read by refusals, notifications, the status strip. */
export interface NextStep {
  step: string;
  roles: readonly Role[];
  policy: string;
}

function awaitedStep(kind: ImageChangeKind, state: ImageChangeState): NextStep | undefined {
  const awaited = AWAITED[kind][state];
  if (awaited === undefined) return undefined;
  const roles = [...new Set(awaited.steps.flatMap((name) => stepRoles(kind, name)))];
  return { step: awaited.phrase, roles, policy: awaited.policy };
}

function awaitedOf(kind: ImageChangeKind): Partial<Record<ImageChangeState, NextStep>> {
  const states = Object.keys(AWAITED[kind]) as ImageChangeState[];
  return Object.fromEntries(states.map((state) => [state, awaitedStep(kind, state)]));
}

/** Who owns the step each state waits for (roles from the steps' permissions): every out-of-order refusal names it. */
export const NEXT_STEPS: Record<ImageChangeKind, Partial<Record<ImageChangeState, NextStep>>> = {
  rollback: awaitedOf('rollback'),
  upgrade: awaitedOf('upgrade'),
};

/** The awaited steps of every state, by name, for the test that holds them to the table. */
export function awaitedStepNames(kind: ImageChangeKind, state: ImageChangeState): readonly ImageStepName[] {
  return AWAITED[kind][state]?.steps ?? [];
}
