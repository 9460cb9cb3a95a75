'use client';

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

/** A small, fully rendered table (one top interval, one snapshot batch): sortable headers, click-to-filter cells. */
export function RowsTable({ testId, rows, fields, visible, sort, onSortChange, onCellFilter, empty }: Props) {
  const meta = new Map(fields.map((f) => [f.name, f]));
  const columns = visible.filter((c) => meta.has(c));
  return (
    <div className="rows-table-scroll">
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
          {rows.map((row, i) => (
            <tr key={i} data-testid={`${testId}-row`}>
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
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <div className="muted pad">{empty}</div>}
    </div>
  );
}
