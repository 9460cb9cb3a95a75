import { describe, expect, it } from 'vitest';
import { SubscriberQueue, type FrameSink } from './subscriberQueue.ts';

/** A socket stand-in whose buffer only drains when the test says so. */
class FakeSink implements FrameSink {
  isOpen = true;
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  private readonly pending: (() => void)[] = [];

  send(bytes: Uint8Array, written: () => void): void {
    this.sent.push(bytes);
    this.bufferedAmount += bytes.length;
    this.pending.push(() => {
      this.bufferedAmount -= bytes.length;
      written();
    });
  }

  drainAll(): void {
    while (this.pending.length > 0) this.pending.shift()?.();
  }
}

const batch = (tag: number, size = 100): Uint8Array => new Uint8Array(size).fill(tag);

describe('SubscriberQueue', () => {
  it('sends straight through while under the high-water mark', () => {
    const sink = new FakeSink();
    const q = new SubscriberQueue(sink, { maxEvents: 10, maxBytes: 1e6, highWaterBytes: 1000 }, () => undefined);
    for (let i = 1; i <= 5; i++) q.pushEvents('r', batch(i), 3);
    expect(sink.sent).toHaveLength(5);
    expect(q.deliveryStats('r')).toEqual({ delivered: 15, dropped: 0 });
  });

  it('queues past the high-water mark, drops the oldest whole batches past the limit and counts events', () => {
    const sink = new FakeSink();
    const drops: [string, number][] = [];
    const q = new SubscriberQueue(sink, { maxEvents: 10, maxBytes: 1e6, highWaterBytes: 250 }, (runId, n) => drops.push([runId, n]));
    for (let i = 1; i <= 10; i++) q.pushEvents('r', batch(i), 4);
    // 3 batches fit under 250 bytes of socket buffer; 2 more fit the queue (8 ≤ 10 events); 5 were dropped.
    expect(sink.sent.map((b) => b[0])).toEqual([1, 2, 3]);
    expect(q.queued).toEqual({ events: 8, bytes: 200 });
    expect(drops).toEqual([['r', 4], ['r', 4], ['r', 4], ['r', 4], ['r', 4]]);
    sink.drainAll();
    sink.drainAll();
    expect(sink.sent.map((b) => b[0])).toEqual([1, 2, 3, 9, 10]);
    expect(q.deliveryStats('r')).toEqual({ delivered: 20, dropped: 20 });
  });

  it('honours the byte limit as well as the event limit', () => {
    const sink = new FakeSink();
    const q = new SubscriberQueue(sink, { maxEvents: 1e6, maxBytes: 250, highWaterBytes: 1 }, () => undefined);
    for (let i = 1; i <= 5; i++) q.pushEvents('r', batch(i), 1);
    expect(q.queued.bytes).toBeLessThanOrEqual(250);
    expect(q.deliveryStats('r')).toEqual({ delivered: 1, dropped: 2 });
  });

  it('sends control frames first, coalesces them by key and never drops them', () => {
    const sink = new FakeSink();
    const q = new SubscriberQueue(sink, { maxEvents: 1, maxBytes: 1e6, highWaterBytes: 1 }, () => undefined);
    q.pushEvents('r', batch(1), 1); // goes out, filling the buffer
    q.pushEvents('r', batch(2), 1);
    q.pushControl(batch(50, 10), 'stats:r');
    q.pushControl(batch(51, 10), 'stats:r');
    q.pushControl(batch(60, 10));
    sink.drainAll();
    sink.drainAll();
    sink.drainAll();
    expect(sink.sent.map((b) => b[0])).toEqual([1, 51, 60, 2]);
  });

  it('forgets a run: its queued batches are discarded', () => {
    const sink = new FakeSink();
    const q = new SubscriberQueue(sink, { maxEvents: 100, maxBytes: 1e6, highWaterBytes: 1 }, () => undefined);
    q.pushEvents('a', batch(1), 1);
    q.pushEvents('a', batch(2), 1);
    q.pushEvents('b', batch(3), 1);
    q.forget('a');
    expect(q.queued.events).toBe(1);
    sink.drainAll();
    sink.drainAll();
    expect(sink.sent.map((b) => b[0])).toEqual([1, 3]);
  });

  it('stops sending once the socket is closed', () => {
    const sink = new FakeSink();
    sink.isOpen = false;
    const q = new SubscriberQueue(sink, { maxEvents: 100, maxBytes: 1e6, highWaterBytes: 1000 }, () => undefined);
    q.pushEvents('r', batch(1), 1);
    expect(sink.sent).toEqual([]);
  });
});
