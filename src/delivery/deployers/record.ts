import type { Deployer } from './types.js';

/**
 * Deploys nothing: an engineer updates the instance by hand and confirms through the API or CLI.
 * The revision stays pending until then.
 */
export function createRecordDeployer(): Deployer {
  return {
    kind: 'record',
    deploy: () => Promise.resolve({ status: 'awaiting-confirmation' }),
  };
}
