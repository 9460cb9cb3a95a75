import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { AgentToHub, EventRecord, RunNodeStatus } from '@podscope/protocol';
import { PROTOCOL_VERSION, decodeAgentToHub, encodeFrame } from '@podscope/protocol';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import type { RealNode } from '../test/gadgetRun.ts';
import { startRealNode, until } from '../test/gadgetRun.ts';
import { HubAgent } from './hub/hubAgent.ts';

// Issue 3 end to end on one node: a real container does I/O from dd and from cat; a hub (a real ws server here)
// asks for trace_open with `proc.comm==dd`; only dd's events may reach the hub, and cat's opens must have been
// dropped in the kernel, before the agent decoded or encoded anything. Needs root, eBPF and podman; fails, never skips.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const trainer = `podscope-issue3-${suffix}`;
let node: RealNode;
let wss: WebSocketServer;
let agent: HubAgent;
let socket: WebSocket | undefined;
const received: AgentToHub[] = [];
let badFrames = 0;

const statuses = (): RunNodeStatus[] => received.flatMap((m) => (m.type === 'runStatus' && m.runId === 'issue3' ? [m.status] : []));
const events = (): EventRecord[] => received.flatMap((m) => (m.type === 'events' && m.runId === 'issue3' ? m.events : []));

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  podman(['run', '-d', '--name', trainer, '--network', 'none', ...podLabels('training', 'training-job', 'trainer'), image, 'sleep', '300']);
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data: Buffer) => {
      const d = decodeAgentToHub(data);
      if (d.ok) received.push(d.message);
      else badFrames++;
    });
  });
  node = await startRealNode('issue3-node');
  agent = new HubAgent({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`, token: 't', node: node.node, index: node.index, host: node.host, statusIntervalMs: 100 });
  await agent.start();
  await until('the agent inventory naming the training pod', () => received.some((m) => m.type === 'inventory' && m.containers.some((c) => c.k8s?.podName === 'training-job')));
});

afterAll(async () => {
  await agent?.stop();
  wss?.close();
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', trainer], true);
});

describe('issue 3: a comm filter pushed into the kernel, through the hub path', () => {
  it('delivers only dd events and reports the kernel push-down and what the kernel dropped', async () => {
    const request = { gadget: 'trace_open', target: { namespaces: ['training'], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {}, filter: 'proc.comm==dd' };
    socket!.send(encodeFrame({ v: PROTOCOL_VERSION, type: 'startRun', runId: 'issue3', request }));
    await until('the run to be running', () => statuses().some((s) => s.state === 'running'));

    // cat reads in a bounded loop while dd writes the checkpoint, in the same container.
    podman(['exec', trainer, '/bin/sh', '-c', 'i=0; while [ $i -lt 200 ]; do /bin/cat /etc/passwd >/dev/null; i=$((i+1)); done & /bin/dd if=/dev/zero of=/tmp/model_epoch_1.pkl bs=1M count=16 conv=fsync; wait']);
    await until('dd opening the checkpoint', () => events().some((e) => e['fname'] === '/tmp/model_epoch_1.pkl'), 10_000);
    await until('a status counting kernel-filtered opens', () => (statuses().at(-1)?.kernelFiltered ?? 0) >= 200, 5000);

    const evs = events();
    expect(evs.length).toBeGreaterThan(0);
    expect(evs.filter((e) => e['proc.comm'] !== 'dd')).toEqual([]);
    expect(evs.find((e) => e['fname'] === '/tmp/model_epoch_1.pkl')).toMatchObject({ 'k8s.namespace': 'training', 'k8s.podName': 'training-job', 'k8s.containerName': 'trainer', error: '' });
    const last = statuses().at(-1)!;
    expect(last.pushdown).toEqual({ kernel: ['proc.comm==dd'], agent: 'proc.comm==dd' });
    // 200 cat processes each open /etc/passwd at least once: all of it stopped in the kernel.
    expect(last.kernelFiltered).toBeGreaterThanOrEqual(200);
    expect(last).toMatchObject({ state: 'running', kernelDrops: 0, agentDrops: 0 });
    expect(badFrames).toBe(0);

    socket!.send(encodeFrame({ v: PROTOCOL_VERSION, type: 'stopRun', runId: 'issue3' }));
    await until('the stopped status', () => statuses().some((s) => s.state === 'stopped'));
    const final = statuses().find((s) => s.state === 'stopped')!;
    // Everything the agent encoded reached the hub.
    expect(final.events).toBe(events().length);
  });
});
