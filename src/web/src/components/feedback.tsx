import type { ReactNode } from 'react';
import type { ApiError } from '../api';

/** A refusal or failure in words: what happened, why (policy), what to do instead (remedy). */
export function ErrorBox({ error, title }: { error: ApiError; title?: string }) {
  const { problem } = error;
  return (
    <div className="problem" role="alert">
      <p className="problem-title">
        {title ?? problem.title ?? 'Something went wrong'}
        {error.status > 0 ? <span className="muted"> (HTTP {error.status})</span> : null}
      </p>
      <p>{problem.detail ?? error.message}</p>
      {problem.policy ? (
        <p className="muted">
          Policy: <code>{problem.policy}</code>
        </p>
      ) : null}
      {problem.remedy ? (
        <p>
          <strong>What to do: </strong>
          {problem.remedy}
        </p>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** For workflows whose routes this server does not (yet) offer. */
export function NotAvailable({ what, route }: { what: string; route: string }) {
  return (
    <div className="empty" role="note">
      <p>
        <strong>{what} is not available on this server.</strong>
      </p>
      <p className="muted">
        It does not offer <code>{route}</code> (see <a href="/openapi.json">/openapi.json</a>). Upgrade
        Ratchet to a version with this workflow.
      </p>
    </div>
  );
}
