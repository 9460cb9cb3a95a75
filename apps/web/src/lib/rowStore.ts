import type { EventRecord } from '@podscope/protocol';

export const DEFAULT_ROW_CAPACITY = 2_000_000;
const DEFAULT_CHUNK_SIZE = 8192;

export interface RowStoreOptions {
  /** Most rows kept; beyond it the oldest are dropped and counted. */
  capacity?: number;
  chunkSize?: number;
}

/**
 * Append-only buffer of events in fixed-size chunks. Appending never copies earlier rows, and dropping
 * the oldest releases whole chunks, so memory and time per batch stay proportional to the batch.
 * Rows are addressed by an absolute index (0 = the first row ever appended), which stays stable
 * while older rows are dropped, so a selected row or a paused view keeps pointing at the same event.
 */
export class RowStore {
  readonly capacity: number;
  readonly chunkSize: number;
  private chunks: EventRecord[][] = [];
  /** Absolute index of chunks[0][0]. */
  private chunkBase = 0;
  /** Absolute index of the oldest row still held. */
  private first = 0;
  /** Absolute index one past the newest row. */
  private end = 0;
  private droppedRows = 0;
  /** Bumped on every change; the UI re-renders when it sees a new value. */
  version = 0;

  constructor(options: RowStoreOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_ROW_CAPACITY));
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  }

  /** Absolute index of the oldest row held. */
  get firstIndex(): number {
    return this.first;
  }

  /** Absolute index one past the newest row (= rows ever appended). */
  get endIndex(): number {
    return this.end;
  }

  /** Rows currently held. */
  get size(): number {
    return this.end - this.first;
  }

  /** Rows dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Chunks currently allocated (for tests and diagnostics). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Appends a batch; returns how many of the oldest rows this append pushed out. */
  append(rows: readonly EventRecord[]): number {
    if (rows.length === 0) return 0;
    for (const row of rows) {
      let tail = this.chunks[this.chunks.length - 1];
      if (tail === undefined || tail.length === this.chunkSize) {
        tail = [];
        this.chunks.push(tail);
      }
      tail.push(row);
    }
    this.end += rows.length;
    const overflow = this.size - this.capacity;
    if (overflow > 0) this.dropOldest(overflow);
    this.version += 1;
    return Math.max(0, overflow);
  }

  private dropOldest(count: number): void {
    this.first += count;
    this.droppedRows += count;
    // Release chunks that now lie wholly before `first`.
    let release = 0;
    while (release < this.chunks.length - 1 && this.chunkBase + (release + 1) * this.chunkSize <= this.first) release += 1;
    if (release > 0) {
      this.chunks.splice(0, release);
      this.chunkBase += release * this.chunkSize;
    }
  }

  /** The row at an absolute index, or undefined when it was dropped or not yet received. */
  get(index: number): EventRecord | undefined {
    if (index < this.first || index >= this.end) return undefined;
    const offset = index - this.chunkBase;
    return this.chunks[Math.floor(offset / this.chunkSize)]?.[offset % this.chunkSize];
  }

  /** Empties the buffer for a new run; counters restart. */
  clear(): void {
    this.chunks = [];
    this.chunkBase = 0;
    this.first = 0;
    this.end = 0;
    this.droppedRows = 0;
    this.version += 1;
  }
}
