/*
 * The steps an image change may take next, as one viewer sees them (issue 18): read from the same
 * table the workflow enforces (machine.ts), so a client offers exactly what the workflow accepts
 * from that viewer's role and never keeps its own copy of owners and states.
 */
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Role } from '../../domain/roles/index.js';
import type { Repositories } from '../../store/index.js';
import type { TrialView } from '../trial/index.js';
import { stepsFrom } from './machine.js';
import type { ImageStepInput, ImageStepName, ImageStepRule } from './machine.js';
import { acknowledgementStatement, trialVerdictForApproval } from './trial-acknowledgement.js';
import { reviewTrialOf } from './trial-step.js';
import type { DeploymentStage, ImageChangeRecord } from './types.js';

/** The deployment a deployer's report is about. */
export interface NextStepStage {
  instanceId: string;
  instanceName: string;
  purpose: DeploymentStage['purpose'];
  /** The image revision with the deployer (pending) or that failed; null before it exists. */
  revision: number | null;
}

/** Body fields a step sends besides its input. */
export interface NextStepBody {
  /** Acceptance: the report the customer read (a changed report needs a renewed acceptance). */
  reportHash?: string;
  /** The provider admin's override: production without a test instance. */
  overrideNoTestInstance?: boolean;
}

/** One step an image change may take now, for the viewer who asked. */
export interface ImageNextStep {
  step: ImageStepName;
  /** What a button says; a deployer's report names the instance it is about. */
  label: string;
  /** The roles that own it (src/domain/roles/permissions.ts). */
  roles: Role[];
  /** Whether the viewer's role may take it; the others are shown with their owners. */
  allowed: boolean;
  method: 'POST';
  path: string;
  /** The text it takes, and the body field it goes in; null when it takes none. */
  input: ImageStepInput | null;
  body: NextStepBody;
  /**
   * The sentence the viewer must acknowledge first (sent as `acknowledgeBreaks: true`): an approval
   * of a change its trial says breaks a project, or that has no prediction (issue 16); null when none.
   */
  acknowledge: string | null;
  /** Deployer reports: the deployment they are about; null for steps on the request. */
  stage: NextStepStage | null;
}

/** The stage the deployer works on now: a pending or failed one, else the next waiting one. */
function currentStage(change: ImageChangeRecord): NextStepStage {
  const stage =
    change.stages.find((s) => s.status === 'pending' || s.status === 'failed') ??
    change.stages.find((s) => s.status === 'waiting');
  if (stage === undefined) {
    return {
      instanceId: change.instanceId,
      instanceName: change.report.instance.name,
      purpose: 'target',
      revision: null,
    };
  }
  const { instanceId, instanceName, purpose, revision } = stage;
  return { instanceId, instanceName, purpose, revision };
}

function bodyOf(rule: ImageStepRule, change: ImageChangeRecord): NextStepBody {
  if (rule.fixed === 'reportHash') return { reportHash: change.reportHash };
  if (rule.fixed === 'override') return { overrideNoTestInstance: true };
  return {};
}

/**
 * The steps `change` may take from its state, each with whether `role` may take it, where it is
 * posted and what it needs. `acknowledge` is the statement an approval needs (see trialStatement).
 */
export function nextStepsFor(
  change: ImageChangeRecord,
  role: Role,
  acknowledge: string | null,
): ImageNextStep[] {
  return stepsFrom(change.kind, change.state).map(({ name, rule }) => {
    const roles = [...PERMISSIONS[rule.permission]];
    const stage = rule.route.on === 'stage' ? currentStage(change) : null;
    const path =
      stage === null
        ? `/api/v1/${change.kind}-requests/${encodeURIComponent(change.id)}/${rule.route.action}`
        : `/api/v1/instances/${encodeURIComponent(stage.instanceId)}/image/deployment/${rule.route.action}`;
    return {
      step: name,
      label: stage === null ? rule.label : `${rule.label} on ${stage.instanceName}`,
      roles,
      allowed: roles.includes(role),
      method: 'POST',
      path,
      input: rule.input,
      body: bodyOf(rule, change),
      acknowledge: rule.acknowledgesBreaks ? acknowledge : null,
      stage,
    };
  });
}

/** The acknowledgement an approval of the change needs, given its review's trial. */
export function trialStatement(trial: TrialView | null): string | null {
  return acknowledgementStatement(trialVerdictForApproval(trial));
}

/**
 * The change with its next steps for a viewer of `role`. The review's trial is read only when a step
 * from the change's state needs it (approval).
 */
export async function withNextSteps<T extends ImageChangeRecord>(
  repos: Repositories,
  role: Role,
  change: T,
  trial?: TrialView | null,
): Promise<T & { nextSteps: ImageNextStep[] }> {
  const needsTrial = stepsFrom(change.kind, change.state).some(({ rule }) => rule.acknowledgesBreaks);
  const statement = needsTrial
    ? trialStatement(trial !== undefined ? trial : await reviewTrialOf(repos, change))
    : null;
  return { ...change, nextSteps: nextStepsFor(change, role, statement) };
}
