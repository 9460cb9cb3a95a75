import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '@podscope/protocol';
import { CapturePageCache, pagesForViewport } from './pageWindow.ts';

const rows = (page: number, n: number, size = 10): CaptureEvent[] => Array.from({ length: n }, (_, i) => ({ id: page * size + i + 1, event: {} }));

describe('pagesForViewport', () => {
  it('fetches the page on screen first, then one either side', () => {
    expect(pagesForViewport(1200, 1240, 10_000, 500)).toEqual([2, 3, 1]);
  });

  it('covers a viewport spanning a page boundary', () => {
    expect(pagesForViewport(490, 520, 10_000, 500, 0)).toEqual([0, 1]);
  });

  it('stays inside the rows that exist', () => {
    expect(pagesForViewport(0, 30, 100, 500)).toEqual([0]);
    expect(pagesForViewport(9_990, 10_040, 10_000, 500)).toEqual([19, 18]);
    // A viewport past the end (total shrank after a filter) asks for the last page, not a page beyond it.
    expect(pagesForViewport(50_000, 50_040, 1_200, 500)).toEqual([2, 1]);
  });

  it('asks for nothing when there are no rows', () => {
    expect(pagesForViewport(0, 40, 0)).toEqual([]);
  });

  it('reaches the last page of a huge capture (no row cap)', () => {
    const total = 5_000_000;
    expect(pagesForViewport(total - 40, total - 1, total, 500, 0)).toEqual([9_999]);
  });
});

describe('CapturePageCache', () => {
  it('hands out each missing page once until it arrives or is released', () => {
    const c = new CapturePageCache('q', 10);
    expect(c.claim([0, 1])).toEqual([0, 1]);
    expect(c.claim([0, 1, 2])).toEqual([2]);
    c.release(1);
    expect(c.claim([1])).toEqual([1]);
    c.put(0, rows(0, 10), 25);
    expect(c.claim([0])).toEqual([]);
    expect(c.total).toBe(25);
  });

  it('lets every page be asked for again after the fetches were cancelled', () => {
    const c = new CapturePageCache('q', 10);
    c.claim([0, 1]);
    c.put(0, rows(0, 10), 20);
    c.releaseAll();
    expect(c.claim([0, 1])).toEqual([1]);
  });

  it('finds rows by absolute index', () => {
    const c = new CapturePageCache('q', 10);
    c.put(2, rows(2, 5), 25);
    expect(c.rowAt(23)?.id).toBe(24);
    expect(c.rowAt(3)).toBeUndefined();
  });

  it('evicts the page used longest ago, keeping the ones on screen', () => {
    const c = new CapturePageCache('q', 10, 2);
    c.put(0, rows(0, 10), 100);
    c.put(1, rows(1, 10), 100);
    c.claim([0]); // page 0 is on screen again
    c.put(2, rows(2, 10), 100);
    expect(c.has(0)).toBe(true);
    expect(c.has(1)).toBe(false);
    expect(c.heldPages).toBe(2);
  });
});
