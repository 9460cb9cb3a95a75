import type { EventRecord } from '@podscope/protocol';
import { PROTOCOL_VERSION, encodeFrame } from '@podscope/protocol';
import type { BatchSink } from '../pipeline/batcher.ts';
import type { HubConnection } from './hubConnection.ts';

/** A batch encoded when offered: a queued event costs its wire bytes (~60-100 B), not a live object graph. */
interface QueuedBatch {
  frame: Uint8Array;
  events: number;
}

export interface HubOutboxOptions {
  node: string;
  /** Most events queued towards the hub (across runs) while the socket is slow or down. */
  maxQueuedEvents?: number;
  /** Hold frames back while the socket has this many bytes unwritten. */
  highWaterBytes?: number;
}

/** The bounded outgoing queue towards the hub: offer never blocks; a full queue refuses, and the run counts the drop. */
export class HubOutbox {
  private readonly queue: QueuedBatch[] = [];
  private queued = 0;
  private readonly seqs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly conn: HubConnection, private readonly opts: HubOutboxOptions) {}

  sinkFor(runId: string): BatchSink {
    return { offer: (events) => this.offer(runId, events) };
  }

  forget(runId: string): void {
    this.seqs.delete(runId);
  }

  private offer(runId: string, events: EventRecord[]): boolean {
    if (this.queued + events.length > (this.opts.maxQueuedEvents ?? 131_072)) return false;
    const seq = (this.seqs.get(runId) ?? 0) + 1;
    this.seqs.set(runId, seq);
    this.queue.push({ frame: encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId, node: this.opts.node, seq, events }), events: events.length });
    this.queued += events.length;
    this.pump();
    return true;
  }

  /** Sends what the socket can take now; retries shortly while anything is left. */
  pump(): void {
    const high = this.opts.highWaterBytes ?? 4 * 1024 * 1024;
    while (this.queue.length > 0 && this.conn.isOpen && this.conn.bufferedAmount < high) {
      const b = this.queue.shift()!;
      this.queued -= b.events;
      this.conn.sendFrame(b.frame);
    }
    if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, 10);
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
