'use client';

import type { MouseEvent, ReactNode } from 'react';
import type { Cell } from '@tanstack/react-table';
import type { EventValue, FieldMeta } from '@podscope/protocol';
import { formatField } from '../lib/formatField.ts';
import { sortStateOf, cycleSort } from '../lib/topRows.ts';

export const CELL_FILTER_HINT = 'Click: filter to this value (field==value) · Alt/Ctrl/⌘-click: exclude it (field!=value)';

/** A click on a cell value filters by it, unless the user was selecting text to copy. */
export function cellClickFilter(e: MouseEvent, field: string, value: EventValue | undefined, onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void): void {
  const selection = typeof window === 'undefined' ? null : window.getSelection();
  if (selection !== null && selection.toString() !== '') return;
  e.stopPropagation();
  onCellFilter(field, value, e.altKey || e.ctrlKey || e.metaKey);
}

interface HeaderProps {
  field: string;
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  width?: number | undefined;
  description?: string | undefined;
  children: ReactNode;
}

/** A column header that sorts on click: ascending, descending, then unsorted. */
export function SortableHeader({ field, sort, onSortChange, width, description, children }: HeaderProps) {
  const state = sortStateOf(sort, field);
  return (
    <th
      style={width !== undefined ? { width } : undefined}
      data-field={field}
      data-sort={state ?? undefined}
      aria-sort={state === 'asc' ? 'ascending' : state === 'desc' ? 'descending' : 'none'}
      className="sortable"
      title={`${description !== undefined && description !== '' ? `${description}\n\n` : ''}Click to sort by ${field} (ascending, descending, off)`}
      onClick={() => onSortChange(cycleSort(sort, field))}
    >
      {children}
      {state !== null && <span className="sort-mark" aria-hidden="true">{state === 'asc' ? ' ▲' : ' ▼'}</span>}
    </th>
  );
}

/** The value cells of one event row, formatted by field type; a click filters by the value (see CELL_FILTER_HINT). */
export function EventCells<T>({ cells, metaByName, onCellFilter }: { cells: Cell<T, unknown>[]; metaByName: ReadonlyMap<string, FieldMeta>; onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void }) {
  return cells.map((cell) => {
    const value = cell.getValue<EventValue | undefined>();
    const text = formatField(value, metaByName.get(cell.column.id));
    return (
      <td key={cell.id} data-field={cell.column.id} className="filterable" style={{ width: cell.column.getSize() }} title={`${text}\n\n${CELL_FILTER_HINT}`} onClick={(e) => cellClickFilter(e, cell.column.id, value, onCellFilter)}>
        {text}
      </td>
    );
  });
}
