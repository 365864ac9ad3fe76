export type { PrereleaseMode, PythonProviderOptions, ReleaseNotice } from './types.js';
export { PYTHON, extraIdentity, isDistribution, parseIdentity } from './identity.js';
export type { PackageIdentity } from './identity.js';
export { createPythonProvider, sameVersion } from './provider.js';
export type { PythonDependencyProvider } from './provider.js';
