import type { ClientQueueLimits } from './config.ts';

/** The part of a WebSocket the queue needs; lets the drop policy be tested without sockets. */
export interface FrameSink {
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
  /** `written` runs once the frame has left the socket's user-space buffer. */
  send(bytes: Uint8Array, written: () => void): void;
}

export interface DeliveryStats {
  /** Events handed to the socket. */
  delivered: number;
  /** Events the hub dropped for this subscriber because it read too slowly. */
  dropped: number;
}

interface QueuedBatch {
  runId: string;
  bytes: Uint8Array;
  events: number;
}

/**
 * One browser's outbound queue. Frames go straight to the socket while its buffer is under the high-water mark;
 * beyond that event batches wait here, and past the queue limits the oldest whole batches are dropped and counted.
 * Control frames (run updates, stats) are coalesced by key and never dropped. Nothing here ever blocks the caller.
 */
export class SubscriberQueue {
  private readonly control = new Map<string, Uint8Array>();
  private controlSeq = 0;
  // Slots before `head` are cleared so sent batches can be collected before the next compaction.
  private batches: (QueuedBatch | undefined)[] = [];
  private head = 0;
  private queuedEvents = 0;
  private queuedBytes = 0;
  private readonly stats = new Map<string, DeliveryStats>();
  private readonly onWritten = (): void => this.pump();

  constructor(
    private readonly sink: FrameSink,
    private readonly limits: ClientQueueLimits,
    private readonly onDropped: (runId: string, events: number) => void,
  ) {}

  /** Queues a control frame; a later frame with the same key replaces a still-queued one. */
  pushControl(bytes: Uint8Array, key?: string): void {
    if (!this.sink.isOpen) return;
    this.control.set(key ?? `#${++this.controlSeq}`, bytes);
    this.pump();
  }

  pushEvents(runId: string, bytes: Uint8Array, events: number): void {
    // A closing socket is about to unsubscribe; what it misses now is not a hub drop.
    if (!this.sink.isOpen) return;
    this.statsOf(runId);
    this.batches.push({ runId, bytes, events });
    this.queuedEvents += events;
    this.queuedBytes += bytes.length;
    this.pump();
    while ((this.queuedEvents > this.limits.maxEvents || this.queuedBytes > this.limits.maxBytes) && this.head < this.batches.length) {
      const oldest = this.shiftBatch();
      if (oldest === undefined) break;
      this.statsOf(oldest.runId).dropped += oldest.events;
      this.onDropped(oldest.runId, oldest.events);
    }
  }

  deliveryStats(runId: string): DeliveryStats {
    const s = this.stats.get(runId);
    return s === undefined ? { delivered: 0, dropped: 0 } : { ...s };
  }

  /** Forgets a run: its queued batches are discarded (the subscriber no longer wants them) and its counters reset. */
  forget(runId: string): void {
    const keep = this.batches.slice(this.head).filter((b): b is QueuedBatch => b !== undefined && b.runId !== runId);
    this.batches = keep;
    this.head = 0;
    this.queuedEvents = keep.reduce((n, b) => n + b.events, 0);
    this.queuedBytes = keep.reduce((n, b) => n + b.bytes.length, 0);
    this.stats.delete(runId);
  }

  get queued(): { events: number; bytes: number } {
    return { events: this.queuedEvents, bytes: this.queuedBytes };
  }

  /** Moves frames to the socket while it has room; called on every write completion and by the owner's timer. */
  pump(): void {
    while (this.sink.isOpen && this.sink.bufferedAmount < this.limits.highWaterBytes) {
      const first = this.control.entries().next();
      if (!first.done) {
        const [key, bytes] = first.value;
        this.control.delete(key);
        this.sink.send(bytes, this.onWritten);
        continue;
      }
      const batch = this.shiftBatch();
      if (batch === undefined) return;
      this.statsOf(batch.runId).delivered += batch.events;
      this.sink.send(batch.bytes, this.onWritten);
    }
  }

  private shiftBatch(): QueuedBatch | undefined {
    const batch = this.batches[this.head];
    if (batch === undefined) return undefined;
    this.batches[this.head] = undefined;
    this.head++;
    this.queuedEvents -= batch.events;
    this.queuedBytes -= batch.bytes.length;
    // Compact now and then so the array does not grow without bound.
    if (this.head >= 1024 && this.head * 2 >= this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private statsOf(runId: string): DeliveryStats {
    let s = this.stats.get(runId);
    if (s === undefined) {
      s = { delivered: 0, dropped: 0 };
      this.stats.set(runId, s);
    }
    return s;
  }
}
