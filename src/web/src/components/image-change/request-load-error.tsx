import type { ApiError } from '../../api';
import { Link } from '../../router';
import { ErrorBox } from '../feedback';
import { pagesOf } from '../../image-requests';
import type { ChangeKind } from '../../image-requests';

/** A request that failed to load; a missing one (or another tenant's) gets a way back to the list. */
export function RequestLoadError({ error, kind }: { error: ApiError; kind: ChangeKind }) {
  if (error.status !== 404) return <ErrorBox error={error} />;
  const { noun, list } = pagesOf(kind);
  return (
    <div className="empty" role="alert">
      <h1>{noun} not found</h1>
      <p>{error.problem.detail}</p>
      <p>
        <Link to={list.to}>All {noun.toLowerCase()}s</Link>
      </p>
    </div>
  );
}
