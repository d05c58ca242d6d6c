import type { ReactNode } from 'react';

/**
 * A table in its own scrolling region: at 360 px the page stays put and the table scrolls,
 * by keyboard too (the region is focusable and named, as axe's scrollable-region rule asks).
 */
export function DataTable({ labelledBy, label, columns, children }: { labelledBy?: string; label?: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby={labelledBy} aria-label={label} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
