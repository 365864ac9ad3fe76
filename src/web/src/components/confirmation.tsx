/**
 * What a step did, said once it succeeded (issue 17: Approve, Accept, Deploy, Triage and Sign off
 * gave no sign they had worked). A polite live region, so screen readers announce it too; not
 * role="status", which pages keep for where a change stands.
 */
export function Confirmation({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p className="confirmation" aria-live="polite" data-testid="confirmation">
      <span aria-hidden="true">✓ </span>
      {message}
    </p>
  );
}
