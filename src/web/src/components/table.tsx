import type { ReactNode } from 'react';

/**
 * A data table whose caption names it for screen readers (and for `getByRole('table', { name })`)
 * without repeating the heading above it.
 */
export function Table({
  caption,
  columns,
  className,
  children,
}: {
  caption?: string;
  columns: ReactNode[];
  className?: string;
  /** The body rows. */
  children: ReactNode;
}) {
  return (
    <table className={className}>
      {caption ? <caption className="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, index) => (
            // Columns are fixed per table: their position is their identity.
            <th key={index} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
