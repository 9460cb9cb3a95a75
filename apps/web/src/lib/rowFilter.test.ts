import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { parseRowFilter } from './rowFilter.ts';
import { FilteredIndex } from './filteredIndex.ts';
import { RowStore } from './rowStore.ts';

const rows: EventRecord[] = [
  { 'proc.comm': 'sh', 'proc.pid': 10, args: '/bin/sh -c ls' },
  { 'proc.comm': 'ls', 'proc.pid': 11, args: 'ls /tmp' },
  { 'proc.comm': 'dd', 'proc.pid': 300, args: 'dd if=a,b' },
];
const matching = (text: string) => {
  const f = parseRowFilter(text);
  if (!f.ok) throw new Error(f.error);
  return rows.filter((r) => f.predicate?.(r) ?? true).map((r) => r['proc.comm']);
};

describe('parseRowFilter', () => {
  it('supports IG operators joined by commas', () => {
    expect(matching('proc.comm==sh')).toEqual(['sh']);
    expect(matching('proc.comm!=sh')).toEqual(['ls', 'dd']);
    expect(matching('proc.pid>=11,proc.pid<300')).toEqual(['ls']);
    expect(matching('args~^/bin')).toEqual(['sh']);
    expect(matching('args!~^/bin')).toEqual(['ls', 'dd']);
    expect(matching('args==dd if=a\\,b')).toEqual(['dd']);
    expect(matching('TMP')).toEqual(['ls']);
    expect(matching('')).toEqual(['sh', 'ls', 'dd']);
  });

  it('reports bad terms', () => {
    expect(parseRowFilter('args~(').ok).toBe(false);
    expect(parseRowFilter('proc.pid>abc').ok).toBe(false);
  });
});

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
});
