import {
  IO_GADGET,
  PodscopeError,
  addToIoStream,
  ioDirectionOf,
  ioStreamKeyOf,
  isIoEvent,
  sortIoStreams,
  type CaptureEvent,
  type CaptureMeta,
  type CaptureStreamOpsQuery,
  type CaptureStreamOpsResponse,
  type CaptureStreamsQuery,
  type CaptureStreamsResponse,
  type IoStreamSort,
  type IoStreamSummary,
} from '@podscope/protocol';
import { captureFields, planFilter, resolveByDistinctValues } from './captureFilterPlan.ts';
import { memoized, scanMatches } from './captureQuery.ts';
import type { CaptureReader } from './captureStore.ts';

// The I/O streams of a saved capture, grouped on the hub over every matching row (no row cap): SQL
// narrows the rows by the filter's indexed clauses and time range, the rest runs on decoded events.
// The grouping of one filter/range is memoized per capture until the capture changes.

const READ = 0;
const WRITE = 1;
const OTHER = 2;

interface StreamOps {
  summary: IoStreamSummary;
  /** Row ids in time order, with their directions. */
  ids: number[];
  dirs: number[];
}

interface StreamIndex {
  byKey: Map<string, StreamOps>;
  events: number;
  sorted: Map<IoStreamSort, IoStreamSummary[]>;
}

function requireIoCapture(meta: CaptureMeta, id: string): void {
  if (!meta.gadgets.some((g) => g.name === IO_GADGET) && meta.request.gadget !== IO_GADGET) {
    throw new PodscopeError('conflict', `capture ${id} has no I/O streams: it recorded ${meta.request.gadget}, streams come from ${IO_GADGET}`, { captureId: id, gadget: meta.request.gadget });
  }
}

function buildIndex(reader: CaptureReader, meta: CaptureMeta, q: { filter: string; from?: number | undefined; to?: number | undefined }): StreamIndex {
  const plan = resolveByDistinctValues(reader.db, planFilter(q.filter, captureFields(meta), { from: q.from, to: q.to }));
  const summaries = new Map<string, IoStreamSummary>();
  const byKey = new Map<string, StreamOps & { ts: number[] }>();
  let events = 0;
  for (const { row, event } of scanMatches(reader, plan, true)) {
    if (!isIoEvent(event)) continue;
    events++;
    const key = ioStreamKeyOf(event);
    const summary = addToIoStream(summaries, event, key);
    let ops = byKey.get(key);
    if (ops === undefined) {
      ops = { summary, ids: [], dirs: [], ts: [] };
      byKey.set(key, ops);
    }
    const dir = ioDirectionOf(event['op']);
    ops.ids.push(row.id);
    ops.ts.push(row.ts);
    ops.dirs.push(dir === 'read' ? READ : dir === 'write' ? WRITE : OTHER);
  }
  const out = new Map<string, StreamOps>();
  for (const [key, ops] of byKey) {
    // Rows are stored in arrival order; batches from several nodes may interleave out of time order.
    let ordered = true;
    for (let i = 1; i < ops.ts.length && ordered; i++) ordered = (ops.ts[i - 1] ?? 0) <= (ops.ts[i] ?? 0);
    if (!ordered) {
      const idx = ops.ids.map((_, i) => i).sort((a, b) => (ops.ts[a] ?? 0) - (ops.ts[b] ?? 0) || (ops.ids[a] ?? 0) - (ops.ids[b] ?? 0));
      ops.ids = idx.map((i) => ops.ids[i] ?? 0);
      ops.dirs = idx.map((i) => ops.dirs[i] ?? OTHER);
    }
    out.set(key, { summary: ops.summary, ids: ops.ids, dirs: ops.dirs });
  }
  return { byKey: out, events, sorted: new Map() };
}

function streamIndex(reader: CaptureReader, meta: CaptureMeta, q: { filter: string; from?: number | undefined; to?: number | undefined }): StreamIndex {
  return memoized(reader, `streams:${q.filter}:${q.from ?? ''}:${q.to ?? ''}`, () => buildIndex(reader, meta, q));
}

/** `GET /api/captures/:id/streams`: a page of the capture's streams, sorted. */
export function queryStreams(reader: CaptureReader, meta: CaptureMeta, q: CaptureStreamsQuery): CaptureStreamsResponse {
  requireIoCapture(meta, reader.id);
  const index = streamIndex(reader, meta, q);
  let sorted = index.sorted.get(q.sort);
  if (sorted === undefined) {
    sorted = sortIoStreams([...index.byKey.values()].map((s) => s.summary), q.sort);
    index.sorted.set(q.sort, sorted);
  }
  return { total: sorted.length, offset: q.offset, events: index.events, streams: sorted.slice(q.offset, q.offset + q.limit) };
}

/** `GET /api/captures/:id/streams/ops`: a page of one stream's operations in time order. */
export function queryStreamOps(reader: CaptureReader, meta: CaptureMeta, q: CaptureStreamOpsQuery): CaptureStreamOpsResponse {
  requireIoCapture(meta, reader.id);
  const ops = streamIndex(reader, meta, q).byKey.get(q.key);
  if (ops === undefined) throw new PodscopeError('not_found', `no stream ${q.key} in capture ${reader.id} (in this filter and time range)`, { captureId: reader.id, key: q.key });
  const ids = q.others ? ops.ids : ops.ids.filter((_, i) => ops.dirs[i] !== OTHER);
  const pageIds = ids.slice(q.offset, q.offset + q.limit);
  const rows =
    pageIds.length === 0
      ? []
      : reader.db.prepare<number[], { id: number; body: Buffer }>(`SELECT id, body FROM events WHERE id IN (${pageIds.map(() => '?').join(',')})`).all(...pageIds);
  const byId = new Map(rows.map((r) => [r.id, r.body]));
  const page: CaptureEvent[] = pageIds.flatMap((id) => {
    const body = byId.get(id);
    return body === undefined ? [] : [{ id, event: reader.decoder.decode(body) }];
  });
  return { stream: ops.summary, total: ids.length, offset: q.offset, ops: page };
}
