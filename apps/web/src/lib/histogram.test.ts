import { describe, expect, it } from 'vitest';
import { commonFields, type EventRecord, type FieldMeta } from '@podscope/protocol';
import { aggregateHistograms, bccText, bucketLabel, contiguousBuckets, deltaHistograms, estimatePercentile, histogramKeyFields, histogramKeyOf, mergeHistograms } from './histogram.ts';
import { latestIntervalRows } from './intervalRows.ts';
import { RowStore } from './rowStore.ts';

const gadgetFields: FieldMeta[] = [
  { name: 'timestamp', type: 'timestamp', unit: 'ns', description: '', defaultVisible: true },
  { name: 'interval', type: 'integer', description: '', defaultVisible: false },
  { name: 'mntns_id', type: 'integer', description: '', defaultVisible: false },
  { name: 'disk', type: 'string', description: '', defaultVisible: true },
  { name: 'bucket.lo', type: 'duration', unit: 'us', description: '', defaultVisible: true },
  { name: 'bucket.hi', type: 'duration', unit: 'us', description: '', defaultVisible: true },
  { name: 'count', type: 'integer', description: '', defaultVisible: true },
];

const row = (interval: number, pod: string, disk: string, lo: number, count: number, node = 'n1'): EventRecord => ({
  timestamp: 1_000_000_000 * interval,
  interval,
  'k8s.node': node,
  'k8s.namespace': pod === '' ? '' : 'demo',
  'k8s.podName': pod,
  disk,
  'bucket.lo': lo,
  'bucket.hi': lo === 0 ? 1 : lo * 2,
  count,
});

describe('histogram keys and aggregation', () => {
  it('keys by pod plus the gadget own key fields', () => {
    const keys = histogramKeyFields(gadgetFields, commonFields);
    expect(keys).toEqual(['disk']);
    expect(histogramKeyOf(row(1, 'web-1', 'vda', 4, 1), keys)).toBe('demo/web-1 · vda');
    expect(histogramKeyOf(row(1, '', 'vdb', 4, 1), keys)).toBe('host · vdb');
  });

  it('sums rows per key and bucket, largest key first', () => {
    const keyOf = (r: EventRecord) => histogramKeyOf(r, ['disk']);
    const hists = aggregateHistograms([row(3, 'web-1', 'vda', 4, 2), row(3, 'web-1', 'vda', 1, 5), row(3, 'db-0', 'vda', 8, 20), row(3, 'web-1', 'vda', 4, 1)], keyOf);
    expect(hists.map((h) => h.key)).toEqual(['demo/db-0 · vda', 'demo/web-1 · vda']);
    expect(hists[1]).toEqual({ key: 'demo/web-1 · vda', total: 8, buckets: [{ lo: 1, hi: 2, count: 5 }, { lo: 4, hi: 8, count: 3 }] });
    expect(mergeHistograms('all', hists)).toEqual({ key: 'all', total: 28, buckets: [{ lo: 1, hi: 2, count: 5 }, { lo: 4, hi: 8, count: 3 }, { lo: 8, hi: 16, count: 20 }] });
  });

  it('turns cumulative counts into the latest interval delta', () => {
    const keyOf = (r: EventRecord) => histogramKeyOf(r, ['disk']);
    const prev = aggregateHistograms([row(2, 'web-1', 'vda', 4, 10)], keyOf);
    const now = aggregateHistograms([row(3, 'web-1', 'vda', 4, 13), row(3, 'web-1', 'vda', 8, 2)], keyOf);
    expect(deltaHistograms(now, prev)[0]).toEqual({ key: 'demo/web-1 · vda', total: 5, buckets: [{ lo: 4, hi: 8, count: 3 }, { lo: 8, hi: 16, count: 2 }] });
  });

  it('fills gaps between buckets and labels them', () => {
    const filled = contiguousBuckets([{ lo: 1, hi: 2, count: 1 }, { lo: 8, hi: 16, count: 3 }]);
    expect(filled.map(bucketLabel)).toEqual(['1-2', '2-4', '4-8', '8-16']);
    expect(filled.map((b) => b.count)).toEqual([1, 0, 0, 3]);
    expect(bucketLabel({ lo: 512, hi: 1024 })).toBe('512-1K');
    expect(bucketLabel({ lo: 0, hi: 1 })).toBe('0-1');
  });
});

describe('percentiles from buckets', () => {
  const buckets = [
    { lo: 1, hi: 2, count: 50 },
    { lo: 2, hi: 4, count: 40 },
    { lo: 4, hi: 8, count: 9 },
    { lo: 1024, hi: 2048, count: 1 },
  ];
  it('interpolates inside the bucket the rank falls in', () => {
    expect(estimatePercentile(buckets, 0.5)).toBe(2);
    expect(estimatePercentile(buckets, 0.9)).toBe(4);
    expect(estimatePercentile(buckets, 0.25)).toBe(1.5);
    expect(estimatePercentile(buckets, 0.99)).toBe(8);
    expect(estimatePercentile(buckets, 0.995)).toBe(1536);
    expect(estimatePercentile(buckets, 1)).toBe(2048);
  });
  it('is null for an empty histogram', () => {
    expect(estimatePercentile([], 0.5)).toBeNull();
    expect(estimatePercentile([{ lo: 1, hi: 2, count: 0 }], 0.5)).toBeNull();
  });
});

describe('BCC text rendering', () => {
  it('prints lo -> hi : count |***| scaled to the largest bucket', () => {
    const text = bccText([{ lo: 1, hi: 2, count: 4 }, { lo: 4, hi: 8, count: 2 }], 'usecs', 8);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/usecs : +count +distribution/);
    expect(lines[1]).toMatch(/^ +1 -> 1 +: +4 +\|\*{8}\|$/);
    expect(lines[2]).toMatch(/^ +2 -> 3 +: +0 +\| {8}\|$/);
    expect(lines[3]).toMatch(/^ +4 -> 7 +: +2 +\|\*{4} {4}\|$/);
  });
});

describe('latest interval of each node', () => {
  it('takes each node newest fetch and the one before it', () => {
    const store = new RowStore();
    store.append([row(1, 'web-1', 'vda', 4, 1), row(1, 'web-1', 'vda', 8, 1)]);
    store.append([row(2, 'web-1', 'vda', 4, 3), row(1, 'db-0', 'vdb', 4, 7, 'n2')]);
    store.append([row(3, 'web-1', 'vda', 4, 5), row(3, 'web-1', 'vda', 8, 2)]);
    const r = latestIntervalRows((i) => store.get(i), store.firstIndex, store.endIndex);
    expect(r.interval).toBe(3);
    expect(r.timestamp).toBe(3_000_000_000);
    expect(r.latest.map((x) => [x['k8s.node'], x.interval, x.count])).toEqual([['n2', 1, 7], ['n1', 3, 5], ['n1', 3, 2]]);
    expect(r.previous.map((x) => [x.interval, x.count])).toEqual([[2, 3]]);
  });
  it('is empty for no rows', () => {
    expect(latestIntervalRows(() => undefined, 0, 0)).toEqual({ latest: [], previous: [], interval: null, timestamp: null });
  });
});
