import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import type { ImageChangeRecord } from './types.js';

/**
 * Hears every image step after its transaction committed, with the actor who took it. A step that
 * leaves the change `deploying` has a pending revision for the deployer: the deployers plug in here
 * (installDeployerHandOff), so the workflow, not its caller, decides when a revision leaves.
 */
export type CommittedStepListener = (change: ImageChangeRecord, actor: Actor) => void;

// One listener per store: the server that opened it. A process without one (CLI tools, workflow
// tests) hands nothing off, as before.
const listeners = new WeakMap<Store, CommittedStepListener>();

/** Installs the listener for `store`; the returned function removes it again (server close). */
export function onCommittedImageStep(store: Store, listener: CommittedStepListener): () => void {
  listeners.set(store, listener);
  return () => {
    if (listeners.get(store) === listener) listeners.delete(store);
  };
}

/** Called by runStep once the step's transaction committed: never inside it (a rollback would hand off nothing real). */
export function announceCommittedStep(store: Store, actor: Actor, change: ImageChangeRecord): void {
  listeners.get(store)?.(change, actor);
}
