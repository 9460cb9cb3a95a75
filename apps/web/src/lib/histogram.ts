import type { EventRecord, FieldMeta } from '@podscope/protocol';

export interface Bucket {
  lo: number;
  hi: number;
  count: number;
}

export interface KeyHistogram {
  key: string;
  /** Ascending by `lo`; only buckets present in the rows. */
  buckets: Bucket[];
  total: number;
}

/** Fields of a profile row that are not part of its key. */
const NOT_KEY = new Set(['timestamp', 'interval', 'bucket.lo', 'bucket.hi', 'count', 'mntns_id', 'mntns_pending', 'k8s.namespace', 'k8s.podName', 'k8s.containerName']);
const POD_FIELDS = new Set(['k8s.node', 'runtime.containerId', 'runtime.containerName', 'runtime.containerImageName', 'runtime.runtimeName']);

/**
 * What a histogram is per: the pod (`namespace/pod`) when rows carry one, plus the gadget's own key fields
 * (e.g. `disk`). Process and container-runtime fields ride along with the pod and do not split it.
 */
export function histogramKeyFields(gadgetFields: readonly FieldMeta[], common: readonly FieldMeta[]): string[] {
  const commonNames = new Set(common.map((f) => f.name));
  return gadgetFields.map((f) => f.name).filter((n) => !NOT_KEY.has(n) && !POD_FIELDS.has(n) && !commonNames.has(n));
}

/** A row's key: `ns/pod` (or `host` when no pod) followed by its own key fields. */
export function histogramKeyOf(row: EventRecord, keyFields: readonly string[], withNode = false): string {
  const ns = row['k8s.namespace'];
  const pod = row['k8s.podName'];
  const parts: string[] = [];
  if (withNode && typeof row['k8s.node'] === 'string') parts.push(row['k8s.node']);
  parts.push(typeof pod === 'string' && pod !== '' ? `${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${pod}` : 'host');
  for (const f of keyFields) {
    const v = row[f];
    if (v !== undefined && v !== null && v !== '') parts.push(String(v));
  }
  return parts.join(' · ');
}

/** Sums rows (one per non-empty bucket per key) into histograms per key, largest total first. */
export function aggregateHistograms(rows: readonly EventRecord[], keyOf: (row: EventRecord) => string): KeyHistogram[] {
  const byKey = new Map<string, Map<number, Bucket>>();
  for (const r of rows) {
    const lo = r['bucket.lo'];
    const hi = r['bucket.hi'];
    const count = r['count'];
    if (typeof lo !== 'number' || typeof hi !== 'number' || typeof count !== 'number') continue;
    const key = keyOf(r);
    let buckets = byKey.get(key);
    if (buckets === undefined) byKey.set(key, (buckets = new Map<number, Bucket>()));
    const b = buckets.get(lo);
    if (b === undefined) buckets.set(lo, { lo, hi, count });
    else b.count += count;
  }
  return [...byKey]
    .map(([key, m]) => {
      const buckets = [...m.values()].sort((a, b) => a.lo - b.lo);
      return { key, buckets, total: buckets.reduce((s, b) => s + b.count, 0) };
    })
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** Counts added during the latest interval: cumulative now minus cumulative at the previous fetch. */
export function deltaHistograms(latest: readonly KeyHistogram[], previous: readonly KeyHistogram[]): KeyHistogram[] {
  const before = new Map(previous.map((h) => [h.key, new Map(h.buckets.map((b) => [b.lo, b.count]))]));
  return latest.map((h) => {
    const prev = before.get(h.key);
    const buckets = h.buckets.map((b) => ({ ...b, count: Math.max(0, b.count - (prev?.get(b.lo) ?? 0)) }));
    return { key: h.key, buckets, total: buckets.reduce((s, b) => s + b.count, 0) };
  });
}

/** Sums several histograms bucket by bucket (the "all keys" total). */
export function mergeHistograms(key: string, hists: readonly KeyHistogram[]): KeyHistogram {
  return aggregateHistograms(
    hists.flatMap((h) => h.buckets.map((b) => ({ 'bucket.lo': b.lo, 'bucket.hi': b.hi, count: b.count }))),
    () => key,
  )[0] ?? { key, buckets: [], total: 0 };
}

/**
 * The p-quantile (0..1) estimated from buckets, interpolating linearly inside the bucket it falls in
 * (as Prometheus' histogram_quantile does). Null for an empty histogram.
 */
export function estimatePercentile(buckets: readonly Bucket[], p: number): number | null {
  const total = buckets.reduce((s, b) => s + b.count, 0);
  if (total === 0) return null;
  const rank = Math.min(Math.max(p, 0), 1) * total;
  let seen = 0;
  for (const b of buckets) {
    if (b.count === 0) continue;
    if (seen + b.count >= rank) return b.lo + ((b.hi - b.lo) * (rank - seen)) / b.count;
    seen += b.count;
  }
  const last = buckets[buckets.length - 1];
  return last === undefined ? null : last.hi;
}

/** Buckets from the first to the last non-empty one with the gaps filled by zero counts, so the axis is continuous. */
export function contiguousBuckets(buckets: readonly Bucket[]): Bucket[] {
  if (buckets.length === 0) return [];
  const out: Bucket[] = [];
  const byLo = new Map(buckets.map((b) => [b.lo, b]));
  let lo = buckets[0]!.lo;
  const lastLo = buckets[buckets.length - 1]!.lo;
  for (let guard = 0; lo <= lastLo && guard < 128; guard++) {
    const b = byLo.get(lo);
    const hi = b?.hi ?? (lo === 0 ? 1 : lo * 2);
    out.push(b ?? { lo, hi, count: 0 });
    lo = hi;
  }
  return out;
}

function compact(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)}G`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

/** Axis label of a bucket, `1-2`, `512-1K`; the unit goes on the axis title. */
export function bucketLabel(b: Pick<Bucket, 'lo' | 'hi'>): string {
  return `${compact(b.lo)}-${compact(b.hi)}`;
}

/** BCC's text histogram (`lo -> hi : count |****|`), bars scaled to the largest bucket. */
export function bccText(buckets: readonly Bucket[], unitTitle: string, width = 40): string {
  const rows = contiguousBuckets(buckets);
  const max = rows.reduce((m, b) => Math.max(m, b.count), 0);
  const loW = Math.max(...rows.map((b) => String(b.lo).length), unitTitle.length > 10 ? 10 : 5);
  const hiW = Math.max(...rows.map((b) => String(b.hi - 1).length), 5);
  const cW = Math.max(...rows.map((b) => String(b.count).length), 8);
  const header = `${unitTitle.padStart(loW + hiW + 4)} : ${'count'.padStart(cW)}    distribution`;
  const lines = rows.map((b) => {
    const stars = max === 0 ? 0 : Math.round((b.count / max) * width);
    // BCC prints inclusive upper bounds (`2 -> 3`).
    return `${String(b.lo).padStart(loW)} -> ${String(Math.max(b.lo, b.hi - 1)).padEnd(hiW)} : ${String(b.count).padStart(cW)}    |${'*'.repeat(stars).padEnd(width)}|`;
  });
  return [header, ...lines].join('\n');
}
