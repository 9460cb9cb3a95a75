import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { TargetSelector } from '@podscope/protocol';
import { addProc, fixture, makeHostRoot, makeProcTree } from '../../test/fakeHost.ts';
import { execEvent, fakeHost, traceExecMeta } from '../../test/fakeGadget.ts';
import { ContainerdBundles, DockerFiles } from '../discovery/bundleRuntimes.ts';
import { ContainerIndex } from '../discovery/containerIndex.ts';
import { PodmanCli } from '../discovery/podmanCli.ts';
import { ProcReader } from '../discovery/procReader.ts';
import { RunPipeline } from './runPipeline.ts';

const HOST = 4026531840;
const WEB = 4026532177;
const API = 4026532400;
const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';

function world(withApi = true) {
  const procRoot = makeProcTree([
    { pid: 1, ppid: 0, comm: 'init', cgroup: '0::/\n', mntns: HOST },
    { pid: 9744, ppid: 1, comm: 'sleep', cgroup: fixture('podman/cgroup.txt'), mntns: WEB },
    ...(withApi ? [{ pid: 600, ppid: 1, comm: 'api', cgroup: fixture('docker/cgroup.txt'), mntns: API }] : []),
  ]);
  const hostRoot = makeHostRoot();
  const podman = new PodmanCli(async (_f, args) => (args[0] === 'inspect' && args.includes(podmanId) ? fixture('podman/inspect.json') : null));
  const index = new ContainerIndex({ node: 'node-a', proc: new ProcReader(procRoot), resolvers: [new ContainerdBundles(hostRoot), new DockerFiles(hostRoot), podman] });
  return { index, procRoot };
}

function collect(): { sink: { offer: (e: EventRecord[]) => boolean }; out: EventRecord[] } {
  const out: EventRecord[] = [];
  return { out, sink: { offer: (e) => (out.push(...e), true) } };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('RunPipeline with a fake gadget', () => {
  it('selects in the kernel by mount namespace and enriches with pod and runtime fields', async () => {
    const { index } = world();
    const { host, gadgets } = fakeHost();
    const { sink, out } = collect();
    const p = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: TargetSelector.parse({ namespaces: ['demo'] }), node: 'node-a', index, host, sink });
    await p.start();
    const g = gadgets[0]!;
    expect(g.opts.selection.enabled).toBe(true);
    expect(g.verdicts.get(WEB)).toBe(1);
    expect(g.verdicts.get(API)).toBe(0);
    expect(g.verdicts.get(HOST)).toBe(0);
    g.emit([execEvent(WEB, 9750, 'ls /'), execEvent(API, 601, 'curl x'), execEvent(HOST, 42, 'bash')]);
    await p.stop();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ args: 'ls /', 'k8s.node': 'node-a', 'k8s.namespace': 'demo', 'k8s.podName': 'web-1', 'k8s.containerName': 'web', 'runtime.containerId': podmanId, 'runtime.containerName': 'web-1-web', 'runtime.containerImageName': 'localhost/busybox:latest', 'runtime.runtimeName': 'podman' });
    expect(out[0]).toHaveProperty('mntns_pending', false);
    expect(p.status()).toMatchObject({ state: 'stopped', events: 1, kernelDrops: 3, agentDrops: 0 });
    expect(g.closed).toBe(true);
  });

  it('holds the first events of a brand-new container until it is resolved, then releases them in order', async () => {
    const { index, procRoot } = world(false);
    const { host, gadgets } = fakeHost();
    const { sink, out } = collect();
    const p = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: TargetSelector.parse({ namespaces: ['team-a', 'demo'] }), node: 'node-a', index, host, sink });
    await p.start();
    const g = gadgets[0]!;
    // A docker pod container in team-a appears after the run started; its first process runs before any rescan.
    const newDocker = fixture('docker/id.txt').trim();
    addProc(procRoot, { pid: 7000, ppid: 1, comm: 'sh', cgroup: `0::/system.slice/docker-${newDocker}.scope\n`, mntns: 4026533000 });
    addProc(procRoot, { pid: 7100, ppid: 1, comm: 'x', cgroup: '0::/system.slice/docker-' + 'e'.repeat(64) + '.scope\n', mntns: 4026533100 });
    g.emit([execEvent(4026533000, 7000, 'sh -c ls'), execEvent(4026533100, 7100, 'not selected'), execEvent(4026533000, 7001, 'ls /proc', 7000)]);
    await until(() => g.verdicts.get(4026533000) === 1 && g.verdicts.get(4026533100) === 0);
    g.emit([execEvent(4026533000, 7002, 'sleep 5', 7000)]);
    await p.stop();
    expect(out.map((e) => e.args)).toEqual(['sh -c ls', 'ls /proc', 'sleep 5']);
    expect(out[1]).toMatchObject({ 'k8s.namespace': 'team-a', 'k8s.podName': 'api-5c6d', 'runtime.runtimeName': 'docker' });
    expect(p.status()).toMatchObject({ filtered: 1, agentDrops: 0, events: 3 });
  });

  it('gives up on a mount namespace nobody can name, counting the events as filtered', async () => {
    const { index } = world();
    const { host, gadgets } = fakeHost();
    const { sink, out } = collect();
    const p = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: TargetSelector.parse({}), node: 'node-a', index, host, sink });
    (p.selector as unknown as { opts: { giveUpMs: number } }).opts.giveUpMs = 100;
    await p.start();
    gadgets[0]!.emit([execEvent(4026539999, 99999, 'ghost')]);
    await until(() => p.counters.pendingGivenUp === 1);
    await p.stop();
    expect(out).toHaveLength(0);
    expect(p.status()).toMatchObject({ filtered: 1, agentDrops: 0 });
  });

  it('traces everything without kernel selection for -A --host, and applies --filter', async () => {
    const { index } = world();
    const { host, gadgets } = fakeHost();
    const { sink, out } = collect();
    const p = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: TargetSelector.parse({ host: true }), node: 'node-a', index, host, sink, filter: 'proc.comm!=bash' });
    await p.start();
    expect(gadgets[0]!.opts.selection.enabled).toBe(false);
    gadgets[0]!.emit([execEvent(HOST, 42, 'bash'), execEvent(HOST, 43, 'ls -l'), execEvent(API, 601, 'curl x')]);
    await p.stop();
    expect(out.map((e) => [e.args, e['k8s.podName']])).toEqual([['ls -l', null], ['curl x', 'api-5c6d']]);
    expect(p.status().filtered).toBe(1);
  });

  it('fails the run and still closes when the gadget cannot start', async () => {
    const { index } = world();
    const { host: real } = fakeHost();
    // Known to the catalog, but the loader refuses to start it.
    const host = { ...real, catalog: new Map([...real.catalog, ['nope', { meta: { ...traceExecMeta, name: 'nope' } }]]) };
    const p = new RunPipeline({ gadget: 'nope', params: {}, selector: TargetSelector.parse({}), node: 'node-a', index, host, sink: collect().sink });
    await expect(p.start()).rejects.toThrow('no gadget nope');
    expect(p.status()).toMatchObject({ state: 'failed', error: { code: 'internal', message: 'no gadget nope' } });
  });
});
