'use client';

import { compareBySortKeys, type EventPredicate, type EventRecord, type EventValue, type FieldMeta } from '@podscope/protocol';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { sortKeysOf } from '../lib/topRows.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { RowsTable } from './RowsTable.tsx';

interface Props {
  feed: LiveRunFeed;
  fields: readonly FieldMeta[];
  visible: readonly string[];
  predicate: EventPredicate | null;
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
}

/** A snapshot gadget's single batch as a plain table; "done" once every node has reported its batch. */
export function SnapshotView({ feed, fields, visible, predicate, sort, onSortChange, onCellFilter }: Props) {
  useFeedVersion(feed, 1000);
  const store = feed.store;
  const all: EventRecord[] = [];
  for (let i = store.firstIndex; i < store.endIndex; i++) {
    const r = store.get(i);
    if (r !== undefined && (predicate === null || predicate(r))) all.push(r);
  }
  const keys = sortKeysOf(sort, fields);
  const rows = keys.length === 0 ? all : all.sort(compareBySortKeys(keys));
  const run = feed.run;
  const done = run !== null && (run.state === 'stopped' || run.state === 'failed' || (run.nodes.length > 0 && run.nodes.every((n) => n.state === 'stopped' || n.state === 'failed')));
  const state = feed.runId === null ? 'idle' : done ? 'done' : 'collecting';
  return (
    <div className="category-view" data-testid="snapshot-view">
      <div className="view-meta">
        <span className={`state-badge ${done ? 'state-stopped' : 'state-starting'}`} data-testid="snapshot-state" data-state={state}>
          {state === 'collecting' ? 'collecting…' : state}
        </span>
        <span className="muted">
          {rows.length.toLocaleString()} {rows.length === 1 ? 'row' : 'rows'}
          {predicate !== null ? ` match of ${store.size.toLocaleString()}` : ''}
        </span>
      </div>
      <RowsTable testId="snapshot-table" rows={rows} fields={fields} visible={visible} sort={sort} onSortChange={onSortChange} onCellFilter={onCellFilter} empty={feed.runId === null ? 'Start a run to take a snapshot.' : done ? 'The snapshot is empty.' : 'Waiting for the snapshot…'} />
    </div>
  );
}
