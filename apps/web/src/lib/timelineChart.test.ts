import { describe, expect, it } from 'vitest';
import { bucketOfNs, bucketRangeNs, timelinePoints } from './timelineChart.ts';

const t = { fromNs: 1_000, toNs: 1_999, bucketNs: 100, total: 6, series: [{ key: 'demo/web-1', counts: [1, 2, 0] }, { key: 'i', counts: [3] }] };

describe('timeline chart', () => {
  it('makes one point per bucket with every series, missing counts as 0', () => {
    expect(timelinePoints(t)).toEqual([
      { i: 0, 's:demo/web-1': 1, 's:i': 3 },
      { i: 1, 's:demo/web-1': 2, 's:i': 0 },
      { i: 2, 's:demo/web-1': 0, 's:i': 0 },
    ]);
  });

  it('turns a brushed bucket span (either direction) into an inclusive ns range', () => {
    expect(bucketRangeNs(t, 2, 4)).toEqual({ from: 1_200, to: 1_499 });
    expect(bucketRangeNs(t, 4, 2)).toEqual({ from: 1_200, to: 1_499 });
    // The last bucket ends at the timeline's end, not past it.
    expect(bucketRangeNs(t, 9, 12)).toEqual({ from: 1_900, to: 1_999 });
  });

  it('shades the buckets of a range from the URL', () => {
    expect(bucketOfNs(t, 1_250, 10)).toBe(2);
    expect(bucketOfNs(t, 0, 10)).toBe(0);
    expect(bucketOfNs(t, 99_999, 10)).toBe(9);
  });
});
