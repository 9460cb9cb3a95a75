import { IO_GADGET, addToIoStream, ioDirectionOf, ioStreamKeyOf, isIoEvent, sortIoStreams, type EventRecord, type IoDirection, type IoStreamSort, type IoStreamSummary } from '@podscope/protocol';
import { quoteFilterValue } from './clickFilter.ts';
import { base64Bytes, hexDumpText } from './packetView.ts';

// Grouping is shared with the hub (packages/protocol), so a stream key means the same live and in captures.
export { IO_GADGET, type IoDirection };
export const directionOf = ioDirectionOf;
export const isIoRow = isIoEvent;
export const streamKeyOf = ioStreamKeyOf;
export type IoStream = IoStreamSummary;
export type StreamSort = IoStreamSort;
export const sortStreams = sortIoStreams;

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');
const n = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);

/** Groups trace_io rows into streams; non-io rows are skipped. Ordered by total bytes, biggest first. */
export function groupStreams(rows: Iterable<EventRecord>): IoStream[] {
  const map = new Map<string, IoStream>();
  for (const row of rows) if (isIoEvent(row)) addToIoStream(map, row);
  return sortIoStreams([...map.values()], 'bytes');
}

export interface IoOp {
  /** Where the row came from (live store index or capture row id). */
  ref: number;
  direction: IoDirection;
  op: string;
  timestamp: number;
  bytes: number;
  data: Uint8Array;
  truncated: boolean;
  error: string;
  header: string;
}

/** The peer an op talks to: the remote endpoint of a socket, else the fd name (a path, pipe:[…]). */
export function peerOf(row: EventRecord): string {
  const raddr = s(row['raddr']);
  if (raddr !== '') return raddr;
  const name = s(row['fd.name']);
  const arrow = name.indexOf('->');
  return arrow >= 0 ? name.slice(arrow + 2) : name;
}

/** `Read 256 B from 10.0.0.5:8080 (ticket-balancer-7c9f, haproxy)` / `Write 187 B to …`. */
export function opHeader(row: EventRecord): string {
  const dir = directionOf(row['op']);
  const who = [s(row['k8s.podName']) || s(row['k8s.containerName']), s(row['proc.comm'])].filter((x) => x !== '').join(', ');
  const tail = who === '' ? '' : ` (${who})`;
  const err = s(row['error']);
  const peer = peerOf(row);
  if (dir === 'other') return `${s(row['op']).charAt(0)}${s(row['op']).slice(1).toLowerCase()} ${peer}${err !== '' ? ` failed: ${err}` : ''}${tail}`;
  const verb = dir === 'read' ? 'Read' : 'Write';
  const prep = dir === 'read' ? 'from' : 'to';
  if (err !== '') return `${verb} ${prep} ${peer} failed: ${err}${tail}`;
  return `${verb} ${n(row['bytes'])} B ${prep} ${peer}${tail}`;
}

/** The ordered operations of one stream (by timestamp, then ref), with decoded bytes. */
export function streamOps(rows: Iterable<[number, EventRecord]>, key: string, withOthers = false): IoOp[] {
  const ops: IoOp[] = [];
  for (const [ref, row] of rows) {
    if (!isIoRow(row) || streamKeyOf(row) !== key) continue;
    const direction = directionOf(row['op']);
    if (direction === 'other' && !withOthers) continue;
    ops.push({
      ref,
      direction,
      op: s(row['op']),
      timestamp: n(row['timestamp']),
      bytes: n(row['bytes']),
      data: base64Bytes(s(row['data'])),
      truncated: row['data_truncated'] === true,
      error: s(row['error']),
      header: opHeader(row),
    });
  }
  return ops.sort((a, b) => a.timestamp - b.timestamp || a.ref - b.ref);
}

export type ViewAs = 'printable' | 'dotted' | 'hex';
export const viewAsTitles: Record<ViewAs, string> = { printable: 'Printable ASCII', dotted: 'Dotted ASCII', hex: 'Hex' };

const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e;

/** Bytes rendered as Sysdig Inspect does: printable keeps text and line breaks, dotted shows every other byte as `.`, hex is a dump. */
export function renderBytes(bytes: Uint8Array, as: ViewAs): string {
  if (as === 'hex') return hexDumpText(bytes);
  let out = '';
  for (const b of bytes) {
    if (printable(b) || b === 0x0a || (as === 'printable' && b === 0x09)) out += String.fromCharCode(b);
    else if (as === 'dotted') out += '.';
  }
  return out;
}

/** Case-insensitive occurrences of `needle` in `text` as [start, end) ranges (non-overlapping). */
export function findMatches(text: string, needle: string): [number, number][] {
  if (needle === '') return [];
  const hay = text.toLowerCase();
  const nd = needle.toLowerCase();
  const out: [number, number][] = [];
  for (let i = hay.indexOf(nd); i >= 0; i = hay.indexOf(nd, i + nd.length)) out.push([i, i + nd.length]);
  return out;
}

/** Text split into plain and matching parts, for highlighting. */
export function splitMatches(text: string, needle: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [a, b] of findMatches(text, needle)) {
    if (a > at) parts.push({ text: text.slice(at, a), match: false });
    parts.push({ text: text.slice(a, b), match: true });
    at = b;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/** The filter that selects a stream's raw events. */
export function streamFilter(st: Pick<IoStream, 'fdName' | 'pod' | 'comm'>): string {
  const q = quoteFilterValue;
  const clauses = [`fd.name==${q(st.fdName)}`];
  if (st.pod !== '') clauses.push(`k8s.podName==${q(st.pod)}`);
  if (st.comm !== '') clauses.push(`proc.comm==${q(st.comm)}`);
  return clauses.join(',');
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
}
