'use client';

import { useEffect, useMemo, useState } from 'react';
import type { ErrorEnvelope, EventValue, FieldMeta, GadgetMeta } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { LiveRunFeed } from '../lib/liveRun.ts';
import type { CaptureQuery } from '../lib/useCapturePages.ts';
import { HistogramView } from './HistogramView.tsx';
import { TopView } from './TopView.tsx';

/** Enough of the newest rows to hold the latest interval (and the one before) of every node. */
const TAIL_ROWS = 5000;

interface Props {
  tab: 'histogram' | 'top';
  captureId: string;
  query: CaptureQuery;
  gadgets: readonly GadgetMeta[];
  /** The recorded run's params (its `sort`, `max-entries`). */
  params: Readonly<Record<string, string | number | boolean>>;
  fields: readonly FieldMeta[];
  visible: readonly string[];
  sort: string | undefined;
  onSortChange: (sort: string | undefined) => void;
  onCellFilter: (field: string, value: EventValue | undefined, negate: boolean) => void;
}

/**
 * Histogram and top views of a profile/top capture: the newest rows of the filtered range (brush the timeline to
 * pick an earlier moment) fed to the live views' own components, so both render the same way.
 */
export function CaptureIntervalViews({ tab, captureId, query, gadgets, params, fields, visible, sort, onSortChange, onCellFilter }: Props) {
  const [feed, setFeed] = useState<LiveRunFeed | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const { filter, from, to } = query;
  useEffect(() => {
    const controller = new AbortController();
    captureClient.events(captureId, { filter, sort: '-timestamp', offset: 0, limit: TAIL_ROWS, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }, controller.signal).then(
      (res) => {
        const f = new LiveRunFeed({ capacity: TAIL_ROWS });
        f.reset(`capture:${captureId}`);
        f.store.append(res.events.map((e) => e.event).reverse());
        setFeed(f);
        setError(null);
      },
      (err: unknown) => !controller.signal.aborted && setError(errorEnvelopeOf(err)),
    );
    return () => controller.abort();
  }, [captureId, filter, from, to]);

  const gadget = useMemo(() => gadgets.find((g) => g.category === (tab === 'histogram' ? 'profile' : 'top')), [gadgets, tab]);
  const param = (name: string) => params[name] ?? gadget?.params.find((p) => p.name === name)?.default;
  if (error !== null) return <div className="error-box">{error.message}</div>;
  if (feed === null) return <div className="muted pad">Loading the latest interval…</div>;
  if (tab === 'histogram') return <HistogramView feed={feed} gadgetFields={gadget?.fields ?? []} predicate={null} />;
  return <TopView feed={feed} fields={fields} visible={visible} predicate={null} sort={sort} runSort={String(param('sort') ?? '') || undefined} maxEntries={Number(param('max-entries')) || undefined} onSortChange={onSortChange} onCellFilter={onCellFilter} />;
}
