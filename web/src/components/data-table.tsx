import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';

/** Columns carry their label in `meta`: the phone layout shows it beside each value. */
const labelOf = (meta: unknown): string => (typeof meta === 'string' ? meta : '');

export interface DataTableProps<T> {
  data: T[];
  columns: Array<ColumnDef<T, unknown>>;
  caption: string;
  /** Server-side sorting: the table shows the state and reports header clicks, never sorts rows itself. */
  sorting?: SortingState;
  onSortingChange?: (next: SortingState) => void;
  rowKey: (row: T) => string;
}

/**
 * TanStack Table, headless, rendered as a real <table> (screen readers announce headers and sort
 * state). Sorting is manual: the rows are one server page, so sorting them here would lie.
 */
export function DataTable<T>(props: DataTableProps<T>): ReactNode {
  const table = useReactTable<T>({
    data: props.data,
    columns: props.columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableSorting: Boolean(props.onSortingChange),
    state: { sorting: props.sorting ?? [] },
    onSortingChange: (updater) => {
      const prev = props.sorting ?? [];
      props.onSortingChange?.(typeof updater === 'function' ? updater(prev) : updater);
    },
    getRowId: props.rowKey,
  });
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                const canSort = h.column.getCanSort();
                const label = flexRender(h.column.columnDef.header, h.getContext());
                return (
                  <th
                    key={h.id}
                    scope="col"
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    {canSort ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={h.column.getToggleSortingHandler()}
                      >
                        {label}
                        <span aria-hidden="true" className="sort-mark">
                          {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} data-label={labelOf(cell.column.columnDef.meta)}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
