// Test helpers for captures: synthetic events, a hub with agents, recording and paging, raw uploads, pcap files.
import {
  CaptureEventsResponse,
  CaptureResponse,
  CaptureCreatedResponse,
  RunResponse,
  type EventRecord,
} from '@podscope/protocol';
import { TestAgent, api, container, createRun, login, startTestHub, waitFor, type HubAddress, type TestHub } from '../hubTestKit.ts';
import type { HubConfig } from '../config.ts';
import type { HubOptions } from '../hub.ts';

export const BASE_NS = 1_700_000_000_000_000_000;
export const COMMS = ['dd', 'cat', 'sh', 'curl', 'ls'] as const;

/** Event `i` of a node: times interleave across nodes (node index `k` offsets by k*500 ns). */
export function synthEvent(i: number, node: string, k = 0): EventRecord {
  return {
    timestamp: BASE_NS + i * 1_000_000 + k * 500,
    'k8s.node': node,
    'k8s.namespace': 'demo',
    'k8s.podName': `web-${i % 3}`,
    'k8s.containerName': 'web',
    'proc.comm': COMMS[i % COMMS.length] ?? 'dd',
    'proc.pid': 1000 + (i % 97),
    'proc.tid': 1000 + i,
    args: `run ${i}${i % 7 === 0 ? ' --foo' : ''}`,
    error: i % 11 === 0 ? 'ENOENT' : '',
    retval: i % 11 === 0 ? -2 : 0,
  };
}

export interface HubWithAgents {
  hub: TestHub;
  cookie: string;
  agents: TestAgent[];
}

export async function hubWithAgents(nodes: string[], overrides: Partial<HubConfig> = {}, opts: HubOptions & { dataDir?: string } = {}): Promise<HubWithAgents> {
  const hub = await startTestHub(overrides, {}, opts);
  const cookie = await login(hub);
  const agents: TestAgent[] = [];
  for (const node of nodes) {
    const agent = await TestAgent.connect(hub, node);
    agent.inventory([container(node, 'demo')]);
    agents.push(agent);
  }
  await waitFor('inventory', () => hub.registry.runningContainers().length === nodes.length);
  return { hub, cookie, agents };
}

/** Sends `perNode` events from each agent in batches of `batch`, with seq numbers from `firstSeq`. */
export function sendEvents(agents: TestAgent[], runId: string, from: number, perNode: number, batch = 250, firstSeq = 1): number {
  let seq = firstSeq;
  for (let start = from; start < from + perNode; start += batch) {
    const end = Math.min(from + perNode, start + batch);
    agents.forEach((a, k) => a.events(runId, seq, Array.from({ length: end - start }, (_, j) => synthEvent(start + j, a.node, k))));
    seq++;
  }
  return seq;
}

export async function runEvents(hub: HubAddress, cookie: string, runId: string): Promise<number> {
  return RunResponse.parse((await api(hub, 'GET', `/api/runs/${runId}`, { cookie })).body).run.events;
}

/** Records a run of `perNode` events per agent (half before the recording starts, from its start) and stops it. */
export async function recordedCapture(h: HubWithAgents, perNode: number): Promise<{ captureId: string; runId: string; total: number }> {
  const { hub, cookie, agents } = h;
  const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
  await waitFor('startRun on every agent', () => agents.every((a) => a.startRuns().includes(runId)));
  for (const a of agents) a.status(runId);
  const half = Math.floor(perNode / 2);
  const seq = sendEvents(agents, runId, 0, half);
  const total = perNode * agents.length;
  await waitFor('first half at the hub', async () => (await runEvents(hub, cookie, runId)) === half * agents.length);
  const rec = await api(hub, 'POST', `/api/runs/${runId}/record`, { cookie, body: { from: 'start', name: 'test capture' } });
  if (rec.status !== 201) throw new Error(`record → ${rec.status} ${JSON.stringify(rec.body)}`);
  const captureId = CaptureCreatedResponse.parse(rec.body).capture.id;
  sendEvents(agents, runId, half, perNode - half, 250, seq);
  await waitFor('all events at the hub', async () => (await runEvents(hub, cookie, runId)) === total);
  const stopped = await api(hub, 'POST', `/api/captures/${captureId}/stop`, { cookie });
  if (stopped.status !== 200) throw new Error(`stop → ${stopped.status} ${JSON.stringify(stopped.body)}`);
  return { captureId, runId, total };
}

export async function getCapture(hub: HubAddress, id: string, auth: { cookie?: string; share?: string } = {}): Promise<CaptureResponse> {
  const res = await api(hub, 'GET', `/api/captures/${id}${auth.share === undefined ? '' : `?share=${auth.share}`}`, auth.cookie === undefined ? {} : { cookie: auth.cookie });
  if (res.status !== 200) throw new Error(`GET capture → ${res.status} ${JSON.stringify(res.body)}`);
  return CaptureResponse.parse(res.body);
}

export async function events(hub: HubAddress, id: string, cookie: string, params: Record<string, string | number>): Promise<CaptureEventsResponse> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await api(hub, 'GET', `/api/captures/${id}/events?${qs}`, { cookie });
  if (res.status !== 200) throw new Error(`events → ${res.status} ${JSON.stringify(res.body)}`);
  return CaptureEventsResponse.parse(res.body);
}

/** Pages through every matching row. */
export async function allEvents(hub: HubAddress, id: string, cookie: string, params: Record<string, string | number>, limit = 700): Promise<CaptureEventsResponse['events']> {
  const out: CaptureEventsResponse['events'] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await events(hub, id, cookie, { ...params, offset, limit });
    out.push(...page.events);
    if (offset + limit >= page.total) return out;
  }
}

export async function upload(hub: HubAddress, cookie: string, bytes: Uint8Array, name = 'upload'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${hub.url}/api/captures/import?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body };
}

export async function downloadBytes(hub: HubAddress, route: string, cookie: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(hub.url + route, { headers: { cookie } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

export interface TestPacket {
  tsNs: number;
  data: Buffer;
  len?: number;
}

/** A classic pcap file (little-endian, µs or ns resolution, Ethernet). */
export function pcapFile(packets: TestPacket[], opts: { ns?: boolean; bigEndian?: boolean } = {}): Buffer {
  const le = !(opts.bigEndian ?? false);
  const u32 = (b: Buffer, v: number, off: number): number => (le ? b.writeUInt32LE(v, off) : b.writeUInt32BE(v, off));
  const u16 = (b: Buffer, v: number, off: number): number => (le ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off));
  const head = Buffer.alloc(24);
  u32(head, opts.ns === true ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(head, 2, 4);
  u16(head, 4, 6);
  u32(head, 262144, 16);
  u32(head, 1, 20);
  const recs = packets.map((p) => {
    const r = Buffer.alloc(16);
    const ns = BigInt(p.tsNs);
    u32(r, Number(ns / 1_000_000_000n), 0);
    u32(r, Number(opts.ns === true ? ns % 1_000_000_000n : (ns % 1_000_000_000n) / 1000n), 4);
    u32(r, p.data.length, 8);
    u32(r, p.len ?? p.data.length, 12);
    return Buffer.concat([r, p.data]);
  });
  return Buffer.concat([head, ...recs]);
}
