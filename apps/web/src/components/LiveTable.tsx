'use client';

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type WheelEvent } from 'react';
import { flexRender } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { compareBySortKeys, type EventPredicate, type EventRecord, type EventValue, type FieldMeta } from '@podscope/protocol';
import { FilteredIndex } from '../lib/filteredIndex.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { sortKeysOf } from '../lib/topRows.ts';
import { EventCells, SortableHeader } from './tableBits.tsx';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { useEventTable } from '../lib/useEventTable.ts';

const ROW_HEIGHT = 22;
const INDEX_WIDTH = 64;
/** A sorted live view orders at most this many of the newest matching rows. */
const SORT_LIMIT = 100_000;
const RESORT_MS = 1000;

interface WindowRow {
  /** Absolute index in the row store. */
  abs: number;
  record: EventRecord | undefined;
  start: number;
}

const recordOf = (r: WindowRow) => r.record;
const rowIdOf = (r: WindowRow) => String(r.abs);

interface Props {
  feed: LiveRunFeed;
  fields: readonly FieldMeta[];
  visible: readonly string[];
  predicate: EventPredicate | null;
  /** IG `--sort` form; sorts the rows on screen (the newest SORT_LIMIT matching ones). */
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  /** Click on a cell value: add `field==value` (or `!=` with a modifier) to the view filter. */
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  selectedRow: number | undefined;
  onSelectRow: (abs: number) => void;
}

/** Which rows are on screen: live tail, or the range frozen when the user paused. */
interface Frozen {
  first: number;
  end: number;
}

/**
 * The live event table. Rows stay in the feed's chunked store; only the window the virtualizer
 * shows is handed to react-table, so cost per frame follows the screen size, not the row count.
 */
export function LiveTable({ feed, fields, visible, predicate, sort, onSortChange, onCellFilter, follow, onFollowChange, selectedRow, onSelectRow }: Props) {
  const version = useFeedVersion(feed);
  const store = feed.store;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  const [, setScanTick] = useState(0);

  useEffect(() => {
    setFrozen(follow ? null : { first: store.firstIndex, end: store.endIndex });
  }, [follow, store, feed.runId]);

  const filtered = useMemo(() => (predicate === null ? null : new FilteredIndex(predicate)), [predicate]);
  const scanPending = filtered?.sync(store) ?? false;
  useEffect(() => {
    // A large backlog is filtered a slice per frame.
    if (!scanPending) return;
    const frame = requestAnimationFrame(() => setScanTick((t) => t + 1));
    return () => cancelAnimationFrame(frame);
  });

  const end = frozen?.end ?? store.endIndex;
  const first = frozen?.first ?? store.firstIndex;
  const rangeCount = filtered !== null ? filtered.countBelow(end) : Math.max(0, end - first);
  const rangeAt = (i: number) => (filtered !== null ? filtered.at(i) : first + i);
  const newSincePause = frozen === null ? 0 : store.endIndex - frozen.end;

  // Sorting a live stream re-sorts the rows on screen once a second (or once, while paused).
  const sortKeys = useMemo(() => sortKeysOf(sort, fields), [sort, fields]);
  const [sortTick, setSortTick] = useState(0);
  useEffect(() => {
    if (sortKeys.length === 0 || frozen !== null) return;
    const t = setInterval(() => setSortTick((n) => n + 1), RESORT_MS);
    return () => clearInterval(t);
  }, [sortKeys, frozen]);
  const sorted = useMemo(() => {
    if (sortKeys.length === 0) return null;
    const from = Math.max(0, rangeCount - SORT_LIMIT);
    const idx: number[] = [];
    for (let i = from; i < rangeCount; i++) idx.push(rangeAt(i));
    const cmp = compareBySortKeys(sortKeys);
    const empty: EventRecord = {};
    idx.sort((a, b) => cmp(store.get(a) ?? empty, store.get(b) ?? empty) || a - b);
    return { idx, capped: from > 0 };
    // Re-sorted on the tick, on pause/resume, and when the filter or its backlog scan changes; not per frame.
  }, [sortKeys, sortTick, frozen, filtered, scanPending, store, feed.runId]);
  const count = sorted !== null ? sorted.idx.length : rangeCount;
  const absAt = (i: number) => (sorted !== null ? (sorted.idx[i] ?? -1) : rangeAt(i));

  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12, useFlushSync: false });

  useEffect(() => {
    if (follow && count > 0 && sorted === null) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, version, virtualizer, sorted]);

  const items = virtualizer.getVirtualItems();
  const data: WindowRow[] = items.map((it) => {
    const abs = absAt(it.index);
    return { abs, record: store.get(abs), start: it.start };
  });

  const { table, metaByName, totalWidth } = useEventTable(data, fields, visible, recordOf, rowIdOf, INDEX_WIDTH);

  const pauseOnUserScroll = (e: WheelEvent) => {
    if (follow && e.deltaY < 0) onFollowChange(false);
  };
  const pauseOnKeys = (e: KeyboardEvent) => {
    if (follow && ['ArrowUp', 'PageUp', 'Home'].includes(e.key)) onFollowChange(false);
  };

  return (
    <div className="live-table">
      <div className="table-scroll" ref={scrollRef} onWheel={pauseOnUserScroll} onKeyDown={pauseOnKeys} tabIndex={0} aria-label="Events">
        <table data-testid="events-table" className="events-table" style={{ width: totalWidth }} aria-rowcount={count}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                <th className="row-index" style={{ width: INDEX_WIDTH }} title="Row number. Click a row's number to open the event's details.">
                  #
                </th>
                {hg.headers.map((h) => (
                  <SortableHeader key={h.id} field={h.column.id} sort={sort} onSortChange={onSortChange} width={h.getSize()} description={metaByName.get(h.column.id)?.description}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    <span
                      className={`resizer${h.column.getIsResizing() ? ' resizing' : ''}`}
                      onMouseDown={h.getResizeHandler()}
                      onTouchStart={h.getResizeHandler()}
                      onDoubleClick={() => h.column.resetSize()}
                      onClick={(e) => e.stopPropagation()}
                      role="separator"
                      aria-orientation="vertical"
                      aria-label={`resize ${h.column.id}`}
                    />
                  </SortableHeader>
                ))}
              </tr>
            ))}
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {table.getRowModel().rows.map((row) => {
              const r = row.original;
              return (
                <tr
                  key={row.id}
                  data-testid="event-row"
                  data-index={r.abs}
                  aria-rowindex={r.abs + 1}
                  aria-selected={selectedRow === r.abs}
                  className={`${selectedRow === r.abs ? 'selected' : ''}${r.record === undefined ? ' gone' : ''}`}
                  style={{ transform: `translateY(${r.start}px)`, width: totalWidth }}
                >
                  <td className="row-index" style={{ width: INDEX_WIDTH }} data-testid="row-select" title="Open this event's details" onClick={() => onSelectRow(r.abs)}>
                    {r.abs}
                  </td>
                  {r.record === undefined ? (
                    <td className="muted">row dropped from the browser buffer</td>
                  ) : (
                    <EventCells cells={row.getVisibleCells()} metaByName={metaByName} onCellFilter={onCellFilter} />
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {count === 0 && <div className="table-empty muted">{feed.runId === null ? 'Pick a target and a gadget, then press Start.' : filtered !== null && store.size > 0 ? 'No rows match the filter.' : 'Waiting for events…'}</div>}
      </div>
      <div className="table-footer muted">
        {filtered !== null && <span>{filtered.length.toLocaleString()} of {store.size.toLocaleString()} rows match{scanPending ? ' (filtering…)' : ''}</span>}
        {sorted !== null && (
          <span data-testid="sort-note">
            sorted by <code>{sort}</code>
            {sorted.capped ? ` (newest ${SORT_LIMIT.toLocaleString()} rows)` : ''}
            {frozen === null ? ', re-sorted every second' : ''}
          </span>
        )}
        {newSincePause > 0 && (
          <button type="button" className="btn btn-small btn-accent" onClick={() => onFollowChange(true)} data-testid="new-rows">
            {newSincePause.toLocaleString()} new rows — resume
          </button>
        )}
      </div>
    </div>
  );
}
