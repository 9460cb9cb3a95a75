'use client';

import { useEffect, useState } from 'react';
import type { ErrorEnvelope, EventRecord } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { isIoRow } from '../lib/ioStreams.ts';
import { IoStreamsView } from './IoStreamsView.tsx';

/** Events read for the streams view; beyond this the view says how many it left out. */
export const STREAM_EVENT_LIMIT = 20_000;
const PAGE = 10_000;

interface Props {
  captureId: string;
  query: { filter: string; from?: number | undefined; to?: number | undefined };
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
  onRawEvents: (filter: string) => void;
}

interface Loaded {
  rows: [number, EventRecord][];
  total: number;
  read: number;
}

/** A capture's I/O streams: its events (in the view's filter and range) read page by page in time order, then grouped. */
export function CaptureIoStreams({ captureId, query, selected, onSelect, onRawEvents }: Props) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const { filter, from, to } = query;
  useEffect(() => {
    const abort = new AbortController();
    setLoaded(null);
    setError(null);
    void (async () => {
      const rows: [number, EventRecord][] = [];
      let total = 0;
      let read = 0;
      try {
        while (read < STREAM_EVENT_LIMIT) {
          const page = await captureClient.events(captureId, { filter, sort: 'timestamp', offset: read, limit: Math.min(PAGE, STREAM_EVENT_LIMIT - read), from, to }, abort.signal);
          total = page.total;
          for (const e of page.events) if (isIoRow(e.event)) rows.push([e.id, e.event]);
          read += page.events.length;
          if (page.events.length === 0 || read >= total) break;
        }
        if (!abort.signal.aborted) setLoaded({ rows, total, read });
      } catch (err) {
        if (!abort.signal.aborted) setError(errorEnvelopeOf(err));
      }
    })();
    return () => abort.abort();
  }, [captureId, filter, from, to]);

  if (error !== null) return <div className="error-box" role="alert" data-testid="io-streams-error">{error.message}</div>;
  if (loaded === null) return <div className="muted pad" data-testid="io-streams-loading">Reading the capture&apos;s I/O events…</div>;
  const more = loaded.total > loaded.read;
  return (
    <IoStreamsView
      rows={loaded.rows}
      selected={selected}
      onSelect={onSelect}
      onRawEvents={onRawEvents}
      note={
        <span className={more ? 'io-flag' : 'muted'} data-testid="io-streams-coverage" data-more={more}>
          {more ? `Grouped the first ${loaded.read.toLocaleString()} of ${loaded.total.toLocaleString()} events (by time); narrow the time range or filter to see the rest.` : `${loaded.read.toLocaleString()} events read`}
        </span>
      }
      empty="No I/O events in this capture (or in this filter and time range)."
    />
  );
}
