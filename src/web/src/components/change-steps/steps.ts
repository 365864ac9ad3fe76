import type { ReactNode } from 'react';
import { seg } from '../../api';
import { requestPath } from '../../image-requests';
import type { ChangeState, ImageChange } from '../../image-types';
import type { Role } from '../../types';
import { breaksToAcknowledge } from '../image-change/trial';
import { currentStage } from './current-stage';

/** A text a step needs, and the body field it goes in. */
export interface StepInput {
  label: string;
  field: 'reason' | 'information' | 'note' | 'error';
  required: boolean;
}

/** One step on an image change's path: who may take it, in which states, and where it is posted. */
export interface ChangeStep<Name extends string = string> {
  step: Name;
  label: string;
  /** Who owns it (src/domain/roles/permissions.ts: image.*). */
  owners: Role[];
  from: ChangeState[];
  input?: StepInput;
  tone?: 'primary' | 'danger';
  /** A deployer's report is about one instance: the viewer must see which before clicking. */
  onCurrentStage?: true;
  route: (change: ImageChange) => string;
  /** Fields sent besides the input's text. */
  body?: (change: ImageChange) => Record<string, unknown>;
  /** What the viewer must read before taking it. */
  intro?: (change: ImageChange) => ReactNode;
  /**
   * A statement the viewer must tick before taking it (sent as `acknowledgeBreaks: true`); null
   * when the change needs none. Approval of a change its trial says breaks a project (issue 16).
   */
  acknowledge?: (change: ImageChange) => string | null;
}

export function stepLabel(step: ChangeStep, change: ImageChange): string {
  return step.onCurrentStage ? `${step.label} on ${currentStage(change).instanceName}` : step.label;
}

/** A step on the request itself: `/api/v1/{kind}-requests/{id}/{action}`. */
export function requestStep(action: string): (change: ImageChange) => string {
  return (change) => `${requestPath(change.kind, change.id)}/${action}`;
}

const REVIEW_NOTE: StepInput = { label: 'Review note', field: 'reason', required: true };

/**
 * A provider engineer reviews every image change (image.*.approve, image.*.reject); each workflow
 * allows a rejection up to a different point on its path.
 */
export function reviewSteps(rejectFrom: ChangeState[]): [ChangeStep<'approve'>, ChangeStep<'reject'>] {
  return [
    {
      step: 'approve',
      label: 'Approve',
      owners: ['provider-engineer'],
      from: ['requested'],
      input: REVIEW_NOTE,
      tone: 'primary',
      route: requestStep('approve'),
      acknowledge: breaksToAcknowledge,
    },
    {
      step: 'reject',
      label: 'Reject',
      owners: ['provider-engineer'],
      from: rejectFrom,
      input: REVIEW_NOTE,
      tone: 'danger',
      route: requestStep('reject'),
    },
  ];
}

// image.deploy.report: the deployer reports on the instance it deploys to, not on the request.
const DEPLOYERS: Role[] = ['provider-admin', 'provider-engineer'];
const deploymentStep =
  (action: 'confirm' | 'fail' | 'retry') =>
  (change: ImageChange): string =>
    `/api/v1/instances/${seg(currentStage(change).instanceId)}/image/deployment/${action}`;

const REPORT_DEPLOYED: ChangeStep<'deployed'> = {
  step: 'deployed',
  label: 'Report deployed',
  owners: DEPLOYERS,
  from: ['deploying'],
  tone: 'primary',
  onCurrentStage: true,
  route: deploymentStep('confirm'),
};

const REPORT_FAILED: ChangeStep<'failed'> = {
  step: 'failed',
  label: 'Report deployment failed',
  owners: DEPLOYERS,
  from: ['deploying'],
  input: { label: 'What failed', field: 'error', required: false },
  onCurrentStage: true,
  route: deploymentStep('fail'),
};

/** The deployer's reports on the stage it deploys: every image change goes through them. */
export const DEPLOYER_REPORTS: [ChangeStep<'deployed'>, ChangeStep<'failed'>] = [
  REPORT_DEPLOYED,
  REPORT_FAILED,
];

export const RETRY_DEPLOYMENT: ChangeStep<'retry'> = {
  step: 'retry',
  label: 'Retry deployment',
  owners: DEPLOYERS,
  from: ['deploy-failed'],
  tone: 'primary',
  onCurrentStage: true,
  route: deploymentStep('retry'),
};

/** Said where no step waits although the change has not ended. */
export function noStepWaiting(change: ImageChange): string {
  return `No step is waiting in state “${change.state}”.`;
}
