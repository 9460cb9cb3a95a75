'use client';

import { useEffect, useState } from 'react';
import type { CaptureStreamOpsResponse, CaptureStreamsResponse, ErrorEnvelope } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { currentShareToken, errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import type { StreamSort } from '../lib/ioStreams.ts';
import { IoStreamsView } from './IoStreamsView.tsx';

/** Streams listed per page, and operations of the open stream per page (the hub groups every row). */
const STREAM_PAGE = 200;
const OPS_PAGE = 500;

interface Props {
  captureId: string;
  query: { filter: string; from?: number | undefined; to?: number | undefined };
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
  onRawEvents: (filter: string) => void;
}

function Pager({ offset, page, total, what, onOffset, testId }: { offset: number; page: number; total: number; what: string; onOffset: (o: number) => void; testId: string }) {
  if (total <= page && offset === 0) return null;
  return (
    <div className="pad io-pager" data-testid={testId}>
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - page))}>← Previous</button>{' '}
      <span className="muted">
        {what} {(offset + 1).toLocaleString()}–{Math.min(total, offset + page).toLocaleString()} of {total.toLocaleString()}
      </span>{' '}
      <button type="button" className="btn btn-small" disabled={offset + page >= total} onClick={() => onOffset(offset + page)}>Next →</button>
    </div>
  );
}

/** A capture's I/O streams, grouped by the hub over every event in the view's filter and range, paged. */
export function CaptureIoStreams({ captureId, query, selected, onSelect, onRawEvents }: Props) {
  const [sort, setSort] = useState<StreamSort>('bytes');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<CaptureStreamsResponse | null>(null);
  const [ops, setOps] = useState<CaptureStreamOpsResponse | null>(null);
  const [opsOffset, setOpsOffset] = useState(0);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [canUnmask, setCanUnmask] = useState(false);
  const [unmask, setUnmask] = useState(false);
  const { filter, from, to } = query;

  // Share-link viewers have no session (and never unmask): only a logged-in user's permissions are asked for.
  useEffect(() => {
    if (currentShareToken() !== null) return;
    hubClient.permissions().then((p) => setCanUnmask(p.includes('payload:unmask')), () => undefined);
  }, []);

  useEffect(() => setOffset(0), [captureId, filter, from, to, sort]);
  useEffect(() => setOpsOffset(0), [selected]);

  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    captureClient.streams(captureId, { filter, from, to, sort, offset, limit: STREAM_PAGE }, abort.signal).then(
      (res) => !abort.signal.aborted && setList(res),
      (err: unknown) => !abort.signal.aborted && setError(errorEnvelopeOf(err)),
    );
    return () => abort.abort();
  }, [captureId, filter, from, to, sort, offset]);

  useEffect(() => {
    setOps(null);
    if (selected === undefined) return;
    const abort = new AbortController();
    captureClient.streamOps(captureId, { key: selected, filter, from, to, offset: opsOffset, limit: OPS_PAGE, ...(unmask ? { unmask: 1 } : {}) }, abort.signal).then(
      (res) => !abort.signal.aborted && setOps(res),
      (err: unknown) => !abort.signal.aborted && setError(errorEnvelopeOf(err)),
    );
    return () => abort.abort();
  }, [captureId, selected, filter, from, to, opsOffset, unmask]);

  if (error !== null) return <div className="error-box" role="alert" data-testid="io-streams-error">{error.message}</div>;
  if (list === null) return <div className="muted pad" data-testid="io-streams-loading">Grouping the capture&apos;s I/O events…</div>;
  const fromList = selected === undefined ? undefined : list.streams.find((st) => st.key === selected);
  const openStream = ops?.stream ?? fromList;
  return (
    <IoStreamsView
      streams={list.streams}
      total={list.total}
      sort={sort}
      onSort={setSort}
      selected={selected}
      open={
        openStream === undefined
          ? undefined
          : {
              stream: openStream,
              rows: ops === null ? null : ops.ops.map((o): [number, (typeof o)['event']] => [o.id, o.event]),
              raw: unmask && ops !== null,
              note: (
                <>
                  {canUnmask && (
                    <label className="muted pad" title="Ask the hub for the bytes with credentials unmasked; every such view is written to the audit log">
                      <input type="checkbox" data-testid="io-unmask" checked={unmask} onChange={(e) => setUnmask(e.target.checked)} /> Show credentials (audited)
                    </label>
                  )}
                  {ops !== null && <Pager offset={opsOffset} page={OPS_PAGE} total={ops.total} what="Operations" onOffset={setOpsOffset} testId="io-ops-pager" />}
                </>
              ),
            }
      }
      onSelect={onSelect}
      onRawEvents={onRawEvents}
      note={
        <span className="muted" data-testid="io-streams-coverage" data-events={list.events}>
          {list.events.toLocaleString()} I/O events grouped by the hub
        </span>
      }
      footer={<Pager offset={offset} page={STREAM_PAGE} total={list.total} what="Streams" onOffset={setOffset} testId="io-streams-pager" />}
      empty="No I/O events in this capture (or in this filter and time range)."
    />
  );
}
