import { Link } from '../../router';
import { StatusBadge } from '../status-badge';
import { Table } from '../table';
import { When } from '../when';
import { changePagePath, changeTitle } from '../../image-requests';
import type { ListedChange } from '../../image-requests';

/** Requests, each linked to its page; the instance column is left out on an instance's own page. */
export function RequestTable({
  rows,
  caption,
  showInstance,
}: {
  rows: ListedChange[];
  caption: string;
  showInstance: boolean;
}) {
  const columns = ['Request', ...(showInstance ? ['Instance'] : []), 'State', 'Why', 'Requested'];
  return (
    <Table caption={caption} columns={columns}>
      {rows.map(({ change, instance }) => (
        <tr key={change.id}>
          <th scope="row" className="wrap">
            <Link to={changePagePath(change)}>{changeTitle(change)}</Link>
          </th>
          {showInstance ? <td>{instance.name}</td> : null}
          <td>
            <StatusBadge status={change.state} />
          </td>
          <td className="wrap">{change.reason}</td>
          <td>
            <When at={change.createdAt} />
          </td>
        </tr>
      ))}
    </Table>
  );
}
