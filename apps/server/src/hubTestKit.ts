// Test helpers: a real hub on port 0, a fake agent and a browser client speaking the real protocol over real sockets.
import { mkdtemp, rm } from 'node:fs/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import {
  commonFields,
  PROTOCOL_VERSION,
  RunResponse,
  decodeHubToAgent,
  decodeHubToClient,
  encodeFrame,
  type AgentToHub,
  type ClientToHub,
  type ContainerInfo,
  type EventRecord,
  type GadgetMeta,
  type HubToAgent,
  type HubToClient,
  type RunNodeStatus,
} from '@podscope/protocol';
import { loadConfig, type HubConfig } from './config.ts';
import { startHub, type HubOptions, type RunningHub } from './hub.ts';

export const ADMIN_PASSWORD = 'correct-horse-battery';
export const AGENT_TOKEN = 'test-agent-token-0123456789';

export const traceExec: GadgetMeta = {
  name: 'trace_exec',
  category: 'trace',
  description: 'Trace new processes',
  params: [
    { name: 'ignore-failed', type: 'boolean', description: '', default: true },
    { name: 'max-args', type: 'integer', description: '', default: 20, min: 1, max: 64 },
  ],
  fields: [...commonFields, { name: 'args', type: 'string', description: 'argv', defaultVisible: true }],
};

/** Polls until `cond` returns a value other than undefined/false; fails with `what` after a generous timeout. */
export async function waitFor<T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface TestHub extends RunningHub {
  config: HubConfig;
  stop(): Promise<void>;
}

export async function startTestHub(overrides: Partial<HubConfig> = {}, env: Record<string, string> = {}, opts: HubOptions & { dataDir?: string } = {}): Promise<TestHub> {
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'podscope-hub-')));
  const config = {
    ...loadConfig({
      PODSCOPE_PORT: '0',
      PODSCOPE_DATA_DIR: dataDir,
      PODSCOPE_WEB_DIR: path.join(dataDir, 'no-web'),
      PODSCOPE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PODSCOPE_AGENT_TOKEN: AGENT_TOKEN,
      ...env,
    }),
    ...overrides,
  };
  const hub = await startHub(config, undefined, opts);
  return {
    ...hub,
    config,
    async stop() {
      await hub.close();
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResult {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Anything with the hub's base URL (an in-process hub, or one in a child process). */
export type HubAddress = Pick<RunningHub, 'url'>;

export async function api(
  hub: HubAddress,
  method: string,
  route: string,
  opts: { cookie?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie !== undefined) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(hub.url + route, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Logs in as admin and returns the `podscope_session=...` cookie pair. */
export async function login(hub: HubAddress, password = ADMIN_PASSWORD, username = 'admin'): Promise<string> {
  const res = await fetch(`${hub.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed with ${res.status}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

const wsUrl = (hub: HubAddress, p: string): string => hub.url.replace(/^http/, 'ws') + p;

function openSocket(url: string, headers: Record<string, string>, onSocket?: (s: net.Socket) => void): WebSocket {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  // The upgrade response's socket is the TCP connection the WebSocket keeps using.
  if (onSocket !== undefined) ws.once('upgrade', (res) => onSocket(res.socket));
  return ws;
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode ?? '?'}`)));
    ws.once('error', reject);
  });
}

const bytesOf = (data: RawData): Uint8Array => (Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data);

export class TestAgent {
  readonly received: HubToAgent[] = [];
  /** Frames from the hub that did not decode; always expected to stay empty. */
  readonly undecodable: string[] = [];
  closed: { code: number } | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly node: string,
  ) {
    ws.on('message', (data: RawData) => {
      const d = decodeHubToAgent(bytesOf(data));
      if (d.ok) this.received.push(d.message);
      else this.undecodable.push(d.error.message);
    });
    ws.on('close', (code) => (this.closed = { code }));
  }

  /** Connects and says hello without waiting for the answer. */
  static async open(hub: HubAddress, node: string, opts: { token?: string; gadgets?: GadgetMeta[]; features?: Record<string, boolean> } = {}): Promise<TestAgent> {
    const ws = openSocket(wsUrl(hub, '/agent'), { authorization: `Bearer ${opts.token ?? AGENT_TOKEN}` });
    const agent = new TestAgent(ws, node);
    await opened(ws);
    agent.send({ v: PROTOCOL_VERSION, type: 'hello', node, agentVersion: 'test', gadgets: opts.gadgets ?? [traceExec], ...(opts.features ? { features: opts.features } : {}) });
    return agent;
  }

  /** Connects and says hello; resolves after the welcome. */
  static async connect(hub: HubAddress, node: string, opts: { token?: string; gadgets?: GadgetMeta[]; features?: Record<string, boolean> } = {}): Promise<TestAgent> {
    const agent = await TestAgent.open(hub, node, opts);
    await waitFor(`welcome for ${node}`, () => agent.received.some((m) => m.type === 'welcome'));
    return agent;
  }

  send(msg: AgentToHub): void {
    this.ws.send(encodeFrame(msg));
  }

  inventory(containers: ContainerInfo[]): void {
    this.send({ v: PROTOCOL_VERSION, type: 'inventory', node: this.node, containers });
  }

  status(runId: string, patch: Partial<RunNodeStatus> = {}): void {
    this.send({
      v: PROTOCOL_VERSION,
      type: 'runStatus',
      runId,
      status: { node: this.node, state: 'running', kernelDrops: 0, agentDrops: 0, filtered: 0, events: 0, ...patch },
    });
  }

  events(runId: string, seq: number, events: EventRecord[]): void {
    this.send({ v: PROTOCOL_VERSION, type: 'events', runId, node: this.node, seq, events });
  }

  startRuns(): string[] {
    return this.received.flatMap((m) => (m.type === 'startRun' ? [m.runId] : []));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
  }
}

export class TestBrowser {
  readonly received: HubToClient[] = [];
  /** Frames from the hub that did not decode; always expected to stay empty. */
  readonly undecodable: string[] = [];
  closed: { code: number } | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly socketOf: () => net.Socket | undefined,
  ) {
    ws.on('message', (data: RawData) => {
      const d = decodeHubToClient(bytesOf(data));
      if (d.ok) this.received.push(d.message);
      else this.undecodable.push(d.error.message);
    });
    ws.on('close', (code) => (this.closed = { code }));
  }

  static async connect(hub: RunningHub, cookie: string): Promise<TestBrowser> {
    let socket: net.Socket | undefined;
    const ws = openSocket(wsUrl(hub, '/ws'), { cookie }, (s) => (socket = s));
    const browser = new TestBrowser(ws, () => socket);
    await opened(ws);
    return browser;
  }

  /** The TCP socket under the WebSocket, to pause reading and build real backpressure. */
  get socket(): net.Socket {
    const s = this.socketOf();
    if (s === undefined) throw new Error('no socket captured');
    return s;
  }

  send(msg: ClientToHub): void {
    this.ws.send(encodeFrame(msg));
  }

  async subscribe(runId: string): Promise<void> {
    const before = this.received.length;
    this.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId });
    await waitFor(`run update for ${runId}`, () => this.received.slice(before).some((m) => m.type === 'run' && m.run.id === runId));
  }

  events(runId: string): EventRecord[] {
    return this.received.flatMap((m) => (m.type === 'events' && m.runId === runId ? m.events : []));
  }

  errors(): string[] {
    return this.received.flatMap((m) => (m.type === 'error' ? [m.error.code] : []));
  }

  lastStats(runId: string): { delivered: number; dropped: number } | undefined {
    const all = this.received.filter((m) => m.type === 'subscriberStats' && m.runId === runId);
    const last = all[all.length - 1];
    return last?.type === 'subscriberStats' ? { delivered: last.delivered, dropped: last.dropped } : undefined;
  }

  lastRun(runId: string): Extract<HubToClient, { type: 'run' }>['run'] | undefined {
    const all = this.received.filter((m) => m.type === 'run' && m.run.id === runId);
    const last = all[all.length - 1];
    return last?.type === 'run' ? last.run : undefined;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
  }
}

export function container(node: string, namespace: string, podName = 'web-1'): ContainerInfo {
  return {
    id: `${node}-${namespace}-${podName}`,
    name: 'web',
    runtime: 'containerd',
    image: 'busybox',
    labels: { app: 'web' },
    node,
    k8s: { namespace, podName, containerName: 'web' },
  };
}

/** Creates a run through the REST API and returns its id. */
export async function createRun(hub: HubAddress, cookie: string, body: unknown): Promise<string> {
  const res = await api(hub, 'POST', '/api/runs', { cookie, body });
  if (res.status !== 201) throw new Error(`POST /api/runs → ${res.status} ${JSON.stringify(res.body)}`);
  return RunResponse.parse(res.body).run.id;
}
