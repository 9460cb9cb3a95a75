'use client';

import { useEffect, useMemo, useState } from 'react';
import type { EventPredicate, EventRecord } from '@podscope/protocol';
import { groupStreams, isIoRow, sortStreams, type StreamSort } from '../lib/ioStreams.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { IoStreamsView } from './IoStreamsView.tsx';

interface Props {
  feed: LiveRunFeed;
  predicate: EventPredicate | null;
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
  onRawEvents: (filter: string) => void;
  /** Offered only to users with the payload:unmask permission. */
  canUnmask: boolean;
  unmasked: boolean;
  onUnmaskChange: (unmask: boolean) => void;
}

function snapshot(feed: LiveRunFeed, predicate: EventPredicate | null): [number, EventRecord][] {
  const store = feed.store;
  const rows: [number, EventRecord][] = [];
  for (let i = store.firstIndex; i < store.endIndex; i++) {
    const row = store.get(i);
    if (isIoRow(row) && (predicate === null || predicate(row))) rows.push([i, row]);
  }
  return rows;
}

/** The I/O streams of the rows in the browser buffer, regrouped once a second while rows arrive. */
export function LiveIoStreams({ feed, predicate, selected, onSelect, onRawEvents, canUnmask, unmasked, onUnmaskChange }: Props) {
  const [rows, setRows] = useState<[number, EventRecord][]>(() => snapshot(feed, predicate));
  const [sort, setSort] = useState<StreamSort>('bytes');
  const streams = useMemo(() => groupStreams(rows.map(([, r]) => r)), [rows]);
  const sorted = useMemo(() => sortStreams(streams, sort), [streams, sort]);
  const openStream = selected === undefined ? undefined : streams.find((st) => st.key === selected);
  useEffect(() => {
    let seen = -1;
    const refresh = () => {
      if (feed.version === seen) return;
      seen = feed.version;
      setRows(snapshot(feed, predicate));
    };
    refresh();
    const t = setInterval(refresh, 1000);
    return () => clearInterval(t);
  }, [feed, predicate]);
  return (
    <IoStreamsView
      streams={sorted}
      sort={sort}
      onSort={setSort}
      // Batches the hub sent before the switch stay masked; the view shows what arrived as it is.
      open={openStream === undefined ? undefined : { stream: openStream, rows, raw: unmasked }}
      selected={selected}
      onSelect={onSelect}
      onRawEvents={onRawEvents}
      note={
        <>
          <span className="muted">{rows.length} I/O events in the browser buffer</span>
          {canUnmask && (
            <label className="muted pad" title="Ask the hub for this run's bytes with credentials unmasked from now on; the hub writes it to the audit log">
              <input type="checkbox" data-testid="io-unmask" checked={unmasked} onChange={(e) => onUnmaskChange(e.target.checked)} /> Show credentials (audited)
            </label>
          )}
        </>
      }
      empty={feed.runId === null ? 'Start a trace_io run to see its streams.' : 'No I/O events yet.'}
    />
  );
}
