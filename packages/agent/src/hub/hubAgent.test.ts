import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import type { AgentToHub, HubToAgent } from '@podscope/protocol';
import { PROTOCOL_VERSION, decodeAgentToHub, encodeFrame } from '@podscope/protocol';
import { fixture, makeProcTree } from '../../test/fakeHost.ts';
import type { GadgetMeta } from '@podscope/protocol';
import { execEvent, fakeHost, snapshotFakeMeta } from '../../test/fakeGadget.ts';
import { ContainerIndex } from '../discovery/containerIndex.ts';
import { PodmanCli } from '../discovery/podmanCli.ts';
import { ProcReader } from '../discovery/procReader.ts';
import { HubAgent } from './hubAgent.ts';

const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';
const WEB = 4026532177;

interface FakeHub {
  wss: WebSocketServer;
  url: string;
  received: AgentToHub[];
  auth: (string | undefined)[];
  sockets: WebSocket[];
}

async function startHub(): Promise<FakeHub> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const hub: FakeHub = { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`, received: [], auth: [], sockets: [] };
  wss.on('connection', (ws, req) => {
    hub.auth.push(req.headers.authorization);
    hub.sockets.push(ws);
    ws.on('message', (data: Buffer) => {
      const d = decodeAgentToHub(data);
      if (d.ok) hub.received.push(d.message);
    });
  });
  return hub;
}

const send = (ws: WebSocket, m: HubToAgent): void => ws.send(encodeFrame(m));
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

function makeAgent(url: string, extra: readonly GadgetMeta[] = []) {
  const procRoot = makeProcTree([
    { pid: 1, ppid: 0, comm: 'init', cgroup: '0::/\n', mntns: 4026531840 },
    { pid: 9744, ppid: 1, comm: 'sleep', cgroup: fixture('podman/cgroup.txt'), mntns: WEB },
  ]);
  const index = new ContainerIndex({ node: 'node-a', proc: new ProcReader(procRoot), resolvers: [new PodmanCli(async (_f, a) => (a.includes(podmanId) ? fixture('podman/inspect.json') : null))] });
  const { host, gadgets } = fakeHost(extra);
  const agent = new HubAgent({ url, token: 's3cret', node: 'node-a', index, host, statusIntervalMs: 50, minBackoffMs: 20 });
  return { agent, gadgets };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('HubAgent against a real ws server', () => {
  it('says hello with the catalog and inventory, runs a startRun and streams events with sequence numbers', async () => {
    const hub = await startHub();
    const { agent, gadgets } = makeAgent(hub.url);
    cleanups.push(() => agent.stop(), () => void hub.wss.close());
    await agent.start();
    await until(() => hub.received.some((m) => m.type === 'inventory'));
    expect(hub.auth[0]).toBe('Bearer s3cret');
    expect(hub.received[0]).toMatchObject({ type: 'hello', node: 'node-a', gadgets: [{ name: 'trace_exec' }], features: { tracepoint: true, kprobe: false } });
    const inv = hub.received.find((m) => m.type === 'inventory');
    expect(inv).toMatchObject({ containers: [{ id: podmanId, k8s: { namespace: 'demo', podName: 'web-1' } }] });

    const request = { gadget: 'trace_exec', target: { namespaces: ['demo'], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} };
    send(hub.sockets[0]!, { v: PROTOCOL_VERSION, type: 'startRun', runId: 'r1', request });
    await until(() => gadgets.length === 1 && hub.received.some((m) => m.type === 'runStatus' && m.status.state === 'running'));
    gadgets[0]!.emit([execEvent(WEB, 10, 'ls /'), execEvent(WEB, 11, 'ls /proc')]);
    await until(() => hub.received.some((m) => m.type === 'events'));
    const ev = hub.received.find((m) => m.type === 'events');
    expect(ev).toMatchObject({ runId: 'r1', node: 'node-a', seq: 1, events: [{ args: 'ls /', 'k8s.podName': 'web-1' }, { args: 'ls /proc' }] });

    // A malformed frame is answered with an error envelope, and the agent keeps going.
    hub.sockets[0]!.send(Buffer.from([0xc1, 0x00]));
    await until(() => hub.received.some((m) => m.type === 'error'));

    send(hub.sockets[0]!, { v: PROTOCOL_VERSION, type: 'stopRun', runId: 'r1' });
    await until(() => hub.received.some((m) => m.type === 'runStatus' && m.status.state === 'stopped'));
    expect(gadgets[0]!.closed).toBe(true);
  });

  it('reports a bad parameter as a failed run with the error envelope', async () => {
    const hub = await startHub();
    const { agent, gadgets } = makeAgent(hub.url);
    cleanups.push(() => agent.stop(), () => void hub.wss.close());
    await agent.start();
    await until(() => hub.sockets.length === 1 && hub.received.length > 0);
    send(hub.sockets[0]!, { v: PROTOCOL_VERSION, type: 'startRun', runId: 'bad', request: { gadget: 'trace_exec', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: { 'ignore-failed': 'maybe' } } });
    await until(() => hub.received.some((m) => m.type === 'runStatus'));
    expect(hub.received.find((m) => m.type === 'runStatus')).toMatchObject({ runId: 'bad', status: { state: 'failed', error: { code: 'bad_param' } } });
    expect(gadgets).toHaveLength(0);
  });

  it('reconnects after the hub drops it, and does not start a run twice when the hub re-sends it', async () => {
    const hub = await startHub();
    const { agent, gadgets } = makeAgent(hub.url);
    cleanups.push(() => agent.stop(), () => void hub.wss.close());
    await agent.start();
    await until(() => hub.sockets.length === 1);
    const request = { gadget: 'trace_exec', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} };
    send(hub.sockets[0]!, { v: PROTOCOL_VERSION, type: 'startRun', runId: 'r2', request });
    await until(() => gadgets.length === 1);
    hub.sockets[0]!.terminate();
    await until(() => hub.sockets.length === 2 && hub.received.filter((m) => m.type === 'hello').length === 2);
    send(hub.sockets[1]!, { v: PROTOCOL_VERSION, type: 'startRun', runId: 'r2', request });
    await until(() => hub.received.filter((m) => m.type === 'runStatus' && m.runId === 'r2').length > 3);
    expect(gadgets).toHaveLength(1);
    gadgets[0]!.emit([execEvent(WEB, 12, 'after reconnect')]);
    await until(() => hub.received.some((m) => m.type === 'events'));
  });

  it('reports a snapshot run as stopped once its one batch is sent, without a stopRun', async () => {
    const hub = await startHub();
    const { agent, gadgets } = makeAgent(hub.url, [snapshotFakeMeta]);
    cleanups.push(() => agent.stop(), () => void hub.wss.close());
    await agent.start();
    await until(() => hub.sockets.length === 1 && hub.received.length > 0);
    const request = { gadget: 'snapshot_fake', target: { namespaces: ['demo'], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} };
    send(hub.sockets[0]!, { v: PROTOCOL_VERSION, type: 'startRun', runId: 's1', request });
    await until(() => gadgets.length === 1 && hub.received.some((m) => m.type === 'runStatus' && m.status.state === 'running'));
    gadgets[0]!.emit([{ timestamp: 1, mntns_id: WEB, 'proc.pid': 9744, what: 'row' }]);
    await until(() => hub.received.some((m) => m.type === 'runStatus' && m.runId === 's1' && m.status.state === 'stopped'));
    const ev = hub.received.findIndex((m) => m.type === 'events' && m.runId === 's1');
    const stopped = hub.received.findIndex((m) => m.type === 'runStatus' && m.runId === 's1' && m.status.state === 'stopped');
    expect(ev).toBeGreaterThanOrEqual(0);
    expect(ev).toBeLessThan(stopped);
    expect(hub.received[stopped]).toMatchObject({ status: { events: 1 } });
    expect(gadgets[0]!.closed).toBe(true);
  });
});
