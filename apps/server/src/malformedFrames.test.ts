import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, encodeFrame } from '@podscope/protocol';
import { TestAgent, TestBrowser, container, createRun, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const garbage = new Uint8Array([0xc1, 0xff, 0x00, 0x13]);

describe('malformed frames', () => {
  it('answers a browser and an agent with bad_frame and keeps both connections and the others working', async () => {
    hub = await startTestHub();
    const cookie = await login(hub);
    const agent = await TestAgent.connect(hub, 'node-a');
    agent.inventory([container('node-a', 'demo')]);
    await waitFor('inventory', () => hub?.registry.runningContainers().length === 1);
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    const bad = await TestBrowser.connect(hub, cookie);
    const good = await TestBrowser.connect(hub, cookie);
    await bad.subscribe(runId);
    await good.subscribe(runId);

    bad.ws.send(garbage);
    bad.ws.send('{"type":"subscribe"}');
    await waitFor('two browser errors', () => bad.errors().length === 2);
    expect(bad.errors()).toEqual(['bad_frame', 'bad_frame']);

    agent.ws.send(garbage);
    await waitFor('agent error', () => agent.received.find((m) => m.type === 'error'));
    expect(agent.received.filter((m) => m.type === 'error')).toMatchObject([{ error: { code: 'bad_frame' } }]);

    // Everything still flows: the agent's events reach both browsers, the bad one still answers pings.
    agent.events(runId, 1, [{ 'proc.comm': 'sh', 'proc.pid': 1 }]);
    await waitFor('events on both', () => good.events(runId).length === 1 && bad.events(runId).length === 1);
    bad.send({ v: PROTOCOL_VERSION, type: 'ping', t: 42 });
    await waitFor('pong', () => bad.received.find((m) => m.type === 'pong' && m.t === 42));
    expect(good.errors()).toEqual([]);
    expect(bad.closed).toBeUndefined();
    expect(agent.closed).toBeUndefined();
  });

  it('answers a well-formed frame of the wrong shape or version with an error naming it', async () => {
    hub = await startTestHub();
    const browser = await TestBrowser.connect(hub, await login(hub));
    // Object.assign overrides runId at run time while the static type still passes the typed encoder.
    browser.ws.send(encodeFrame(Object.assign({ v: PROTOCOL_VERSION, type: 'subscribe' as const, runId: 'r' }, { runId: 5 })));
    browser.ws.send(encodeFrame({ v: PROTOCOL_VERSION + 1, type: 'ping', t: 1 }));
    browser.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId: 'missing' });
    await waitFor('three errors', () => browser.errors().length === 3);
    const errors = browser.received.flatMap((m) => (m.type === 'error' ? [m.error] : []));
    expect(errors[0]).toMatchObject({ code: 'bad_frame' });
    expect(errors[0]?.message).toContain('runId');
    expect(errors[1]).toMatchObject({ code: 'version_mismatch' });
    expect(errors[2]).toMatchObject({ code: 'not_found' });
  });

  it('closes a browser that sends 100 malformed frames in a row with 1008', async () => {
    hub = await startTestHub();
    const browser = await TestBrowser.connect(hub, await login(hub));
    for (let i = 0; i < 99; i++) browser.ws.send(garbage);
    browser.send({ v: PROTOCOL_VERSION, type: 'ping', t: 1 }); // resets the count
    await waitFor('pong', () => browser.received.find((m) => m.type === 'pong'));
    expect(browser.closed).toBeUndefined();
    for (let i = 0; i < 100; i++) browser.ws.send(garbage);
    await waitFor('closed', () => browser.closed);
    expect(browser.closed?.code).toBe(1008);
    expect(browser.errors()).toHaveLength(199);
  });

  it('refuses agent messages before hello', async () => {
    hub = await startTestHub();
    const agent = await TestAgent.connect(hub, 'node-a');
    agent.send({ v: PROTOCOL_VERSION, type: 'inventory', node: 'node-b', containers: [] });
    await waitFor('error', () => agent.received.find((m) => m.type === 'error'));
    expect(agent.received.find((m) => m.type === 'error')).toMatchObject({ error: { code: 'forbidden' } });
  });
});
