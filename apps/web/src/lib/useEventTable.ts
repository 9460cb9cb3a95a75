'use client';

import { useMemo, useState } from 'react';
import { getCoreRowModel, useReactTable, type ColumnDef, type ColumnSizingState, type Table } from '@tanstack/react-table';
import type { EventRecord, EventValue, FieldMeta } from '@podscope/protocol';
import { defaultColumnWidth } from './columns.ts';

export interface EventTable<Row> {
  table: Table<Row>;
  metaByName: ReadonlyMap<string, FieldMeta>;
  /** Row-number column plus every visible column, in px. */
  totalWidth: number;
}

/**
 * The react-table over the rows the virtualizer shows, shared by the live and the capture tables: one column per
 * field, the user's visible columns in their order, resizable. `record` and `rowId` must be stable (module-level).
 */
export function useEventTable<Row>(
  data: Row[],
  fields: readonly FieldMeta[],
  visible: readonly string[],
  record: (row: Row) => EventRecord | undefined,
  rowId: (row: Row) => string,
  indexWidth: number,
): EventTable<Row> {
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>({});
  const metaByName = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  const columns = useMemo<ColumnDef<Row, EventValue | undefined>[]>(
    () => fields.map((f) => ({ id: f.name, header: f.name, size: defaultColumnWidth(f), minSize: 40, accessorFn: (r: Row) => record(r)?.[f.name] })),
    [fields, record],
  );
  const columnVisibility = useMemo(() => {
    const shown = new Set(visible);
    return Object.fromEntries(fields.map((f) => [f.name, shown.has(f.name)]));
  }, [fields, visible]);
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowId,
    state: { columnVisibility, columnOrder: [...visible], columnSizing },
    onColumnSizingChange: setColumnSizing,
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
    // `data` is rebuilt every frame (it is only the visible window); the default page-index reset
    // on every new data array would schedule a state update per render and never settle.
    autoResetAll: false,
    manualPagination: true,
  });
  const totalWidth = indexWidth + table.getVisibleLeafColumns().reduce((w, c) => w + c.getSize(), 0);
  return { table, metaByName, totalWidth };
}
