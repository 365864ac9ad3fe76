import type { Action } from '../../async';
import { ErrorBox } from '../feedback';

/** A new request's submit button: the server reviews the request before answering, which takes a while. */
export function SubmitRequest({
  action,
  label,
  reviewing,
}: {
  action: Pick<Action, 'busy' | 'error'>;
  label: string;
  /** What the button says while the server reviews the request. */
  reviewing: string;
}) {
  return (
    <>
      <button type="submit" className="primary" disabled={action.busy}>
        {action.busy ? reviewing : label}
      </button>
      {action.error ? <ErrorBox error={action.error} title="The request was refused" /> : null}
    </>
  );
}
