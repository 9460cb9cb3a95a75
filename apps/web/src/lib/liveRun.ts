import { zeroDrops, type DropCounts, type ErrorEnvelope, type HubToClient, type RunInfo } from '@podscope/protocol';
import { RateMeter } from './rateMeter.ts';
import { RowStore, type RowStoreOptions } from './rowStore.ts';

/**
 * Everything the live view knows about the run it watches, fed by hub frames. Plain object, no React:
 * frames mutate it at wire speed and the UI samples it once per animation frame.
 */
export class LiveRunFeed {
  readonly store: RowStore;
  runId: string | null = null;
  run: RunInfo | null = null;
  /** This subscriber's own queue at the hub. */
  subscriberDelivered = 0;
  subscriberDropped = 0;
  /** Event batches the hub's sequence numbers say we never got. */
  seqGaps = 0;
  lastError: ErrorEnvelope | null = null;
  version = 0;
  private lastSeq = 0;
  private readonly rate = new RateMeter(2000, 100);
  private readonly listeners = new Set<() => void>();

  constructor(options: RowStoreOptions = {}) {
    this.store = new RowStore(options);
  }

  /** Starts watching another run: rows and counters restart. */
  reset(runId: string | null): void {
    this.runId = runId;
    this.run = null;
    this.subscriberDelivered = 0;
    this.subscriberDropped = 0;
    this.seqGaps = 0;
    this.lastSeq = 0;
    this.lastError = null;
    this.rate.reset();
    this.store.clear();
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handle(message: HubToClient, now = Date.now()): void {
    switch (message.type) {
      case 'events': {
        if (message.runId !== this.runId) return;
        if (this.lastSeq > 0 && message.seq > this.lastSeq + 1) this.seqGaps += message.seq - this.lastSeq - 1;
        this.lastSeq = message.seq;
        this.store.append(message.events);
        this.rate.record(message.events.length, now);
        break;
      }
      case 'run':
        if (message.run.id !== this.runId) return;
        this.run = message.run;
        break;
      case 'subscriberStats':
        if (message.runId !== this.runId) return;
        this.subscriberDelivered = message.delivered;
        this.subscriberDropped = message.dropped;
        break;
      case 'error':
        this.lastError = message.error;
        break;
      case 'hello':
      case 'pong':
        return;
    }
    this.changed();
  }

  /** Sets run info learnt over REST (e.g. right after starting it). */
  setRun(run: RunInfo): void {
    if (run.id !== this.runId) return;
    this.run = run;
    this.changed();
  }

  eventsPerSecond(now = Date.now()): number {
    return this.rate.perSecond(now);
  }

  /**
   * Losses per stage as this page sees them. The hub count is the larger of the run-wide figure and this
   * subscriber's own queue drops, so a hub that reports them separately is never double counted nor hidden.
   */
  drops(): DropCounts {
    const run = this.run?.drops ?? zeroDrops();
    return { kernel: run.kernel, agent: run.agent, hub: Math.max(run.hub, this.subscriberDropped), browser: this.store.dropped };
  }

  private changed(): void {
    this.version += 1;
    for (const l of this.listeners) l();
  }
}
