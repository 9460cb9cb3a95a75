import { ioStreamKeyOf, type CaptureSummary, type EventRecord } from '@podscope/protocol';
import { quoteFilterValue } from './clickFilter.ts';
import { IO_GADGET } from './ioStreams.ts';
import { captureViewPath } from './captureViewState.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A trace_tcp (or any connection) row: local `src` and remote `dst` endpoints, no fd of its own. */
export function isConnectionRow(row: EventRecord | undefined): row is EventRecord {
  return row !== undefined && str(row['src']).includes(':') && str(row['dst']).includes(':') && typeof row['fd.name'] !== 'string' && typeof row['data'] !== 'string';
}

/** The fd name trace_io gives the connection's socket in the same process: `laddr->raddr`. */
export function connectionFdName(row: EventRecord): string {
  return `${str(row['src'])}->${str(row['dst'])}`;
}

/**
 * The newest saved trace_io capture whose time range covers the row, or undefined. A capture still
 * recording covers everything after its first event.
 */
export function captureCovering(captures: readonly CaptureSummary[], row: EventRecord): CaptureSummary | undefined {
  const ts = typeof row['timestamp'] === 'number' ? row['timestamp'] : NaN;
  return [...captures]
    .filter((c) => c.gadgets.includes(IO_GADGET) && c.firstNs !== null && c.firstNs <= ts && (c.state === 'recording' || (c.lastNs !== null && ts <= c.lastNs)))
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** The capture screen's Streams tab narrowed to the row's connection (in its pod), with that stream open. */
export function connectionStreamPath(captureId: string, row: EventRecord): string {
  const fdName = connectionFdName(row);
  const pod = str(row['k8s.podName']);
  const filter = [`fd.name==${quoteFilterValue(fdName)}`, ...(pod === '' ? [] : [`k8s.podName==${quoteFilterValue(pod)}`])].join(',');
  return captureViewPath({ id: captureId, tab: 'streams', filter, stream: ioStreamKeyOf({ ...row, 'fd.name': fdName }) });
}
