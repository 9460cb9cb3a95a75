import type { CaptureTimelineResponse } from '@podscope/protocol';

export interface TimelinePoint {
  /** Bucket index. */
  i: number;
  [series: string]: number;
}

/** Chart rows, one per bucket, one column per series (series keys are prefixed so they cannot clash with `i`). */
export function timelinePoints(t: CaptureTimelineResponse): TimelinePoint[] {
  const n = Math.max(0, ...t.series.map((s) => s.counts.length));
  const points: TimelinePoint[] = [];
  for (let i = 0; i < n; i++) {
    const p: TimelinePoint = { i };
    for (const s of t.series) p[seriesKey(s.key)] = s.counts[i] ?? 0;
    points.push(p);
  }
  return points;
}

export const seriesKey = (key: string): string => `s:${key}`;

/** The ns range buckets `a..b` (either order) cover, inclusive. */
export function bucketRangeNs(t: Pick<CaptureTimelineResponse, 'fromNs' | 'toNs' | 'bucketNs'>, a: number, b: number): { from: number; to: number } {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { from: t.fromNs + lo * t.bucketNs, to: Math.min(t.toNs, t.fromNs + (hi + 1) * t.bucketNs - 1) };
}

/** The bucket a ns time falls in, clamped to the chart. */
export function bucketOfNs(t: Pick<CaptureTimelineResponse, 'fromNs' | 'bucketNs'>, ns: number, buckets: number): number {
  return Math.min(buckets - 1, Math.max(0, Math.floor((ns - t.fromNs) / t.bucketNs)));
}
