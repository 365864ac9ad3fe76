import { seg } from '../../api';
import type { ImageChange } from '../../image-types';
import { Link } from '../../router';
import { StatusBadge } from '../status-badge';
import { When } from '../when';
import { changeTitle, pagesOf } from '../../image-requests';

/** The top of a request's page: where it sits, what it asks for, who asked and why. */
export function ChangeHeader({ change }: { change: ImageChange }) {
  const { report } = change;
  const { list } = pagesOf(change.kind);
  return (
    <>
      <p className="breadcrumb">
        <Link to={list.to}>{list.label}</Link> /{' '}
        <Link to={`/instances/${seg(change.instanceId)}`}>{report.instance.name}</Link>
      </p>
      <h1 className="wrap">{changeTitle(change, report.instance.name)}</h1>
      <p className="lede">
        <StatusBadge status={change.state} /> requested by a {change.requestedRole}{' '}
        <When at={change.createdAt} /> · image revision {report.currentRevision ?? '—'} · Python{' '}
        {report.python}
      </p>
      <p className="why">
        <span className="muted">Why: </span>
        {change.reason}
      </p>
    </>
  );
}
