import type { EventPredicate } from '@podscope/protocol';
import type { RowStore } from './rowStore.ts';

/**
 * Absolute indexes of the store's rows that pass a filter, kept up to date incrementally: each sync
 * tests only rows appended since the last one (up to a budget, so a big backlog is spread over frames).
 */
export class FilteredIndex {
  private idx: number[] = [];
  private head = 0;
  private scanned = 0;
  private storeEnd = 0;

  constructor(private readonly predicate: EventPredicate) {}

  /** Catches up with the store; returns true when rows remain to be scanned. */
  sync(store: RowStore, budget = 200_000): boolean {
    if (store.endIndex < this.storeEnd) {
      // The store was cleared for a new run.
      this.idx = [];
      this.head = 0;
      this.scanned = 0;
    }
    this.storeEnd = store.endIndex;
    if (this.scanned < store.firstIndex) this.scanned = store.firstIndex;
    const stop = Math.min(store.endIndex, this.scanned + budget);
    for (let i = this.scanned; i < stop; i++) {
      const row = store.get(i);
      if (row !== undefined && this.predicate(row)) this.idx.push(i);
    }
    this.scanned = stop;
    while (this.head < this.idx.length && (this.idx[this.head] ?? 0) < store.firstIndex) this.head += 1;
    // Compact rarely, so dropping the head stays amortised O(1) per row.
    if (this.head > 65_536 && this.head * 2 > this.idx.length) {
      this.idx = this.idx.slice(this.head);
      this.head = 0;
    }
    return this.scanned < store.endIndex;
  }

  get length(): number {
    return this.idx.length - this.head;
  }

  /** Absolute store index of the i-th matching row. */
  at(i: number): number {
    return this.idx[this.head + i] ?? -1;
  }

  /** How many matches have an absolute index below `end`. */
  countBelow(end: number): number {
    let lo = this.head;
    let hi = this.idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.idx[mid] ?? 0) < end) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }
}
