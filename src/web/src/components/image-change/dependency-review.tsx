import type { ImageChange } from '../../image-types';
import { Table } from '../table';

/** The package moves the requested versions force, and what breaks if only the requested package moved. */
export function DependencyReview({ change }: { change: ImageChange }) {
  const { review } = change.report;
  return (
    <>
      {!review.feasible ? (
        <p className="problem">No consistent image contains the requested versions.</p>
      ) : null}
      {review.changes.length > 0 ? (
        <Table
          className="diff"
          caption="Package moves: from and to"
          columns={['Package', 'From → to', 'Why it moves']}
        >
          {review.changes.map((move) => (
            <tr key={move.name}>
              <th scope="row" className="wrap">
                {move.name}
              </th>
              <td className="mono wrap">
                {move.from} → {move.to}
              </td>
              <td className="small">{move.requested ? 'requested' : 'co-change'}</td>
            </tr>
          ))}
          {review.added.map((pin) => (
            <tr key={pin.name}>
              <th scope="row" className="wrap">
                {pin.name}
              </th>
              <td className="mono wrap">(new) → {pin.version}</td>
              <td className="small">added</td>
            </tr>
          ))}
        </Table>
      ) : null}
      {review.conflictsIfAlone.length > 0 ? (
        <>
          <h3>Conflicts if only the requested package moved</h3>
          <ul className="small">
            {review.conflictsIfAlone.map((v) => (
              <li key={`${v.package}-${v.requires}`} className="wrap">
                {v.package} {v.version} requires <code>{v.requires}</code>
                {v.found ? `, but would find ${v.found}` : ', which would be missing'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="explanation wrap">{review.explanation}</p>
    </>
  );
}
