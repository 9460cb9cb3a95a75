'use client';

import type { EventPredicate, EventValue, FieldMeta } from '@podscope/protocol';
import { formatTimestampNs } from '../lib/formatField.ts';
import { latestIntervalRows } from '../lib/intervalRows.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { sortKeysOf, topRows } from '../lib/topRows.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { RowsTable } from './RowsTable.tsx';

interface Props {
  feed: LiveRunFeed;
  fields: readonly FieldMeta[];
  visible: readonly string[];
  predicate: EventPredicate | null;
  /** Header-click sort (URL `sort=`); falls back to the run's `--sort` param. */
  sort: string | undefined;
  runSort: string | undefined;
  maxEntries: number | undefined;
  onSortChange: (sort: string | undefined) => void;
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
}

/** A top gadget's latest interval, in place: replaced every map fetch, sorted, cut to max-entries. */
export function TopView({ feed, fields, visible, predicate, sort, runSort, maxEntries, onSortChange, onCellFilter }: Props) {
  useFeedVersion(feed, 1000);
  const store = feed.store;
  const { latest, interval, timestamp } = latestIntervalRows((i) => store.get(i), store.firstIndex, store.endIndex);
  const matching = predicate === null ? latest : latest.filter(predicate);
  const effectiveSort = sort ?? runSort;
  const rows = topRows(matching, sortKeysOf(effectiveSort, fields), maxEntries);
  // Headers cycle asc → desc → off, but "off" here is the run's --sort: flip it rather than land on it again.
  const onHeaderSort = (next: string | undefined) => {
    const first = runSort?.split(',')[0]?.trim() ?? '';
    if (next === undefined && sort === undefined && first !== '') onSortChange(first.startsWith('-') ? first.slice(1) : `-${first.replace(/^\+/, '')}`);
    else onSortChange(next);
  };
  return (
    <div className="category-view" data-testid="top-view">
      <div className="view-meta">
        <span data-testid="top-interval" data-interval={interval ?? ''}>
          {interval === null ? 'waiting for the first interval…' : `interval ${interval}`}
        </span>
        {timestamp !== null && <span className="muted">at {formatTimestampNs(timestamp)}</span>}
        <span className="muted">
          {rows.length} of {matching.length} rows{maxEntries !== undefined ? ` (max-entries ${maxEntries})` : ''}
          {effectiveSort !== undefined && effectiveSort !== '' ? ` · sorted by ${effectiveSort}${sort === undefined ? ' (--sort)' : ''}` : ''}
        </span>
      </div>
      <RowsTable testId="top-table" rows={rows} fields={fields} visible={visible} sort={effectiveSort} onSortChange={onHeaderSort} onCellFilter={onCellFilter} empty={feed.runId === null ? 'Start a run to see its top rows.' : 'No rows in the latest interval.'} />
    </div>
  );
}
