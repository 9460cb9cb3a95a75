import { describe, expect, it } from 'vitest';
import type { EventRecord, FieldMeta } from '@podscope/protocol';
import { cycleSort, sortKeysOf, sortStateOf, topRows } from './topRows.ts';
import { latestIntervalRows } from './intervalRows.ts';
import { RowStore } from './rowStore.ts';

const fields: FieldMeta[] = [
  { name: 'interval', type: 'integer', description: '', defaultVisible: false },
  { name: 'file', type: 'string', description: '', defaultVisible: true },
  { name: 'wbytes', type: 'bytes', description: '', defaultVisible: true },
  { name: 'reads', type: 'integer', description: '', defaultVisible: true },
];
const r = (interval: number, file: string, wbytes: number, reads: number): EventRecord => ({ interval, file, wbytes, reads, timestamp: interval * 1e9, 'k8s.node': 'n1' });

describe('top view rows', () => {
  it('shows only the latest interval, sorted by the sort param and cut to max-entries', () => {
    const store = new RowStore();
    store.append([r(1, '/old', 999_999, 1), r(1, '/a', 5, 1)]);
    store.append([r(2, '/a', 10, 3), r(2, '/b', 300, 1), r(2, '/c', 300, 9), r(2, '/d', 1, 0)]);
    const { latest, interval } = latestIntervalRows((i) => store.get(i), store.firstIndex, store.endIndex);
    expect(interval).toBe(2);
    const keys = sortKeysOf('-wbytes,file', fields);
    expect(topRows(latest, keys, 3).map((x) => x.file)).toEqual(['/b', '/c', '/a']);
    expect(topRows(latest, sortKeysOf('reads', fields), undefined).map((x) => x.file)).toEqual(['/d', '/b', '/a', '/c']);
    expect(topRows(latest, [], 2).map((x) => x.file)).toEqual(['/a', '/b']);
  });

  it('ignores an invalid sort spec instead of failing', () => {
    expect(sortKeysOf('-nope', fields)).toEqual([]);
    expect(sortKeysOf(undefined, fields)).toEqual([]);
  });

  it('cycles a header through ascending, descending and unsorted', () => {
    expect(cycleSort(undefined, 'file')).toBe('file');
    expect(cycleSort('file', 'file')).toBe('-file');
    expect(cycleSort('-file', 'file')).toBeUndefined();
    expect(cycleSort('-wbytes,file', 'file')).toBe('file');
    expect(sortStateOf('-wbytes,file', 'wbytes')).toBe('desc');
    expect(sortStateOf('-wbytes,file', 'file')).toBeNull();
    expect(sortStateOf('file', 'file')).toBe('asc');
  });
});
