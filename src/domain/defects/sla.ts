import type { Defect, SeverityDefinition, SlaClock } from './types.js';

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/**
 * The SLA clocks of a defect at `now` (computed at read time from the store clock, never stored).
 * Response runs from the report until triage, against the reporter's suggested severity (the only
 * one known while that clock runs, so a later re-grading cannot erase a breach); resolution runs from
 * the report until the fix is deployed or the defect is closed, against the triaged severity.
 */
export function slaClocks(
  defect: Pick<
    Defect,
    'reportedAt' | 'triagedAt' | 'deployedAt' | 'closedAt' | 'severity' | 'suggestedSeverity'
  >,
  definitions: Readonly<Record<number, SeverityDefinition>>,
  now: Date,
): SlaClock[] {
  const reported = definitions[defect.suggestedSeverity]!;
  const triaged = definitions[defect.severity ?? defect.suggestedSeverity]!;
  const clock = (name: SlaClock['clock'], minutes: number, metAt: string | null): SlaClock => {
    const targetAt = plusMinutes(defect.reportedAt, minutes);
    const stop = metAt === null ? now.getTime() : Date.parse(metAt);
    return { clock: name, targetAt, metAt, breached: stop > Date.parse(targetAt) };
  };
  return [
    clock('response', reported.responseMinutes, defect.triagedAt),
    clock('resolution', triaged.resolutionMinutes, defect.deployedAt ?? defect.closedAt),
  ];
}
