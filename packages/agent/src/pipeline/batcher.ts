import type { EventRecord } from '@podscope/protocol';
import type { Operator } from './operator.ts';
import type { RunCounters } from './runCounters.ts';

/** Where encoded batches go: the hub connection or the terminal. Never blocks: it refuses when its queue is full. */
export interface BatchSink {
  offer(events: EventRecord[]): boolean;
}

export interface BatcherOptions {
  sink: BatchSink;
  counters: RunCounters;
  flushMs?: number;
  maxBatch?: number;
}

/** The encode operator: groups events into batches (flush every ~50 ms or at 512 events, so events leave the young heap quickly) and offers them to the sink. */
export class Batcher implements Operator {
  readonly name = 'encode';
  private pending: EventRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;

  constructor(private readonly opts: BatcherOptions) {
    this.maxBatch = opts.maxBatch ?? 512;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.flush(), this.opts.flushMs ?? 50);
  }

  push(events: readonly EventRecord[]): void {
    for (const e of events) {
      this.pending.push(e);
      if (this.pending.length >= this.maxBatch) this.flush();
    }
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.opts.sink.offer(batch)) this.opts.counters.events += batch.length;
    else this.opts.counters.agentDrops += batch.length;
  }

  async stop(): Promise<void> {
    this.flush();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
