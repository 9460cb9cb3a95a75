import type { EventRecord } from '@podscope/protocol';
import { quoteFilterValue } from './clickFilter.ts';
import { parseHttpHead } from './httpHints.ts';
import { base64Bytes, hexDumpText } from './packetView.ts';

/** The gadget whose events make I/O streams. */
export const IO_GADGET = 'trace_io';

/** Direction of a trace_io data syscall; `other` = connect/accept/open/close. */
export type IoDirection = 'read' | 'write' | 'other';

const READ_OPS: ReadonlySet<string> = new Set(['READ', 'READV', 'PREAD', 'PREADV', 'RECV', 'RECVFROM', 'RECVMSG', 'RECVMMSG']);
const WRITE_OPS: ReadonlySet<string> = new Set(['WRITE', 'WRITEV', 'PWRITE', 'PWRITEV', 'SEND', 'SENDTO', 'SENDMSG', 'SENDMMSG', 'SENDFILE']);

export function directionOf(op: unknown): IoDirection {
  const o = typeof op === 'string' ? op.toUpperCase() : '';
  if (READ_OPS.has(o) || o.startsWith('RECV')) return 'read';
  if (WRITE_OPS.has(o) || o.startsWith('SEND')) return 'write';
  return 'other';
}

/** A trace_io event: it has an op and an fd name. */
export function isIoRow(row: EventRecord | undefined): row is EventRecord {
  return row !== undefined && typeof row['op'] === 'string' && typeof row['fd.name'] === 'string';
}

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');
const n = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);

/** Streams are per connection or file per container (as Sysdig Inspect groups them), and per process name. */
export function streamKeyOf(row: EventRecord): string {
  return [s(row['k8s.namespace']), s(row['k8s.podName']), s(row['k8s.containerName']), s(row['proc.comm']), s(row['fd.name'])].join('|');
}

export interface IoStream {
  key: string;
  namespace: string;
  pod: string;
  container: string;
  comm: string;
  fdName: string;
  fdType: string;
  bytesIn: number;
  bytesOut: number;
  reads: number;
  writes: number;
  /** connect/accept/open/close. */
  others: number;
  errors: number;
  firstSeen: number;
  lastSeen: number;
  /** HTTP heads seen in the captured bytes. */
  httpHeads: number;
  /** Malformed header lines and 5xx statuses among them. */
  httpFlags: number;
}

const HTTP_START = /^(HTTP\/\d|[A-Z]{3,7} \S)/;

/** The HTTP head an event's bytes start with, or null; decodes only a prefix unless it looks like HTTP. */
export function httpHeadOfRow(row: EventRecord): ReturnType<typeof parseHttpHead> {
  const data = s(row['data']);
  if (data.length < 8) return null;
  const prefix = base64Bytes(data.slice(0, 12));
  let start = '';
  for (const b of prefix) start += String.fromCharCode(b);
  if (!HTTP_START.test(start)) return null;
  return parseHttpHead(base64Bytes(data));
}

/** Groups trace_io rows into streams; non-io rows are skipped. Ordered by total bytes, biggest first. */
export function groupStreams(rows: Iterable<EventRecord>): IoStream[] {
  const map = new Map<string, IoStream>();
  for (const row of rows) {
    if (!isIoRow(row)) continue;
    const key = streamKeyOf(row);
    let st = map.get(key);
    const ts = n(row['timestamp']);
    if (st === undefined) {
      st = {
        key,
        namespace: s(row['k8s.namespace']),
        pod: s(row['k8s.podName']),
        container: s(row['k8s.containerName']),
        comm: s(row['proc.comm']),
        fdName: s(row['fd.name']),
        fdType: s(row['fd.type']),
        bytesIn: 0,
        bytesOut: 0,
        reads: 0,
        writes: 0,
        others: 0,
        errors: 0,
        firstSeen: ts,
        lastSeen: ts,
        httpHeads: 0,
        httpFlags: 0,
      };
      map.set(key, st);
    }
    if (st.fdType === '') st.fdType = s(row['fd.type']);
    const dir = directionOf(row['op']);
    const bytes = n(row['bytes']);
    const head = dir === 'other' ? null : httpHeadOfRow(row);
    if (head !== null) {
      st.httpHeads++;
      st.httpFlags += head.flags.length;
    }
    if (dir === 'read') {
      st.reads++;
      st.bytesIn += bytes;
    } else if (dir === 'write') {
      st.writes++;
      st.bytesOut += bytes;
    } else st.others++;
    if (s(row['error']) !== '' || n(row['retval']) < 0) st.errors++;
    if (ts < st.firstSeen) st.firstSeen = ts;
    if (ts > st.lastSeen) st.lastSeen = ts;
  }
  return sortStreams([...map.values()], 'bytes');
}

export type StreamSort = 'bytes' | 'in' | 'out' | 'ops' | 'errors' | 'first';

export function sortStreams(streams: IoStream[], by: StreamSort): IoStream[] {
  const key = (st: IoStream): number => {
    switch (by) {
      case 'bytes':
        return st.bytesIn + st.bytesOut;
      case 'in':
        return st.bytesIn;
      case 'out':
        return st.bytesOut;
      case 'ops':
        return st.reads + st.writes + st.others;
      case 'errors':
        return st.errors;
      case 'first':
        return -st.firstSeen;
    }
  };
  return [...streams].sort((a, b) => key(b) - key(a) || a.key.localeCompare(b.key));
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
