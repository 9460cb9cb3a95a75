import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryResponse } from '@podscope/protocol';
import { AGENT_TOKEN, TestBrowser, api, createRun, login, waitFor, type TestHub } from '../hubTestKit.ts';
import { startClusterTestHub, type ClusterTestHub } from './testing/clusterTestKit.ts';
import { namespace, node, pod } from './testing/fixtures.ts';

// Cluster mode end to end on this machine: two real agent processes with different node names, a test API server that
// places pod web-a on node-a and web-b on node-b (real podman containers labelled as those pods), and the hub routing
// one namespace-wide trace_exec run to both. Each agent is told only its own node's pod, so every exec is seen once,
// by the agent of the pod's node. Needs root, eBPF and podman; fails, never skips.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const suffix = `${process.pid}-${Date.now() % 100000}`;
const ns = `routing-${suffix}`;
const containers = { a: `podscope-route-a-${suffix}`, b: `podscope-route-b-${suffix}` };

function podman(args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env }).trim();
}

/** Points podman at the project's store (scripts/podman-env.sh) and returns the busybox image. */
function setupPodman(): string {
  const out = execFileSync('bash', ['-c', 'source scripts/podman-env.sh && bash scripts/podman-image.sh >&2 && env -0'], { cwd: repo, encoding: 'utf8' });
  for (const kv of out.split('\0')) {
    const eq = kv.indexOf('=');
    const key = kv.slice(0, eq);
    if (key.startsWith('CONTAINERS_') || key === 'PODSCOPE_TEST_IMAGE') process.env[key] = kv.slice(eq + 1);
  }
  return process.env.PODSCOPE_TEST_IMAGE ?? 'localhost/podscope-busybox:latest';
}

let cluster: ClusterTestHub | undefined;
let hub: TestHub;
const agents: ChildProcess[] = [];
const agentLogs: string[] = [];

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  const ids: Record<string, string> = {};
  for (const [key, name] of Object.entries(containers)) {
    const podName = `web-${key}`;
    ids[key] = podman([
      'run', '-d', '--name', name, '--network', 'none',
      '--label', `io.kubernetes.pod.namespace=${ns}`, '--label', `io.kubernetes.pod.name=${podName}`, '--label', 'io.kubernetes.container.name=web', '--label', 'app=web',
      image, 'sleep', '300',
    ]);
  }
  cluster = await startClusterTestHub((k8s) => {
    k8s.accessRules = [{ users: ['admin'], namespaces: ['*'], verbs: ['*'], resources: ['*'] }];
    k8s.apply('namespaces', namespace(ns));
    for (const key of ['a', 'b'] as const) {
      k8s.apply('nodes', node(`node-${key}`));
      k8s.apply('pods', pod({ namespace: ns, name: `web-${key}`, node: `node-${key}`, labels: { app: 'web' }, containers: [{ name: 'web', id: `containerd://${ids[key] ?? ''}` }] }));
    }
  });
  hub = cluster.hub;
  for (const key of ['a', 'b']) {
    // From source, so the agents speak this tree's protocol even when the bundle is older.
    const child = spawn('node', ['packages/agent/bin/podscope-agent.mjs', 'serve', '--hub', `${hub.url.replace(/^http/, 'ws')}/agent`, '--node', `node-${key}`], {
      cwd: repo,
      env: { ...process.env, PODSCOPE_AGENT_TOKEN: AGENT_TOKEN, PODSCOPE_AGENT_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => agentLogs.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => agentLogs.push(d.toString()));
    agents.push(child);
  }
  await waitFor('both agents connected', () => hub.registry.connectedNodes().length === 2, 60_000);
}, 120_000);

afterAll(async () => {
  for (const a of agents) a.kill('SIGTERM');
  await Promise.all(agents.map((a) => (a.exitCode === null ? new Promise((r) => a.once('exit', r)) : Promise.resolve())));
  await cluster?.stop();
  for (const name of Object.values(containers)) execFileSync('podman', ['rm', '-f', '--ignore', '-t', '0', name], { stdio: 'ignore', env: process.env });
}, 60_000);

describe('cluster mode routing with two real agents', () => {
  it('runs a namespace on both nodes and merges each node’s events, each exec seen once by its own node', async () => {
    const cookie = await login(hub);
    const inv = await waitFor('both pods joined with their agents', async () => {
      const i = InventoryResponse.parse((await api(hub, 'GET', '/api/inventory', { cookie })).body);
      const mine = i.containers.filter((c) => c.k8s?.namespace === ns && c.mntns !== undefined);
    
      return mine.length === 2 ? mine : undefined;
    }, 30_000);
    expect(inv.map((c) => [c.k8s?.podName, c.node]).sort()).toEqual([
      ['web-a', 'node-a'],
      ['web-b', 'node-b'],
    ]);

    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: { namespaces: [ns], labels: ['app=web'] } });
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(runId);
    await waitFor('running on both nodes', () => browser.lastRun(runId)?.nodes.filter((n) => n.state === 'running').length === 2, 60_000);

    podman(['exec', containers.a, '/bin/echo', `from-a-${suffix}`]);
    podman(['exec', containers.b, '/bin/echo', `from-b-${suffix}`]);
    const execs = (tag: string) => browser.events(runId).filter((e) => typeof e.args === 'string' && e.args.includes(`${tag}-${suffix}`));
    await waitFor('events from both nodes', () => execs('from-a').length > 0 && execs('from-b').length > 0, 30_000);
    await browser.close();

    expect(execs('from-a').map((e) => [e['k8s.node'], e['k8s.podName'], e['proc.comm']])).toEqual([['node-a', 'web-a', 'echo']]);
    expect(execs('from-b').map((e) => [e['k8s.node'], e['k8s.podName'], e['proc.comm']])).toEqual([['node-b', 'web-b', 'echo']]);
    const run = hub.runs.get(runId);
    expect(run.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
    expect(run.drops).toEqual({ kernel: 0, agent: 0, hub: 0, browser: 0 });
  }, 120_000);
});
