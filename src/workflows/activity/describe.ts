import type { ChangeKind } from './types.js';

/** What an activity entry needs to know about its change to say what happened in words. */
export interface DescribeContext {
  kind: ChangeKind;
  /** Instance names by id (deployment stages, rollout targets). */
  instanceNames: ReadonlyMap<string, string>;
  /** User names by id (assignees). */
  userNames: ReadonlyMap<string, string>;
}

type After = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function instanceName(context: DescribeContext, id: unknown): string {
  return typeof id === 'string' ? (context.instanceNames.get(id) ?? id) : 'its instance';
}

function revisionOf(after: After): string {
  return typeof after.revision === 'number' ? `revision ${String(after.revision)}` : 'the revision';
}

/** Issue 16: an approval given although the review's trial predicts breaks (or predicted nothing). */
function acknowledgedBreaks(after: After): string {
  const ack = after.acknowledgedBreaks as
    { trialId?: unknown; trialState?: unknown; projects?: unknown } | undefined;
  if (ack === undefined || ack === null) return '';
  const projects = Array.isArray(ack.projects) ? ack.projects.filter((p) => typeof p === 'string') : [];
  const trial = typeof ack.trialId === 'string' ? `trial ${ack.trialId}` : 'the trial';
  return projects.length > 0
    ? `, acknowledging that ${trial} predicts the change breaks ${projects.join(', ')}`
    : `, acknowledging that ${trial} (${String(ack.trialState)}) predicted nothing`;
}

function imageStep(step: string, after: After, context: DescribeContext): string {
  const kind = context.kind;
  switch (step) {
    case 'request':
      return `requested the ${kind}`;
    case 'approve': {
      const approved =
        after.urgent === true ? `approved the ${kind} (urgent: production first)` : `approved the ${kind}`;
      return `${approved}${acknowledgedBreaks(after)}`;
    }
    case 'reject':
      return `rejected the ${kind}`;
    case 'accept':
      return 'accepted responsibility for downstream effects, bound to the report';
    case 'refresh':
      return after.changed === true ? 'rebuilt the report: it changed' : 'rebuilt the report: unchanged';
    case 'confirm': {
      const pins = Array.isArray(after.pins) ? (after.pins as { package: string; version: string }[]) : [];
      const held = pins.map((pin) => `${pin.package} held at ${pin.version}`).join(', ');
      return held === '' ? 'confirmed resolution' : `confirmed resolution; rollback pin: ${held}`;
    }
    case 'reopen':
      return 'reopened it: the rollback did not resolve the issue';
    case 'signoff':
      return 'signed off on the test instance';
    case 'promote':
      return after.override === true
        ? 'promoted it to production (provider-admin override: no test instance)'
        : 'promoted it to production';
    case 'deployed':
      return `reported ${revisionOf(after)} live on ${instanceName(context, after.instanceId)}`;
    case 'failed':
      return `reported the deployment of ${revisionOf(after)} to ${instanceName(context, after.instanceId)} failed`;
    case 'retry':
      return `retried the deployment of ${revisionOf(after)}`;
    default:
      return step;
  }
}

function defectStep(action: string, after: After, context: DescribeContext): string {
  switch (action) {
    case 'defect.report':
      return 'reported the defect';
    case 'defect.triage': {
      const assignee = text(after.assigneeUserId);
      const who =
        assignee === null ? '' : `, assigned to ${context.userNames.get(assignee) ?? 'a provider user'}`;
      const since = text(after.regressedIn) === null ? '' : `, regressed in ${String(after.regressedIn)}`;
      return `triaged it: severity ${String(after.severity)}${who}${since}`;
    }
    case 'defect.fix-in-progress':
      // The same state after "start fix" and after linking a hotfix not yet on the test instance.
      return text(after.fixedByRelease) === null
        ? 'started the fix'
        : `linked hotfix ${String(after.fixedByRelease)}`;
    case 'defect.fix-in-test':
      return `linked hotfix ${String(after.fixedByRelease)}: on the test instance`;
    case 'defect.deployed':
      return `hotfix ${String(after.fixedByRelease)} deployed; the reporter was notified`;
    case 'defect.close.not-a-defect':
      return 'closed it as not a defect';
    case 'defect.close.duplicate':
      return 'closed it as a duplicate';
    case 'defect.resolve':
      return 'confirmed it resolved';
    case 'defect.reopen':
      return 'reopened it: not fixed';
    case 'defect.sla-breached':
      return 'SLA clock breached';
    default:
      return action.replace(/^defect\./, '');
  }
}

function infrastructureStep(action: string, after: After): string {
  switch (action) {
    case 'infrastructure.change.plan':
      return 'planned the change and invited the customer to test it';
    case 'infrastructure.change.signoff':
      return `signed off the testing for the ${String(after.party)}`;
    case 'infrastructure.change.apply':
      return after.outsideWindow === undefined
        ? 'applied it (final)'
        : 'applied it outside its window (final)';
    case 'infrastructure.change.apply.override':
      return 'overrode the planned window (provider-admin)';
    default:
      return action;
  }
}

function platformStep(action: string, after: After, target: string, context: DescribeContext): string {
  const instanceId = target.includes('/') ? target.slice(target.indexOf('/') + 1) : null;
  switch (action) {
    case 'platform.release.publish': {
      const fixes = Array.isArray(after.fixes) ? after.fixes.length : 0;
      return fixes === 0 ? 'published the release' : 'published the release as a hotfix';
    }
    case 'platform.rollout':
      return `rolled it out to ${instanceName(context, instanceId)} (${revisionOf(after)})`;
    case 'platform.rollout.override':
      return `rolled it out to ${instanceName(context, instanceId)} (${revisionOf(after)}, test-first override)`;
    default:
      return action;
  }
}

/** One audit entry of a change, said in words ("approved the rollback"). */
export function describeStep(action: string, target: string, after: After, context: DescribeContext): string {
  if (action.startsWith('image.')) return imageStep(action.split('.').at(-1) ?? action, after, context);
  if (action.startsWith('defect.')) return defectStep(action, after, context);
  if (action.startsWith('infrastructure.')) return infrastructureStep(action, after);
  if (action.startsWith('platform.')) return platformStep(action, after, target, context);
  return action;
}

/** The note, reason or information an entry's `after` carries; null when it carries none. */
export function noteOf(after: After): string | null {
  const override = after.override as { reason?: unknown } | undefined;
  return (
    text(after.note) ??
    text(after.reason) ??
    text(after.information) ??
    text(after.overrideReason) ??
    text(override?.reason) ??
    text(after.error) ??
    null
  );
}
