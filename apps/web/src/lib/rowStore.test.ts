import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { RowStore } from './rowStore.ts';

const batch = (from: number, n: number): EventRecord[] => Array.from({ length: n }, (_, i) => ({ 'proc.pid': from + i }));

describe('RowStore', () => {
  it('keeps rows in order across chunk boundaries', () => {
    const store = new RowStore({ capacity: 100, chunkSize: 4 });
    store.append(batch(0, 3));
    store.append(batch(3, 7));
    expect(store.size).toBe(10);
    expect(store.chunkCount).toBe(3);
    for (let i = 0; i < 10; i++) expect(store.get(i)?.['proc.pid']).toBe(i);
    expect(store.get(10)).toBeUndefined();
    expect(store.dropped).toBe(0);
  });

  it('drops exactly the oldest rows past the bound and counts them', () => {
    const store = new RowStore({ capacity: 10, chunkSize: 4 });
    expect(store.append(batch(0, 8))).toBe(0);
    expect(store.append(batch(8, 5))).toBe(3);
    expect(store.size).toBe(10);
    expect(store.dropped).toBe(3);
    expect(store.firstIndex).toBe(3);
    expect(store.endIndex).toBe(13);
    expect(store.get(2)).toBeUndefined();
    expect(store.get(3)?.['proc.pid']).toBe(3);
    expect(store.get(12)?.['proc.pid']).toBe(12);
    store.append(batch(13, 20));
    expect(store.dropped).toBe(23);
    expect(store.size).toBe(10);
    for (let i = 23; i < 33; i++) expect(store.get(i)?.['proc.pid']).toBe(i);
  });

  it('releases whole chunks instead of growing without limit', () => {
    const store = new RowStore({ capacity: 1000, chunkSize: 100 });
    for (let i = 0; i < 200; i++) store.append(batch(i * 50, 50));
    expect(store.size).toBe(1000);
    expect(store.dropped).toBe(9000);
    expect(store.chunkCount).toBeLessThanOrEqual(11);
  });

  it('stores the appended objects themselves, never copies of rows or of the buffer', () => {
    const store = new RowStore({ capacity: 100, chunkSize: 8 });
    const first = batch(0, 5);
    store.append(first);
    store.append(batch(5, 50));
    // Same object identity: no per-row or per-batch clone.
    expect(store.get(0)).toBe(first[0]);
    expect(store.get(4)).toBe(first[4]);
    // Appending one row to a big buffer touches only the tail chunk.
    const big = new RowStore({ capacity: 1_000_000, chunkSize: 1024 });
    for (let i = 0; i < 200; i++) big.append(batch(i * 1000, 1000));
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) big.append([{ 'proc.pid': i }]);
    const perAppendMs = (performance.now() - t0) / 10_000;
    expect(perAppendMs).toBeLessThan(0.05);
  });

  it('bumps its version on every change and resets on clear', () => {
    const store = new RowStore({ capacity: 5 });
    const v0 = store.version;
    store.append(batch(0, 6));
    expect(store.version).toBeGreaterThan(v0);
    store.append([]);
    const v1 = store.version;
    store.clear();
    expect(store.version).toBeGreaterThan(v1);
    expect(store.size).toBe(0);
    expect(store.dropped).toBe(0);
  });
});
