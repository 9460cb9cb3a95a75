// The real stack for the plugin's integration tests: a hub and an agent in their own processes, started as
// scripts/run.sh starts them (containers come from the agent's podman helpers), and `kubectl` with this package's
// bin/ on PATH so `kubectl podscope` goes through kubectl's plugin lookup.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export { podLabels, podman, setupPodman } from '@podscope/agent/testing/podman';

const repo = new URL('../../../', import.meta.url).pathname;
export const binDir = new URL('../bin', import.meta.url).pathname;

export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000, log: () => string = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

export interface Plugin {
  child: Child;
  stdout: () => string;
  stdoutBytes: () => Buffer;
  stderr: () => string;
  exited: Promise<number | null>;
}

export class RealStack {
  private readonly children: Child[] = [];
  private logs = '';

  private constructor(
    readonly url: string,
    readonly dataDir: string,
    readonly node: string,
  ) {}

  token = '';

  static readonly password = 'cli-int-password';

  static async start(node: string): Promise<RealStack> {
    const dataDir = mkdtempSync(join(tmpdir(), 'podscope-cli-int-'));
    const agentToken = `cli-int-agent-token-${process.pid}-0123456789`;
    // Port 0: the hub picks a free port and prints its URL.
    const env = { ...process.env, PODSCOPE_PORT: '0', PODSCOPE_DATA_DIR: dataDir, PODSCOPE_ADMIN_PASSWORD: RealStack.password, PODSCOPE_AGENT_TOKEN: agentToken, PODSCOPE_WEB_DIR: join(dataDir, 'no-web') };
    const hubMain = ['--import', 'tsx', 'src/main.ts'];
    const logs = { text: '' };
    const hub = spawn('node', hubMain, { cwd: join(repo, 'apps/server'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    hub.stdout.setEncoding('utf8').on('data', (d: string) => (logs.text += d));
    let url = '';
    try {
      await until('the hub to listen', () => (url = /listening on (http:\/\/\S+)/.exec(logs.text)?.[1] ?? '') !== '', 30_000, () => logs.text);
    } catch (err) {
      hub.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    const stack = new RealStack(url, dataDir, node);
    stack.track(hub);
    try {
      // The first start created user admin; a running hub accepts new API tokens without a restart.
      stack.token = execFileSync('node', [...hubMain, 'api-token', 'add', 'admin', '--name', 'cli-int'], { cwd: join(repo, 'apps/server'), env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      stack.track(spawn('node', [join(repo, 'packages/agent/bin/podscope-agent.mjs'), 'serve', '--hub', `${url.replace(/^http/, 'ws')}/agent`, '--token', agentToken, '--node', node], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
      await until('the agent', async () => ((await (await fetch(`${stack.url}/healthz`)).json()) as { agents: string[] }).agents.includes(node), 30_000, () => stack.logs);
    } catch (err) {
      stack.stop();
      throw err;
    }
    return stack;
  }

  private track(child: Child): Child {
    this.children.push(child);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (this.logs = (this.logs + d).slice(-20_000)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.logs = (this.logs + d).slice(-20_000)));
    return child;
  }

  get log(): string {
    return this.logs;
  }

  /** Waits until the hub's inventory shows the pod running. */
  async waitForPod(namespace: string, pod: string): Promise<void> {
    await until(`pod ${namespace}/${pod} in the inventory`, async () => {
      const inv = (await (await fetch(`${this.url}/api/inventory`, { headers: { authorization: `Bearer ${this.token}` } })).json()) as { containers: { k8s: { namespace: string; podName: string } | null; exitedAt?: number }[] };
      return inv.containers.some((c) => c.k8s?.namespace === namespace && c.k8s.podName === pod && c.exitedAt === undefined);
    });
  }

  /** `kubectl podscope …` as a user runs it: kubectl finds the plugin on PATH. */
  kubectl(args: readonly string[], env: Record<string, string> = { PODSCOPE_TOKEN: this.token }, cwd?: string): Plugin {
    const child = spawn('kubectl', ['podscope', ...args], {
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: this.dataDir, PODSCOPE_HUB: this.url, PODSCOPE_CONFIG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd !== undefined ? { cwd } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    return { child, stdout: () => Buffer.concat(out).toString('utf8'), stdoutBytes: () => Buffer.concat(out), stderr: () => err, exited };
  }

  stop(): void {
    for (const c of this.children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
