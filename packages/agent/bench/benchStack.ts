// A real hub + agent for benchmarks: separate processes started the way scripts/run.sh starts them, plus a
// logged-in REST/WebSocket client that subscribes to runs like a browser does.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, RunResponse, decodeHubToClient, encodeFrame, type RunInfo, type RunRequestInput } from '@podscope/protocol';

const repo = new URL('../../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Proportional set size: shared pages (the node binary, libraries) divided among the processes mapping them. */
export function procPss(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return 1024 * Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
}

/** CPU seconds (user+system) and RSS of a process, from /proc. */
export function procUsage(pid: number): { cpuSec: number; rssBytes: number; anonBytes: number; sharedBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => 1024 * Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  // RssFile+RssShmem: the node binary and libraries, and the kernel's ring-buffer pages mapped into the agent.
  return { cpuSec: ticks / 100, rssBytes: kb('VmRSS'), anonBytes: kb('RssAnon'), sharedBytes: kb('RssFile') + kb('RssShmem') };
}

const allCpus = (): string => `0-${cpus().length - 1}`;
let selfPinned = false;

/** Moves every thread of process `pid` to the CPUs in `list` (taskset syntax). */
function pin(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}

/**
 * Moves this process (the bench's own WebSocket client) to `list`, or back to every CPU (null). Processes
 * started while it is pinned through `unpinned` (agent, workload, peer tools) still get every CPU.
 */
export function pinSelf(list: string | null): void {
  pin(process.pid, list ?? allCpus());
  selfPinned = list !== null;
}

/** A command line that runs on every CPU even when this process is pinned. */
export function unpinned(argv: readonly string[]): string[] {
  return selfPinned ? ['taskset', '-c', allCpus(), ...argv] : [...argv];
}

/** Resolves once a counter stops moving for 400 ms (the pipe has drained). */
export async function settle(count: () => number): Promise<void> {
  let last = -1;
  while (count() !== last) {
    last = count();
    await new Promise((r) => setTimeout(r, 400));
  }
}

export interface RunCounter {
  run: RunInfo;
  events: () => number;
  /** This subscriber's hub-side drops (subscriberStats). */
  hubDrops: () => number;
  close: () => void;
}

export class BenchStack {
  private stopped = false;
  private constructor(
    readonly url: string,
    readonly hub: ChildProcess,
    readonly agent: ChildProcess,
    private readonly cookie: string,
    private readonly dataDir: string,
  ) {}

  static async start(node: string): Promise<BenchStack> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'podscope-bench-hub-'));
    const token = 'bench-agent-token-0123456789';
    const password = 'bench-password';
    const env = { ...process.env, PODSCOPE_PORT: String(port), PODSCOPE_DATA_DIR: dataDir, PODSCOPE_ADMIN_PASSWORD: password, PODSCOPE_AGENT_TOKEN: token };
    const hubNodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    const hubCommand = unpinned(['node', ...hubNodeArgs, '--import', 'tsx', 'src/main.ts']);
    const hub = spawn(hubCommand[0]!, hubCommand.slice(1), { cwd: join(repo, 'apps/server'), env, stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    await until('the hub', async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true);
    // BENCH_AGENT_NODE_ARGS / BENCH_HUB_NODE_ARGS: extra node flags for the agent / hub (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
    // --cpu-prof-interval=5000 to profile it; BENCH_AGENT_STDOUT=<file> keeps the agent's stdout, e.g. for --trace-gc).
    const agentNodeArgs = (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    const agentCommand = unpinned(['node', ...agentNodeArgs, join(repo, 'packages/agent/bin/podscope-agent.mjs'), 'serve', '--hub', `ws://127.0.0.1:${port}/agent`, '--token', token, '--node', node]);
    const agentOut = process.env.BENCH_AGENT_STDOUT === undefined ? 'ignore' : openSync(process.env.BENCH_AGENT_STDOUT, 'w');
    const agent = spawn(agentCommand[0]!, agentCommand.slice(1), { env, stdio: ['ignore', agentOut, 'inherit'] });
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username: 'admin', password }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    if (!login.ok || cookie === '') throw new Error(`login failed: ${login.status}`);
    const stack = new BenchStack(url, hub, agent, cookie, dataDir);
    process.once('exit', () => stack.stop());
    await until('the agent', async () => ((await (await fetch(`${url}/healthz`)).json()) as { agents: string[] }).agents.includes(node));
    return stack;
  }

  /**
   * Keeps the hub and this process (its subscribed client) on `list` (null: every CPU again) while `f` runs. In a
   * cluster the hub and the browser are on other machines than the traced workload; on one machine this keeps
   * their share of the work off the workload's CPU. The agent, which does run on the workload's node, is left to
   * the scheduler like the workload.
   */
  async awayFromWorkload<T>(list: string | null, f: () => Promise<T>): Promise<T> {
    if (list === null) return f();
    pin(this.hub.pid!, list);
    pinSelf(list);
    try {
      return await f();
    } finally {
      pin(this.hub.pid!, allCpus());
      pinSelf(null);
    }
  }

  async api(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { method, headers: { cookie: this.cookie, origin: this.url, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async waitForPod(namespace: string, pod: string): Promise<void> {
    await until(`pod ${namespace}/${pod}`, async () => {
      const inv = (await this.api('GET', '/api/inventory')) as { containers: { k8s: { namespace: string; podName: string } | null; exitedAt?: number }[] };
      return inv.containers.some((c) => c.k8s?.namespace === namespace && c.k8s.podName === pod && c.exitedAt === undefined);
    });
  }

  async getRun(id: string): Promise<RunInfo> {
    return RunResponse.parse(await this.api('GET', `/api/runs/${id}`)).run;
  }

  /** Starts a run and subscribes to it over the browser WebSocket, counting delivered events. */
  async startRun(request: RunRequestInput): Promise<RunCounter> {
    const run = RunResponse.parse(await this.api('POST', '/api/runs', request)).run;
    const ws = new WebSocket(`${this.url.replace('http', 'ws')}/ws`, { headers: { cookie: this.cookie, origin: this.url }, perMessageDeflate: false });
    let events = 0;
    let hubDrops = 0;
    ws.on('message', (data: Buffer) => {
      const d = decodeHubToClient(data);
      if (!d.ok) return;
      if (d.message.type === 'events') events += d.message.events.length;
      else if (d.message.type === 'subscriberStats') hubDrops = d.message.dropped;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(encodeFrame({ v: PROTOCOL_VERSION, type: 'subscribe', runId: run.id }));
    await until(`run ${run.id} running`, async () => (await this.getRun(run.id)).state === 'running');
    return { run, events: () => events, hubDrops: () => hubDrops, close: () => ws.close() };
  }

  async stopRun(id: string): Promise<RunInfo> {
    await this.api('DELETE', `/api/runs/${id}`);
    return this.getRun(id);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.agent.kill('SIGTERM');
    this.hub.kill('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
