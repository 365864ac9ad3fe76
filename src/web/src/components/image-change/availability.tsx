import type { ImageChange } from '../../image-types';
import { Empty } from '../feedback';

/** Whether each requested version exists on the index and installs on the instance's Python. */
export function Availability({ change }: { change: ImageChange }) {
  const { availability } = change.report;
  if (availability.length === 0) return <Empty>No availability check in this report.</Empty>;
  return (
    <ul className="plain-list">
      {availability.map((a) => (
        <li key={a.requested}>
          <p>
            <code className="wrap">{a.requested}</code>{' '}
            <span className={a.available ? 'badge badge-deployed' : 'badge badge-failed'}>
              {a.available ? 'available' : 'not available'}
            </span>
          </p>
          <p className="small wrap">
            {a.usable.length > 0
              ? `Usable on Python ${change.report.python}: ${a.usable.join(', ')}`
              : 'No matching version can be installed.'}
          </p>
          {a.unusable.length > 0 ? (
            <ul className="small">
              {a.unusable.map((u) => (
                <li key={u.version} className="wrap">
                  {u.version}: {u.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
