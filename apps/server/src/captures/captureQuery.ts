import {
  PodscopeError,
  compareBySortKeys,
  parseSortSpec,
  type CaptureEvent,
  type CaptureEventsQuery,
  type CaptureEventsResponse,
  type CaptureMeta,
  type EventRecord,
  type SortKey,
} from '@podscope/protocol';
import { readStats, type EventColumns } from './captureDb.ts';
import { captureFields, columnOnlyFields, planFilter, resolvePlan, type FilterPlan, type SqlArg } from './captureFilterPlan.ts';
import type { CaptureReader } from './captureStore.ts';

/** A row as the scans read it: the indexed columns (+ the body when the filter or sort needs it). */
export interface ScanRow extends Omit<EventColumns, 'error'> {
  id: number;
  body?: Buffer;
}

const SCAN_COLUMNS = 'id, ts, node, gadget, ns, pod, container, comm, pid';
/** From this offset on, a filter evaluated per row by an SQL function pages through memoized ids. */
const DEEP_OFFSET = 1_000;
/** Memoized scans kept per capture (filter × range × sort). */
const MAX_MEMO = 8;

/** The event record the column-only fields describe; enough for filters that read nothing else. */
export function columnRecord(r: ScanRow): EventRecord {
  const e: EventRecord = { timestamp: r.ts };
  if (r.ns !== null) e['k8s.namespace'] = r.ns;
  if (r.pod !== null) e['k8s.podName'] = r.pod;
  if (r.container !== null) e['k8s.containerName'] = r.container;
  if (r.comm !== null) e['proc.comm'] = r.comm;
  if (r.pid !== null) e['proc.pid'] = r.pid;
  return e;
}

/** Numeric sort keys SQL orders exactly like `compareBySortKeys` (missing values last). */
const sqlSortColumns: Readonly<Record<string, string>> = { timestamp: 'ts', 'proc.pid': 'pid' };

/** `ts` is NOT NULL: no null-ordering term, so the ts index serves the order (and LIMIT stops early). */
const orderTerm = (column: string, descending: boolean): string =>
  `${column === 'ts' ? '' : `${column} IS NULL, `}${column} ${descending ? 'DESC' : 'ASC'}`;

function parseSort(spec: string, meta: CaptureMeta): SortKey[] {
  const fields = captureFields(meta);
  const sorted = parseSortSpec(spec, fields);
  if (!sorted.ok) throw new PodscopeError('bad_param', `sort: ${sorted.error.message}`, { param: 'sort', ...sorted.error });
  return sorted.keys;
}

export function memoized<T>(reader: CaptureReader, key: string, compute: () => T): T {
  const events = readStats(reader.db).events;
  if (reader.memoStamp !== events) {
    reader.memo.clear();
    reader.memoStamp = events;
  }
  const hit = reader.memo.get(key);
  if (hit !== undefined) return hit as T;
  const value = compute();
  reader.memo.set(key, value);
  if (reader.memo.size > MAX_MEMO) {
    const oldest = reader.memo.keys().next();
    if (!oldest.done) reader.memo.delete(oldest.value);
  }
  return value;
}

/**
 * Rows matching a plan, in storage order (a sequential table scan; callers sort what matched); decodes
 * bodies only when the residual filter or the caller needs them.
 */
export function* scanMatches(reader: CaptureReader, plan: FilterPlan, withBody: boolean): Generator<{ row: ScanRow; event: EventRecord | undefined }> {
  const needBody = withBody || (plan.residual !== undefined && !plan.columnsOnly);
  const stmt = reader.db.prepare<SqlArg[], ScanRow>(`SELECT ${SCAN_COLUMNS}${needBody ? ', body' : ''} FROM events ${plan.where}`);
  for (const row of stmt.iterate(...plan.args)) {
    const event = needBody && row.body !== undefined ? reader.decoder.decode(row.body) : undefined;
    if (plan.residual !== undefined && !plan.residual(event ?? columnRecord(row))) continue;
    yield { row, event };
  }
}

function pageByIds(reader: CaptureReader, ids: ArrayLike<number>, offset: number, limit: number): CaptureEvent[] {
  const pageIds: number[] = [];
  for (let i = offset; i < Math.min(ids.length, offset + limit); i++) pageIds.push(ids[i] ?? 0);
  if (pageIds.length === 0) return [];
  const rows = reader.db
    .prepare<number[], { id: number; body: Buffer }>(`SELECT id, body FROM events WHERE id IN (${pageIds.map(() => '?').join(',')})`)
    .all(...pageIds);
  const byId = new Map(rows.map((r) => [r.id, r.body]));
  return pageIds.flatMap((id) => {
    const body = byId.get(id);
    return body === undefined ? [] : [{ id, event: reader.decoder.decode(body) }];
  });
}

/**
 * `GET /api/captures/:id/events`: filter, sort and page through every row of a capture. SQL does the
 * work when it can answer exactly; otherwise the matching ids (sorted) are computed once per
 * filter/range/sort and memoized, so scrolling pages through them costs one small lookup each.
 */
export function queryEvents(reader: CaptureReader, meta: CaptureMeta, q: CaptureEventsQuery): CaptureEventsResponse {
  const plan = resolvePlan(reader, planFilter(q.filter, captureFields(meta), { from: q.from, to: q.to }));
  const keys = parseSort(q.sort, meta);
  const sqlOrder = keys.every((k) => sqlSortColumns[k.field] !== undefined);
  if (plan.residual === undefined && sqlOrder) {
    const order = [...keys.map((k) => orderTerm(sqlSortColumns[k.field] ?? 'ts', k.descending)), 'id'].join(', ');
    if (plan.perRowFunction === true && q.offset >= DEEP_OFFSET) {
      // Deep pages would re-run the filter function on every row before them: keep the ordered ids once.
      const ids = memoized(reader, `ids:${plan.key}:${q.sort}`, () =>
        Float64Array.from(reader.db.prepare<SqlArg[], number>(`SELECT id FROM events ${plan.where} ORDER BY ${order}`).pluck().all(...plan.args)),
      );
      return { total: ids.length, offset: q.offset, events: pageByIds(reader, ids, q.offset, q.limit) };
    }
    const total = memoized(reader, `count:${plan.key}`, () =>
      reader.db.prepare<SqlArg[], { n: number }>(`SELECT count(*) AS n FROM events ${plan.where}`).get(...plan.args)?.n ?? 0,
    );
    const rows = reader.db
      .prepare<SqlArg[], { id: number; body: Buffer }>(`SELECT id, body FROM events ${plan.where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...plan.args, q.limit, q.offset);
    return { total, offset: q.offset, events: rows.map((r) => ({ id: r.id, event: reader.decoder.decode(r.body) })) };
  }
  const ids = memoized(reader, `ids:${plan.key}:${q.sort}`, () => sortedMatchIds(reader, plan, keys));
  return { total: ids.length, offset: q.offset, events: pageByIds(reader, ids, q.offset, q.limit) };
}

function sortedMatchIds(reader: CaptureReader, plan: FilterPlan, keys: SortKey[]): Float64Array {
  const isTimeOrder = keys.length === 0 || (keys.length === 1 && keys[0]?.field === 'timestamp' && !keys[0].descending);
  if (isTimeOrder) {
    const hits: { id: number; ts: number }[] = [];
    for (const { row } of scanMatches(reader, plan, false)) hits.push({ id: row.id, ts: row.ts });
    hits.sort((a, b) => a.ts - b.ts || a.id - b.id);
    return Float64Array.from(hits, (h) => h.id);
  }
  const sortNeedsBody = keys.some((k) => !columnOnlyFields.has(k.field));
  const rows: { id: number; e: EventRecord }[] = [];
  for (const { row, event } of scanMatches(reader, plan, sortNeedsBody)) rows.push({ id: row.id, e: event ?? columnRecord(row) });
  const cmp = compareBySortKeys(keys);
  rows.sort((a, b) => cmp(a.e, b.e) || a.id - b.id);
  return Float64Array.from(rows, (r) => r.id);
}
