import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type RunInfo } from '@podscope/protocol';
import { LiveRunFeed } from './liveRun.ts';

const events = (seq: number, n: number, runId = 'r1') => ({
  v: PROTOCOL_VERSION,
  type: 'events' as const,
  runId,
  node: 'n1',
  seq,
  events: Array.from({ length: n }, (_, i) => ({ 'proc.pid': seq * 100 + i })),
});

const run = (drops: RunInfo['drops']): RunInfo => ({
  id: 'r1',
  request: { gadget: 'trace_exec', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} },
  state: 'running',
  createdAt: 0,
  createdBy: 'admin',
  nodes: [],
  events: 0,
  drops,
});

describe('LiveRunFeed', () => {
  it('counts rows, ignores other runs and counts sequence gaps', () => {
    const feed = new LiveRunFeed({ capacity: 100 });
    feed.reset('r1');
    feed.handle(events(1, 3));
    feed.handle(events(2, 3, 'other'));
    feed.handle(events(4, 2));
    expect(feed.store.size).toBe(5);
    expect(feed.seqGaps).toBe(2);
  });

  it('reports drops per stage including its own buffer', () => {
    const feed = new LiveRunFeed({ capacity: 4 });
    feed.reset('r1');
    feed.handle({ v: PROTOCOL_VERSION, type: 'run', run: run({ kernel: 5, agent: 6, hub: 1, browser: 0 }) });
    feed.handle({ v: PROTOCOL_VERSION, type: 'subscriberStats', runId: 'r1', delivered: 10, dropped: 3 });
    feed.handle(events(1, 6));
    expect(feed.drops()).toEqual({ kernel: 5, agent: 6, hub: 3, browser: 2 });
  });

  it('measures events per second over a sliding window', () => {
    const feed = new LiveRunFeed();
    feed.reset('r1');
    feed.handle(events(1, 100), 10_000);
    feed.handle(events(2, 100), 10_500);
    expect(feed.eventsPerSecond(11_000)).toBe(100);
    expect(feed.eventsPerSecond(20_000)).toBe(0);
  });
});
