import type { CaptureMeta, CaptureTimelineQuery, CaptureTimelineResponse, TimelineGroupBy } from '@podscope/protocol';
import { readStats } from './captureDb.ts';
import { captureFields, planFilter, resolvePlan, type SqlArg } from './captureFilterPlan.ts';
import { scanMatches, type ScanRow } from './captureQuery.ts';
import type { CaptureReader } from './captureStore.ts';

/** Series beyond this many (by total) are summed into one "(other)" series, so totals still add up. */
const MAX_SERIES = 20;
const NONE = '(none)';
const OTHER = '(other)';

const groupColumn: Record<TimelineGroupBy, keyof ScanRow | undefined> = { none: undefined, pod: 'pod', node: 'node', gadget: 'gadget', comm: 'comm' };

/** `GET /api/captures/:id/timeline`: event counts per time bucket, one series per pod (or node, gadget, command). */
export function queryTimeline(reader: CaptureReader, meta: CaptureMeta, q: CaptureTimelineQuery): CaptureTimelineResponse {
  const stats = readStats(reader.db);
  const fromNs = q.from ?? stats.firstNs ?? 0;
  const toNs = Math.max(fromNs, q.to ?? stats.lastNs ?? fromNs);
  const bucketNs = Math.max(1, Math.ceil((toNs - fromNs + 1) / q.buckets));
  // A range over most of the capture is cheaper checked during the scan of the (pod, ts) index than searched by ts.
  const span = Math.max(1, (stats.lastNs ?? toNs) - (stats.firstNs ?? fromNs));
  const scan = toNs - fromNs >= span / 4;
  const plan = resolvePlan(reader, planFilter(q.filter, captureFields(meta), { from: fromNs, to: toNs, scan }));
  const col = groupColumn[q.groupBy];
  const series = new Map<string, number[]>();
  const add = (key: string | null, bucket: number, n: number): void => {
    const k = key ?? NONE;
    let counts = series.get(k);
    if (counts === undefined) {
      counts = new Array<number>(q.buckets).fill(0);
      series.set(k, counts);
    }
    const b = Math.min(q.buckets - 1, Math.max(0, bucket));
    counts[b] = (counts[b] ?? 0) + n;
  };

  if (plan.residual === undefined) {
    const keyExpr = col === undefined ? 'NULL' : col;
    const rows = reader.db
      .prepare<SqlArg[], { b: number; k: string | null; n: number }>(
        `SELECT CAST((ts - ?) / ? AS INTEGER) AS b, ${keyExpr} AS k, count(*) AS n FROM events ${plan.where} GROUP BY b, k`,
      )
      .all(fromNs, bucketNs, ...plan.args);
    for (const r of rows) add(col === undefined ? 'all' : r.k, r.b, r.n);
  } else {
    for (const { row } of scanMatches(reader, plan, false)) {
      const key = col === undefined ? 'all' : row[col];
      add(typeof key === 'string' ? key : null, Math.floor((row.ts - fromNs) / bucketNs), 1);
    }
  }

  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const ranked = [...series].map(([key, counts]) => ({ key, counts, total: sum(counts) })).sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  const kept = ranked.slice(0, MAX_SERIES);
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length > 0) {
    const other = new Array<number>(q.buckets).fill(0);
    for (const s of rest) s.counts.forEach((n, i) => (other[i] = (other[i] ?? 0) + n));
    kept.push({ key: OTHER, counts: other, total: sum(other) });
  }
  return {
    fromNs,
    toNs,
    bucketNs,
    total: kept.reduce((n, s) => n + s.total, 0),
    series: kept.map(({ key, counts }) => ({ key, counts })),
  };
}
