/**
 * I/O streams of trace_io events (Sysdig Inspect's view): events grouped per connection or file per
 * container and process. The hub groups saved captures with this code and the browser groups live rows
 * with it, so a stream key means the same thing on both sides.
 */
import { z } from 'zod';
import type { EventRecord } from '../fields.ts';
import { base64Latin1 } from './bytes.ts';
import { parseHttpHead, type HttpHead } from './httpHead.ts';

/** The gadget whose events make I/O streams. */
export const IO_GADGET = 'trace_io';

/** Direction of a trace_io data syscall; `other` = connect/accept/open/close. */
export type IoDirection = 'read' | 'write' | 'other';

const READ_OPS: ReadonlySet<string> = new Set(['READ', 'READV', 'PREAD', 'PREADV', 'RECV', 'RECVFROM', 'RECVMSG', 'RECVMMSG']);
const WRITE_OPS: ReadonlySet<string> = new Set(['WRITE', 'WRITEV', 'PWRITE', 'PWRITEV', 'SEND', 'SENDTO', 'SENDMSG', 'SENDMMSG', 'SENDFILE']);

export function ioDirectionOf(op: unknown): IoDirection {
  const o = typeof op === 'string' ? op.toUpperCase() : '';
  if (READ_OPS.has(o) || o.startsWith('RECV')) return 'read';
  if (WRITE_OPS.has(o) || o.startsWith('SEND')) return 'write';
  return 'other';
}

/** A trace_io event: it has an op and an fd name. */
export function isIoEvent(row: EventRecord | undefined): row is EventRecord {
  return row !== undefined && typeof row['op'] === 'string' && typeof row['fd.name'] === 'string';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);

/** Streams are per connection or file per container (as Sysdig Inspect groups them), and per process name. */
export function ioStreamKeyOf(row: EventRecord): string {
  return [str(row['k8s.namespace']), str(row['k8s.podName']), str(row['k8s.containerName']), str(row['proc.comm']), str(row['fd.name'])].join('|');
}

const HTTP_START = /^(HTTP\/\d|[A-Z]{3,7} \S)/;

/** The HTTP head an event's `data` starts with, or null; decodes only a prefix unless it looks like HTTP. */
export function httpHeadOfEvent(row: EventRecord): HttpHead | null {
  const data = str(row['data']);
  if (data.length < 8) return null;
  if (!HTTP_START.test(base64Latin1(data.slice(0, 12)))) return null;
  return parseHttpHead(base64Latin1(data));
}

export const IoStreamSummary = z.object({
  key: z.string(),
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  comm: z.string(),
  fdName: z.string(),
  fdType: z.string(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  reads: z.number().int(),
  writes: z.number().int(),
  /** connect/accept/open/close. */
  others: z.number().int(),
  errors: z.number().int(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** HTTP heads seen in the captured bytes. */
  httpHeads: z.number().int(),
  /** Malformed header lines and 5xx statuses among them. */
  httpFlags: z.number().int(),
});
export type IoStreamSummary = z.infer<typeof IoStreamSummary>;

/** Adds one trace_io event to its stream in `streams` (created on first sight); returns the stream. */
export function addToIoStream(streams: Map<string, IoStreamSummary>, row: EventRecord, key = ioStreamKeyOf(row)): IoStreamSummary {
  let st = streams.get(key);
  const ts = num(row['timestamp']);
  if (st === undefined) {
    st = {
      key,
      namespace: str(row['k8s.namespace']),
      pod: str(row['k8s.podName']),
      container: str(row['k8s.containerName']),
      comm: str(row['proc.comm']),
      fdName: str(row['fd.name']),
      fdType: str(row['fd.type']),
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
    streams.set(key, st);
  }
  if (st.fdType === '') st.fdType = str(row['fd.type']);
  const dir = ioDirectionOf(row['op']);
  const bytes = num(row['bytes']);
  const head = dir === 'other' ? null : httpHeadOfEvent(row);
  if (head !== null) {
    st.httpHeads++;
    st.httpFlags += head.problems.length;
  }
  if (dir === 'read') {
    st.reads++;
    st.bytesIn += bytes;
  } else if (dir === 'write') {
    st.writes++;
    st.bytesOut += bytes;
  } else st.others++;
  if (str(row['error']) !== '' || num(row['retval']) < 0) st.errors++;
  if (ts < st.firstSeen) st.firstSeen = ts;
  if (ts > st.lastSeen) st.lastSeen = ts;
  return st;
}

export const IoStreamSort = z.enum(['bytes', 'in', 'out', 'ops', 'errors', 'first']);
export type IoStreamSort = z.infer<typeof IoStreamSort>;

/** Streams ordered by `by`, biggest first (`first`: earliest first); ties by key. */
export function sortIoStreams<T extends IoStreamSummary>(streams: readonly T[], by: IoStreamSort): T[] {
  const key = (st: IoStreamSummary): number => {
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
