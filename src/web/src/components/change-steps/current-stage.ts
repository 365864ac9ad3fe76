import type { ImageChange } from '../../image-types';

/** The stage the deployer works on now: the test instance first, then production. */
export function currentStage(change: ImageChange): { instanceId: string; instanceName: string } {
  const stage =
    change.stages.find((s) => s.status === 'pending' || s.status === 'failed') ??
    change.stages.find((s) => s.status === 'waiting');
  return stage ?? { instanceId: change.instanceId, instanceName: change.report.instance.name };
}
