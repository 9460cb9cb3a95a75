import { describe, expect, it } from 'vitest';
import { commonFields, compileFilter } from '@podscope/protocol';
import { FilteredIndex } from './filteredIndex.ts';
import { RowStore } from './rowStore.ts';

describe('FilteredIndex', () => {
  it('follows appends and drops of the store', () => {
    const store = new RowStore({ capacity: 5, chunkSize: 2 });
    const even = new FilteredIndex((r) => Number(r['proc.pid']) % 2 === 0);
    store.append(Array.from({ length: 4 }, (_, i) => ({ 'proc.pid': i })));
    even.sync(store);
    expect(even.length).toBe(2);
    store.append(Array.from({ length: 4 }, (_, i) => ({ 'proc.pid': i + 4 })));
    even.sync(store);
    // Rows 0-2 were dropped; 4 and 6 remain.
    expect([even.at(0), even.at(1), even.length]).toEqual([4, 6, 2]);
    expect(even.countBelow(6)).toBe(1);
  });

  it('filters incrementally with the protocol filter language', () => {
    const compiled = compileFilter('proc.comm==sh,proc.pid>10', commonFields);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const store = new RowStore();
    const index = new FilteredIndex(compiled.filter.matches);
    store.append([{ 'proc.comm': 'sh', 'proc.pid': 5 }, { 'proc.comm': 'sh', 'proc.pid': 11 }]);
    index.sync(store);
    store.append([{ 'proc.comm': 'ls', 'proc.pid': 12 }, { 'proc.comm': 'sh', 'proc.pid': 12 }]);
    index.sync(store);
    expect([index.length, index.at(0), index.at(1)]).toEqual([2, 1, 3]);
  });
});
