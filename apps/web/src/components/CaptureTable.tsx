'use client';

import { useEffect, useRef } from 'react';
import { flexRender } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CaptureEvent, EventValue, FieldMeta } from '@podscope/protocol';
import type { CapturePages } from '../lib/useCapturePages.ts';
import { useEventTable } from '../lib/useEventTable.ts';
import { EventCells, SortableHeader } from './tableBits.tsx';

const ROW_HEIGHT = 22;
const INDEX_WIDTH = 72;

interface WindowRow {
  index: number;
  row: CaptureEvent | undefined;
  start: number;
}

const recordOf = (r: WindowRow) => r.row?.event;
const rowIdOf = (r: WindowRow) => String(r.index);

interface Props {
  pages: CapturePages;
  fields: readonly FieldMeta[];
  visible: readonly string[];
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
  selectedId: number | undefined;
  onSelect: (row: CaptureEvent, index: number) => void;
  /** Row index to bring into view once (a link's selected row). */
  scrollTo: number | undefined;
}

/**
 * A capture's events, paged from the hub: the virtualizer spans every matching row (the hub's total, no cap)
 * and only the pages around the viewport are fetched.
 */
export function CaptureTable({ pages, fields, visible, sort, onSortChange, onCellFilter, selectedId, onSelect, scrollTo }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20, useFlushSync: false });
  const items = virtualizer.getVirtualItems();
  const firstShown = items[0]?.index ?? 0;
  const lastShown = items[items.length - 1]?.index ?? 0;
  const { showRows } = pages;
  useEffect(() => showRows(firstShown, lastShown), [showRows, firstShown, lastShown]);

  const scrolled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (scrollTo === undefined || scrolled.current === scrollTo || count <= scrollTo) return;
    scrolled.current = scrollTo;
    virtualizer.scrollToIndex(scrollTo, { align: 'center' });
  }, [scrollTo, count, virtualizer]);

  const data: WindowRow[] = items.map((it) => ({ index: it.index, row: pages.rowAt(it.index), start: it.start }));
  const { table, metaByName, totalWidth } = useEventTable(data, fields, visible, recordOf, rowIdOf, INDEX_WIDTH);

  return (
    <div className="live-table">
      <div className="table-scroll" ref={scrollRef} tabIndex={0} aria-label="Capture events">
        <table data-testid="events-table" className="events-table" style={{ width: totalWidth }} aria-rowcount={count} aria-busy={pages.loading}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                <th className="row-index" style={{ width: INDEX_WIDTH }} title="Row number in this view. Click it to open the event's details.">
                  #
                </th>
                {hg.headers.map((h) => (
                  <SortableHeader key={h.id} field={h.column.id} sort={sort} onSortChange={onSortChange} width={h.getSize()} description={metaByName.get(h.column.id)?.description}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    <span className={`resizer${h.column.getIsResizing() ? ' resizing' : ''}`} onMouseDown={h.getResizeHandler()} onTouchStart={h.getResizeHandler()} onDoubleClick={() => h.column.resetSize()} onClick={(e) => e.stopPropagation()} role="separator" aria-orientation="vertical" aria-label={`resize ${h.column.id}`} />
                  </SortableHeader>
                ))}
              </tr>
            ))}
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {table.getRowModel().rows.map((row) => {
              const r = row.original;
              const selected = r.row !== undefined && r.row.id === selectedId;
              return (
                <tr key={row.id} data-testid="event-row" data-index={r.index} data-row-id={r.row?.id} aria-rowindex={r.index + 1} aria-selected={selected} className={`${selected ? 'selected' : ''}${r.row === undefined ? ' gone' : ''}`} style={{ transform: `translateY(${r.start}px)`, width: totalWidth }}>
                  <td className="row-index" style={{ width: INDEX_WIDTH }} data-testid="row-select" title="Open this event's details" onClick={() => r.row !== undefined && onSelect(r.row, r.index)}>
                    {r.index + 1}
                  </td>
                  {r.row === undefined ? (
                    <td className="muted">loading…</td>
                  ) : (
                    <EventCells cells={row.getVisibleCells()} metaByName={metaByName} onCellFilter={onCellFilter} />
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {pages.total === 0 && <div className="table-empty muted">No events match.</div>}
        {pages.total === null && pages.error === null && <div className="table-empty muted">Loading…</div>}
      </div>
      <div className="table-footer muted">
        <span data-testid="capture-total" data-value={pages.total ?? ''}>
          {pages.total === null ? '…' : `${pages.total.toLocaleString()} matching events`}
        </span>
        {sort !== undefined && sort !== '' && (
          <span data-testid="sort-note">
            sorted by <code>{sort}</code> on the hub
          </span>
        )}
        {pages.firstPageMs !== null && <span title="Time to the first page of this query">first page {pages.firstPageMs} ms</span>}
        {pages.loading && <span>loading…</span>}
      </div>
    </div>
  );
}
