import type { CaptureEvent } from '@podscope/protocol';

export const CAPTURE_PAGE_SIZE = 500;

/**
 * Pages (of `pageSize` rows) a viewport showing rows `[first, last]` needs, plus `overscan` pages either side,
 * nearest first so the rows on screen arrive before the ones around them. Empty when there are no rows.
 */
export function pagesForViewport(first: number, last: number, total: number, pageSize = CAPTURE_PAGE_SIZE, overscan = 1): number[] {
  if (total <= 0 || last < first) return [];
  const lastPage = Math.ceil(total / pageSize) - 1;
  const clamp = (row: number) => Math.min(lastPage, Math.max(0, Math.floor(Math.min(Math.max(row, 0), total - 1) / pageSize)));
  const a = clamp(first);
  const b = clamp(last);
  const pages: number[] = [];
  for (let p = a; p <= b; p++) pages.push(p);
  for (let d = 1; d <= overscan; d++) {
    if (b + d <= lastPage) pages.push(b + d);
    if (a - d >= 0) pages.push(a - d);
  }
  return pages;
}

/**
 * Pages fetched for one query (filter + sort + range). Holds at most `maxPages` pages and forgets the ones
 * used longest ago, so scrolling through millions of rows keeps memory bounded.
 */
export class CapturePageCache {
  private readonly pages = new Map<number, CaptureEvent[]>();
  private readonly pending = new Set<number>();
  total: number | null = null;

  constructor(
    readonly key: string,
    readonly pageSize = CAPTURE_PAGE_SIZE,
    private readonly maxPages = 40,
  ) {}

  rowAt(index: number): CaptureEvent | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages of `wanted` neither held nor on their way; marks them on their way. */
  claim(wanted: readonly number[]): number[] {
    const out = wanted.filter((p) => !this.pages.has(p) && !this.pending.has(p));
    for (const p of out) this.pending.add(p);
    // Touch held ones so the viewport's pages are the last to be evicted.
    for (const p of wanted) {
      const rows = this.pages.get(p);
      if (rows !== undefined) {
        this.pages.delete(p);
        this.pages.set(p, rows);
      }
    }
    return out;
  }

  /** A page fetch that failed or was cancelled may be asked for again. */
  release(page: number): void {
    this.pending.delete(page);
  }

  /** Fetches were cancelled: every page not held may be asked for again. */
  releaseAll(): void {
    this.pending.clear();
  }

  put(page: number, rows: CaptureEvent[], total: number): void {
    this.pending.delete(page);
    this.total = total;
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
  }

  get heldPages(): number {
    return this.pages.size;
  }
}
