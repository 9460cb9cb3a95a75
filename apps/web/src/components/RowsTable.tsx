'use client';

import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EventRecord, EventValue, FieldMeta } from '@podscope/protocol';
import { defaultColumnWidth } from '../lib/columns.ts';
import { formatField } from '../lib/formatField.ts';
import { CELL_FILTER_HINT, cellClickFilter, SortableHeader } from './tableBits.tsx';

interface Props {
  testId: string;
  rows: readonly EventRecord[];
  fields: readonly FieldMeta[];
  visible: readonly string[];
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
  empty: string;
}

/** Fixed row height (CSS `.rows-table tbody tr`), so the virtualizer needs no measuring. */
export const ROWS_TABLE_ROW_HEIGHT = 21;

/**
 * One top interval or one snapshot batch: sortable headers, click-to-filter cells, and only the rows in view
 * rendered (spacer rows stand for the rest), so a snapshot of 100k sockets scrolls like the live table, uncut.
 */
export function RowsTable({ testId, rows, fields, visible, sort, onSortChange, onCellFilter, empty }: Props) {
  const meta = new Map(fields.map((f) => [f.name, f]));
  const columns = visible.filter((c) => meta.has(c));
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROWS_TABLE_ROW_HEIGHT,
    overscan: 20,
    // Before the element is laid out (and when rendered on the server): a typical viewport.
    initialRect: { width: 1200, height: 800 },
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div className="rows-table-scroll" ref={scrollRef} data-testid={`${testId}-scroll`} data-rows={rows.length}>
      <table className="rows-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => {
              const m = meta.get(c);
              return (
                <SortableHeader key={c} field={c} sort={sort} onSortChange={onSortChange} description={m?.description} width={m !== undefined ? defaultColumnWidth(m) : undefined}>
                  {c}
                </SortableHeader>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {before > 0 && <tr className="rows-spacer" style={{ height: before }} aria-hidden="true" />}
          {items.map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <tr key={item.index} data-testid={`${testId}-row`} data-index={item.index}>
                {columns.map((c) => {
                  const m = meta.get(c);
                  const text = formatField(row[c], m);
                  const numeric = m !== undefined && (m.type === 'integer' || m.type === 'bytes' || m.type === 'duration');
                  return (
                    <td key={c} data-field={c} className={`filterable${numeric ? ' num' : ''}`} title={`${text}\n\n${CELL_FILTER_HINT}`} onClick={(e) => cellClickFilter(e, c, row[c], onCellFilter)}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {after > 0 && <tr className="rows-spacer" style={{ height: after }} aria-hidden="true" />}
        </tbody>
      </table>
      {rows.length === 0 && <div className="muted pad">{empty}</div>}
    </div>
  );
}
