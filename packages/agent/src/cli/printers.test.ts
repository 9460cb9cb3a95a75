import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { GadgetMeta } from '@podscope/protocol';
import { commonFields } from '@podscope/protocol';
import { EventPrinter } from './eventPrinter.ts';
import { ProfileHistograms, formatLog2Histogram } from './histogramPrinter.ts';
import { TopTableSink } from './topTablePrinter.ts';

describe('formatLog2Histogram', () => {
  it("prints BCC biolatency's layout, matching the seed's profile_blockio output", () => {
    const lines = formatLog2Histogram(
      [
        { lo: 8, hi: 16, count: 30 },
        { lo: 64, hi: 128, count: 596 },
        { lo: 128, hi: 256, count: 602 },
        { lo: 4096, hi: 8192, count: 6 },
      ],
      'us',
    );
    expect(lines[0]).toBe('     usecs               : count    distribution');
    expect(lines[1]).toBe('         0 -> 1          : 0        |                                        |');
    expect(lines[2]).toBe('         1 -> 2          : 0        |                                        |');
    expect(lines[5]).toBe('         8 -> 16         : 30       |*                                       |');
    expect(lines[8]).toBe('        64 -> 128        : 596      |*************************************** |');
    expect(lines[9]).toBe('       128 -> 256        : 602      |****************************************|');
    expect(lines.at(-1)).toBe('      4096 -> 8192       : 6        |                                        |');
    // 0→1, 1→2 … 4096→8192: 14 buckets, nothing after the last non-empty one.
    expect(lines).toHaveLength(15);
  });

  it('prints only the header when nothing was counted, and non-log2 buckets as given', () => {
    expect(formatLog2Histogram([], 'ns')).toEqual(['     nsecs               : count    distribution']);
    expect(formatLog2Histogram([{ lo: 10, hi: 20, count: 2 }, { lo: 0, hi: 10, count: 1 }], undefined).slice(1)).toEqual([
      '         0 -> 10         : 1        |********************                    |',
      '        10 -> 20         : 2        |****************************************|',
    ]);
  });
});

const profileMeta: GadgetMeta = {
  name: 'profile_fake',
  category: 'profile',
  description: 'fake',
  params: [],
  fields: [
    ...commonFields,
    { name: 'interval', type: 'integer', description: 'fetch', defaultVisible: false },
    { name: 'disk', type: 'string', description: 'disk', defaultVisible: true },
    { name: 'bucket.lo', type: 'integer', unit: 'us', description: 'lo', defaultVisible: true },
    { name: 'bucket.hi', type: 'integer', unit: 'us', description: 'hi', defaultVisible: true },
    { name: 'count', type: 'integer', description: 'count', defaultVisible: true },
  ],
};

describe('ProfileHistograms', () => {
  it('keeps the latest interval per key (counts are cumulative) and prints one histogram per key', () => {
    const h = new ProfileHistograms(profileMeta);
    const row = (interval: number, disk: string, lo: number, count: number) => ({ timestamp: 1, interval, disk, 'bucket.lo': lo, 'bucket.hi': lo === 0 ? 1 : lo * 2, count, 'k8s.podName': null });
    h.offer([row(1, 'vda', 1, 3), row(1, 'vda', 4, 1), row(1, 'sda', 2, 1)]);
    h.offer([row(2, 'vda', 1, 5)]);
    const text = h.render();
    expect(text).toContain('disk=sda (interval 1, cumulative)\n     usecs');
    expect(text).toContain('disk=vda (interval 2, cumulative)');
    // vda's interval 2 replaced interval 1 entirely: 1→2 has 5 and no 4→8 line is left.
    expect(text).toContain('         1 -> 2          : 5        |****************************************|');
    expect(text).not.toContain('4 -> 8');
    expect(text.indexOf('disk=sda')).toBeLessThan(text.indexOf('disk=vda'));
  });
});

describe('TopTableSink', () => {
  it('prints a table per interval under a line naming the interval', () => {
    const out = new PassThrough({ encoding: 'utf8' });
    const sink = new TopTableSink(new EventPrinter('columns', ['k8s.podName', 'throttled_pct']), out, 1000);
    const ts = Date.UTC(2026, 0, 1, 6, 30, 1) * 1e6;
    expect(sink.offer([{ timestamp: ts, interval: 3, 'k8s.podName': 'busy-1', throttled_pct: 95.2 }, { timestamp: ts, interval: 3, 'k8s.podName': 'idle-1', throttled_pct: 0 }])).toBe(true);
    expect(out.read()).toBe(
      ['', '--- interval 3 at 06:30:01 UTC (every 1s, 2 rows) ---', 'K8S.PODNAME      THROTTLED_PCT', 'busy-1           95.2', 'idle-1           0', ''].join('\n'),
    );
  });
});
