'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaptureEvent, ErrorEnvelope } from '@podscope/protocol';
import { captureClient } from './captureClient.ts';
import { errorEnvelopeOf } from './hubClient.ts';
import { CAPTURE_PAGE_SIZE, CapturePageCache, pagesForViewport } from './pageWindow.ts';

export interface CaptureQuery {
  filter: string;
  sort: string;
  from?: number | undefined;
  to?: number | undefined;
}

export interface CapturePages {
  /** Rows matching the query (from the hub), null until the first page arrived. */
  total: number | null;
  rowAt: (index: number) => CaptureEvent | undefined;
  /** Tell the hook which rows are on screen; it fetches the pages around them. */
  showRows: (first: number, last: number) => void;
  error: ErrorEnvelope | null;
  loading: boolean;
  /** How long the first page of this query took (ms), for the footer. */
  firstPageMs: number | null;
  /** Bumps whenever a page arrives. */
  version: number;
}

/** Pages through all rows of a capture query on the hub: only the pages around the viewport are fetched and held. */
export function useCapturePages(captureId: string, query: CaptureQuery | null): CapturePages {
  const key = query === null ? '' : JSON.stringify([captureId, query.filter, query.sort, query.from ?? null, query.to ?? null]);
  // The cache and the controller that cancels its fetches live and die together; child effects (the table's
  // viewport) may ask for pages before this hook's own effect has run, so neither can be made in an effect.
  const session = useMemo(() => ({ cache: new CapturePageCache(key), controller: new AbortController() }), [key]);
  const cache = session.cache;
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [inFlight, setInFlight] = useState(0);
  const [firstPageMs, setFirstPageMs] = useState<number | null>(null);
  const viewport = useRef({ first: 0, last: 60 });
  const queryRef = useRef(query);
  queryRef.current = query;

  const fetchPages = useCallback(() => {
    const q = queryRef.current;
    const signal = session.controller.signal;
    if (q === null || signal.aborted) return;
    const { first, last } = viewport.current;
    // Before the total is known, page 0 tells it.
    const wanted = cache.total === null ? [0] : pagesForViewport(first, last, cache.total);
    for (const page of cache.claim(wanted)) {
      const started = performance.now();
      setInFlight((n) => n + 1);
      captureClient
        .events(captureId, { filter: q.filter, sort: q.sort, offset: page * cache.pageSize, limit: cache.pageSize, ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) }, signal)
        .then(
          (res) => {
            const wasUnknown = cache.total === null;
            cache.put(page, res.events, res.total);
            if (wasUnknown) setFirstPageMs(Math.round(performance.now() - started));
            setError(null);
            setVersion((v) => v + 1);
            // The viewport may have moved while this page was on its way.
            if (!signal.aborted) fetchPages();
          },
          (err: unknown) => {
            cache.release(page);
            if (!signal.aborted) setError(errorEnvelopeOf(err));
          },
        )
        .finally(() => setInFlight((n) => n - 1));
    }
  }, [session, cache, captureId]);

  useEffect(() => {
    // A strict-mode remount re-runs this effect on the same session after its cleanup aborted it.
    if (session.controller.signal.aborted) session.controller = new AbortController();
    setError(null);
    setFirstPageMs(null);
    setVersion((v) => v + 1);
    fetchPages();
    return () => {
      session.controller.abort();
      session.cache.releaseAll();
    };
  }, [session, fetchPages]);

  const showRows = useCallback(
    (first: number, last: number) => {
      if (viewport.current.first === first && viewport.current.last === last) return;
      viewport.current = { first, last };
      fetchPages();
    },
    [fetchPages],
  );

  return { total: cache.total, rowAt: (i) => cache.rowAt(i), showRows, error, loading: inFlight > 0, firstPageMs, version };
}

export { CAPTURE_PAGE_SIZE };
