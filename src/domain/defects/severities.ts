import type { Severity, SeverityDefinition } from './types.js';

export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4];

/**
 * Built-in severity definitions and SLA targets, used until a provider admin stores its own
 * (`severity_definitions`). Response = time to triage; resolution = time until the fix is deployed.
 */
export const DEFAULT_SEVERITIES: Readonly<Record<Severity, SeverityDefinition>> = {
  1: {
    severity: 1,
    name: 'Critical',
    definition: 'Production is down or data is being lost or corrupted, and there is no workaround.',
    responseMinutes: 60,
    resolutionMinutes: 24 * 60,
  },
  2: {
    severity: 2,
    name: 'High',
    definition:
      'A major function (scheduling, a pipeline family, deployments) is impaired; a workaround is costly.',
    responseMinutes: 4 * 60,
    resolutionMinutes: 3 * 24 * 60,
  },
  3: {
    severity: 3,
    name: 'Medium',
    definition: 'A function misbehaves but a reasonable workaround exists.',
    responseMinutes: 24 * 60,
    resolutionMinutes: 14 * 24 * 60,
  },
  4: {
    severity: 4,
    name: 'Low',
    definition: 'A cosmetic problem or a question; no pipeline is affected.',
    responseMinutes: 3 * 24 * 60,
    resolutionMinutes: 60 * 24 * 60,
  },
};

export function isSeverity(value: unknown): value is Severity {
  return value === 1 || value === 2 || value === 3 || value === 4;
}
