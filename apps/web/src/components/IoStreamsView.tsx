'use client';

import { useMemo, useState, type ReactNode } from 'react';
import { parseHttpHead, redactPayload, type EventRecord, type HttpHead } from '@podscope/protocol';
import { formatTimestampNs } from '../lib/formatField.ts';
import { findMatches, formatBytes, renderBytes, splitMatches, streamFilter, streamOps, viewAsTitles, type IoOp, type IoStream, type StreamSort, type ViewAs } from '../lib/ioStreams.ts';

/** The open stream and its rows (`null` while they load). */
export interface OpenStream {
  stream: IoStream;
  rows: readonly [number, EventRecord][] | null;
  /** Above the operations (e.g. how many of them are shown). */
  note?: ReactNode;
  /** The hub sent the bytes unmasked on request (an audited admin view): show them as they are. */
  raw?: boolean;
}

interface Props {
  /** The streams in display order (sorted by `sort`). */
  streams: readonly IoStream[];
  sort: StreamSort;
  onSort: (sort: StreamSort) => void;
  /** Key of the open stream (URL `stream=`). */
  selected: string | undefined;
  /** Set when the selected stream is known; undefined when it is not among the streams at hand. */
  open: OpenStream | undefined;
  onSelect: (key: string | undefined) => void;
  /** Jump to the stream's raw events with this filter. */
  onRawEvents: (filter: string) => void;
  /** A note above the list (how many events were read, that more exist). */
  note?: ReactNode;
  /** Below the list (paging). */
  footer?: ReactNode;
  /** How many streams there are in all (default: the list's length). */
  total?: number;
  empty: string;
}

const sortTitles: Record<StreamSort, string> = { bytes: 'Bytes', in: 'In', out: 'Out', ops: 'Ops', errors: 'Errors', first: 'First seen' };

/** Sysdig Inspect's I/O streams: connections and files per container, and one stream's reads and writes in order. */
export function IoStreamsView({ streams, sort, onSort, selected, open, onSelect, onRawEvents, note, footer, total, empty }: Props) {
  return (
    <div className="category-view io-streams" data-testid="io-streams">
      <div className="view-meta">
        <span data-testid="io-stream-count">{total ?? streams.length} streams</span>
        {note}
        <span className="muted">Header values of Authorization, Cookie and Set-Cookie and password= fields are masked.</span>
      </div>
      {selected !== undefined ? (
        open === undefined ? (
          <div className="pad">
            <button type="button" className="btn btn-small" onClick={() => onSelect(undefined)}>← All streams</button>
            <p className="muted">This stream is not among the events at hand.</p>
          </div>
        ) : (
          <StreamPane open={open} onBack={() => onSelect(undefined)} onRawEvents={onRawEvents} />
        )
      ) : (
        <div className="io-stream-list">
          <table className="rows-table io-table">
            <thead>
              <tr>
                <th>Container</th>
                <th>Process</th>
                <th>Type</th>
                <th>Stream</th>
                {(['in', 'out', 'bytes', 'ops', 'errors', 'first'] as const).map((k) => (
                  <th key={k}>
                    <button type="button" className={`sort-btn${sort === k ? ' active' : ''}`} data-testid={`io-sort-${k}`} onClick={() => onSort(k)}>
                      {sortTitles[k]}{sort === k ? ' ▾' : ''}
                    </button>
                  </th>
                ))}
                <th>HTTP</th>
              </tr>
            </thead>
            <tbody>
              {streams.map((st) => (
                <tr key={st.key} className="io-stream-row" data-testid="io-stream-row" data-fd-name={st.fdName} data-bytes={st.bytesIn + st.bytesOut} data-http-flags={st.httpFlags} onClick={() => onSelect(st.key)} title="Open the stream">
                  <td>{st.pod !== '' ? `${st.namespace}/${st.pod}` : '—'}{st.container !== '' ? ` · ${st.container}` : ''}</td>
                  <td>{st.comm}</td>
                  <td>{st.fdType}</td>
                  <td className="mono">{st.fdName}</td>
                  <td className="num io-in">{formatBytes(st.bytesIn)}</td>
                  <td className="num io-out">{formatBytes(st.bytesOut)}</td>
                  <td className="num">{formatBytes(st.bytesIn + st.bytesOut)}</td>
                  <td className="num" title={`${st.reads} reads, ${st.writes} writes, ${st.others} other`}>{st.reads + st.writes + st.others}</td>
                  <td className={`num${st.errors > 0 ? ' io-err' : ''}`}>{st.errors}</td>
                  <td>{formatTimestampNs(st.firstSeen)}</td>
                  <td>{st.httpHeads > 0 ? <span className={st.httpFlags > 0 ? 'io-flag' : 'muted'}>{st.httpFlags > 0 ? `HTTP ⚠ ${st.httpFlags}` : 'HTTP'}</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {streams.length === 0 && <p className="muted pad">{empty}</p>}
          {footer}
        </div>
      )}
    </div>
  );
}

interface Shown {
  op: IoOp;
  text: string;
  head: HttpHead | null;
}

function StreamPane({ open, onBack, onRawEvents }: { open: OpenStream; onBack: () => void; onRawEvents: (filter: string) => void }) {
  const { stream, rows, raw = false } = open;
  const [viewAs, setViewAs] = useState<ViewAs>('printable');
  const [search, setSearch] = useState('');
  const ops = useMemo(() => (rows === null ? [] : streamOps(rows, stream.key)), [rows, stream.key]);
  const shown: Shown[] = useMemo(
    () =>
      ops.map((op) => {
        const bytes = raw ? op.data : redactPayload(op.data);
        return { op, text: renderBytes(bytes, viewAs), head: parseHttpHead(bytes) };
      }),
    [ops, viewAs, raw],
  );
  const matches = useMemo(() => shown.reduce((sum, s) => sum + findMatches(s.text, search).length, 0), [shown, search]);
  const heads = shown.filter((s) => s.head !== null);
  return (
    <div className="io-stream" data-testid="io-stream" data-fd-name={stream.fdName}>
      <div className="io-stream-bar">
        <button type="button" className="btn btn-small" data-testid="io-stream-back" onClick={onBack}>← All streams</button>
        <span className="mono">{stream.fdName}</span>
        <span className="muted">
          {stream.pod !== '' ? `${stream.pod} · ` : ''}{stream.comm} · <span className="io-in">in {formatBytes(stream.bytesIn)}</span> · <span className="io-out">out {formatBytes(stream.bytesOut)}</span>
        </span>
        <button type="button" className="btn btn-small" data-testid="io-raw-events" onClick={() => onRawEvents(streamFilter(stream))} title="Show this stream's raw events in the Events tab">
          Raw events
        </button>
        <div className="header-spacer" />
        <label className="muted">
          View as{' '}
          <select data-testid="io-view-as" value={viewAs} onChange={(e) => setViewAs(e.target.value as ViewAs)}>
            {(Object.keys(viewAsTitles) as ViewAs[]).map((k) => (
              <option key={k} value={k}>{viewAsTitles[k]}</option>
            ))}
          </select>
        </label>
        <input className="input io-search" type="search" placeholder="search in stream" aria-label="Search in stream" data-testid="io-search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="muted" data-testid="io-search-count" data-count={matches}>{search === '' ? '' : `${matches} match${matches === 1 ? '' : 'es'}`}</span>
      </div>
      {open.note}
      {heads.length > 0 && (
        <ul className="io-http" data-testid="io-http">
          {heads.map(({ op, head }) =>
            head === null ? null : (
              <li key={op.ref} className={`io-http-${op.direction}`}>
                <span className="mono">{head.startLine}</span>
                {head.problems.map((f) => (
                  <span key={f.message} className="io-flag" data-testid="io-http-flag" data-kind={f.kind}> ⚠ {f.message}: {f.line}</span>
                ))}
              </li>
            ),
          )}
        </ul>
      )}
      <div className="io-ops">
        {shown.map(({ op, text, head }) => (
          <section key={op.ref} className={`io-op io-op-${op.direction}`} data-op={op.direction}>
            <header className="io-op-header" data-testid="io-op" data-op={op.direction}>
              {op.header}
              <span className="muted"> · {formatTimestampNs(op.timestamp)}{op.truncated ? ` · first ${op.data.length} B captured` : ''}</span>
            </header>
            {head !== null && head.headers.length > 0 && (
              <details className="io-http-headers">
                <summary>{head.headers.length} headers</summary>
                <dl>
                  {head.headers.map((h, i) => (
                    <div key={i}><dt>{h.name}</dt><dd>{h.value}</dd></div>
                  ))}
                </dl>
              </details>
            )}
            {head?.problems.map((f) => (
              <div key={f.message} className="io-flag io-op-flag" data-kind={f.kind}>⚠ {f.message}: {f.line}</div>
            ))}
            <pre className={`io-op-data${viewAs === 'hex' ? ' io-op-hex' : ''}`}>
              {splitMatches(text, search).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}
            </pre>
          </section>
        ))}
        {rows === null && <p className="muted pad" data-testid="io-ops-loading">Reading the stream&apos;s operations…</p>}
        {rows !== null && shown.length === 0 && <p className="muted pad">No reads or writes with data in this stream.</p>}
      </div>
    </div>
  );
}
