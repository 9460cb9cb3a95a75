import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, RunResponse, type EventRecord } from '@podscope/protocol';
import { TestAgent, TestBrowser, api, container, createRun, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const execEvent = (node: string, pid: number, args = `/bin/true ${pid}`): EventRecord => ({
  timestamp: 1_700_000_000_000_000_000 + pid,
  'proc.comm': 'true',
  'proc.pid': pid,
  'k8s.node': node,
  'k8s.namespace': 'demo',
  args,
  args_truncated: false,
});

describe('fan-out', () => {
  it('merges two agents on different nodes into one browser, with node names and hub sequence numbers', async () => {
    hub = await startTestHub();
    const cookie = await login(hub);
    const a = await TestAgent.connect(hub, 'node-a');
    const b = await TestAgent.connect(hub, 'node-b');
    a.inventory([container('node-a', 'demo')]);
    b.inventory([container('node-b', 'demo', 'web-2')]);
    await waitFor('inventory', async () => {
      const inv = await api(hub!, 'GET', '/api/inventory', { cookie });
      return JSON.stringify(inv.body).includes('web-2') && JSON.stringify(inv.body).includes('node-a-demo');
    });

    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'] } });
    await waitFor('startRun on both nodes', () => a.startRuns().includes(runId) && b.startRuns().includes(runId));
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(runId);
    a.status(runId);
    b.status(runId);

    for (let i = 1; i <= 5; i++) {
      a.events(runId, i, [execEvent('node-a', 100 + i), execEvent('node-a', 200 + i)]);
      b.events(runId, i, [execEvent('node-b', 300 + i)]);
    }
    await waitFor('15 events', () => browser.events(runId).length === 15);
    const batches = browser.received.flatMap((m) => (m.type === 'events' ? [m] : []));
    expect(batches.filter((m) => m.node === 'node-a')).toHaveLength(5);
    expect(batches.filter((m) => m.node === 'node-b')).toHaveLength(5);
    expect(batches.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(browser.events(runId).filter((e) => e['k8s.node'] === 'node-b').map((e) => e['proc.pid'])).toEqual([301, 302, 303, 304, 305]);

    await waitFor('run is running with 15 events', () => {
      const run = browser.lastRun(runId);
      return run?.state === 'running' && run.events === 15 && run.nodes.length === 2;
    });
    expect(browser.undecodable).toEqual([]);
  });

  it('drops whole batches for a slow client, counts them exactly, and never slows the fast client or the agent', async () => {
    const maxEvents = 2_000;
    hub = await startTestHub({ clientQueue: { maxEvents, maxBytes: 32 * 1024 * 1024, highWaterBytes: 256 * 1024 }, statsIntervalMs: 100 });
    const cookie = await login(hub);
    const agent = await TestAgent.connect(hub, 'node-a');
    agent.inventory([container('node-a', 'demo')]);
    await waitFor('inventory', () => hub?.registry.runningContainers().length === 1);
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'] } });
    agent.status(runId);

    const fast = await TestBrowser.connect(hub, cookie);
    const slow = await TestBrowser.connect(hub, cookie);
    await fast.subscribe(runId);
    await slow.subscribe(runId);
    // The slow browser stops reading: its kernel buffers fill, then the hub's socket buffer, then its hub queue.
    slow.socket.pause();

    const batchCount = 400;
    const perBatch = 250;
    const padding = 'x'.repeat(200);
    const sent = batchCount * perBatch;
    let pid = 0;
    // Paced in steps the fast client keeps up with (one step is below its queue limit); the slow one never reads.
    for (let seq = 1; seq <= batchCount; seq++) {
      // Distinct argument strings: repeated ones are stored once per batch and would not fill any buffer.
      agent.events(runId, seq, Array.from({ length: perBatch }, () => execEvent('node-a', ++pid, `${padding} ${pid}`)));
      if (seq % 4 === 0) await waitFor(`fast client at ${pid}`, () => fast.events(runId).length === pid);
    }

    // The fast client got everything while the slow one was stalled.
    await waitFor('fast client stats', () => fast.lastStats(runId)?.delivered === sent);
    expect(fast.events(runId)).toHaveLength(sent);
    expect(fast.lastStats(runId)).toEqual({ delivered: sent, dropped: 0 });
    expect(new Set(fast.events(runId).map((e) => e['proc.pid'])).size).toBe(sent);
    expect(slow.events(runId).length).toBeLessThan(sent);

    // The agent's connection still works: a status round-trip reaches the fast client.
    agent.status(runId, { events: sent });
    await waitFor('run update with the agent status', () => fast.lastRun(runId)?.nodes[0]?.events === sent);

    slow.socket.resume();
    const final = await waitFor('slow client accounted for every event', () => {
      const s = slow.lastStats(runId);
      return s !== undefined && s.delivered + s.dropped === sent && slow.events(runId).length === s.delivered ? s : undefined;
    });
    expect(final.dropped).toBeGreaterThan(0);
    expect(final.dropped % perBatch).toBe(0); // whole batches only
    expect(final.delivered).toBe(slow.events(runId).length);
    // Drop-oldest: the newest batch always survives.
    expect(slow.events(runId).at(-1)?.['proc.pid']).toBe(sent);
    // The received hub sequence numbers show the gaps.
    const slowSeqs = slow.received.flatMap((m) => (m.type === 'events' ? [m.seq] : []));
    expect(slowSeqs.length).toBe(final.delivered / perBatch);
    expect([...slowSeqs].sort((x, y) => x - y)).toEqual(slowSeqs);

    const run = RunResponse.parse((await api(hub, 'GET', `/api/runs/${runId}`, { cookie })).body).run;
    expect(run.events).toBe(sent);
    expect(run.drops.hub).toBe(final.dropped);
    expect(slow.undecodable).toEqual([]);
    expect(fast.undecodable).toEqual([]);
  });

  it('puts the browser-reported drops into the run', async () => {
    hub = await startTestHub();
    const cookie = await login(hub);
    const agent = await TestAgent.connect(hub, 'node-a');
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: { host: true } });
    agent.status(runId, { kernelDrops: 3, agentDrops: 4 });
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(runId);
    browser.send({ v: PROTOCOL_VERSION, type: 'clientDrops', runId, dropped: 5 });
    browser.send({ v: PROTOCOL_VERSION, type: 'clientDrops', runId, dropped: 7 });
    await waitFor('browser drops', () => browser.lastRun(runId)?.drops.browser === 7);
    expect(browser.lastRun(runId)?.drops).toEqual({ kernel: 3, agent: 4, hub: 0, browser: 7 });
  });
});
