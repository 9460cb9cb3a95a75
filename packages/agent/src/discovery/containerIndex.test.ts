import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addProc, fixture, makeHostRoot, makeProcTree } from '../../test/fakeHost.ts';
import { ContainerdBundles, CrioBundles, DockerFiles } from './bundleRuntimes.ts';
import { ContainerIndex } from './containerIndex.ts';
import type { CommandRunner } from './podmanCli.ts';
import { PodmanCli } from './podmanCli.ts';
import { ProcReader } from './procReader.ts';

const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';
const HOST = 4026531840;

/** Answers podman like the recorded CLI did, and counts the calls. */
function recordedPodman(calls: string[][]): CommandRunner {
  return async (_file, args) => {
    calls.push([...args]);
    if (args[0] === 'inspect' && args.includes(podmanId)) return fixture('podman/inspect.json');
    if (args[0] === 'ps') return fixture('podman/ps.json');
    return null;
  };
}

function setup() {
  const hostRoot = makeHostRoot();
  const procRoot = makeProcTree([
    { pid: 1, ppid: 0, comm: 'init', cgroup: fixture('podman/host-cgroup.txt'), mntns: HOST },
    { pid: 2, ppid: 0, comm: 'kthreadd', cgroup: '0::/\n', mntns: HOST },
    { pid: 9733, ppid: 1, comm: 'conmon', cgroup: '8:pids:/libpod_parent/conmon\n0::/\n', mntns: HOST, cmdline: ['/usr/bin/conmon', '-c', podmanId] },
    { pid: 9744, ppid: 9733, comm: 'sleep', cgroup: fixture('podman/cgroup.txt'), mntns: 4026532177, netns: 4026532178 },
    { pid: 9800, ppid: 9744, comm: 'sh', cgroup: fixture('podman/cgroup.txt'), mntns: 4026532177, netns: 4026532178 },
    { pid: 500, ppid: 1, comm: 'nginx', cgroup: fixture('containerd/cgroup.txt'), mntns: 4026532300 },
    { pid: 600, ppid: 1, comm: 'api', cgroup: fixture('docker/cgroup.txt'), mntns: 4026532400 },
    { pid: 700, ppid: 1, comm: 'postgres', cgroup: fixture('crio/cgroup.txt'), mntns: 4026532500 },
  ]);
  const calls: string[][] = [];
  let now = 1_000_000;
  const index = new ContainerIndex({
    node: 'node-a',
    proc: new ProcReader(procRoot),
    resolvers: [new ContainerdBundles(hostRoot), new CrioBundles(hostRoot), new DockerFiles(hostRoot), new PodmanCli(recordedPodman(calls))],
    exitedRetentionMs: 300_000,
    now: () => now,
  });
  return { index, procRoot, calls, advance: (ms: number) => (now += ms) };
}

describe('ContainerIndex over recorded /proc and runtime data', () => {
  it('maps the recorded podman container to its pod identity, by mount namespace and by id', async () => {
    const { index } = setup();
    await index.rescan();
    const c = index.byMntns(4026532177);
    expect(c).toMatchObject({
      id: podmanId,
      name: 'web-1-web',
      runtime: 'podman',
      image: 'localhost/busybox:latest',
      node: 'node-a',
      pid: 9744,
      mntns: 4026532177,
      netns: 4026532178,
      k8s: { namespace: 'demo', podName: 'web-1', containerName: 'web' },
      labels: { 'io.kubernetes.pod.name': 'web-1' },
    });
    expect(index.byId(podmanId)).toBe(c);
  });

  it('reads containerd, docker and CRI-O identities from their state files', async () => {
    const { index } = setup();
    await index.rescan();
    expect(index.byMntns(4026532300)).toMatchObject({ runtime: 'containerd', name: 'nginx', image: 'docker.io/library/nginx:1.25', k8s: { namespace: 'prod', podName: 'shop-7d9f', containerName: 'nginx', podUid: '4e7c1a52-8d1b-4f0e-9a3c-2b5d6e7f8a90' } });
    expect(index.byMntns(4026532400)).toMatchObject({ runtime: 'docker', name: 'k8s_api_api-5c6d_team-a_7f1e2d3c-0000-4000-8000-000000000001_0', image: 'registry.local/api:2.1', k8s: { namespace: 'team-a', podName: 'api-5c6d', containerName: 'api' } });
    expect(index.byMntns(4026532500)).toMatchObject({ runtime: 'cri-o', name: 'db', image: 'quay.io/example/postgres:16', labels: { app: 'postgres' }, k8s: { namespace: 'data', podName: 'db-0', containerName: 'db' } });
    expect(index.list()).toHaveLength(4);
  });

  it('asks podman once per container, not on every scan', async () => {
    const { index, calls } = setup();
    await index.rescan();
    await index.rescan();
    expect(calls.filter((c) => c[0] === 'inspect')).toHaveLength(1);
  });

  it('resolves a brand-new container from the event pid at once, and says host for host processes', async () => {
    const { index, procRoot } = setup();
    await index.start();
    index.stop();
    const changes: string[] = [];
    index.on('change', (c) => changes.push(...c.added.map((x) => x.id)));
    const newId = 'f'.repeat(64);
    addProc(procRoot, { pid: 9900, ppid: 1, comm: 'sh', cgroup: `0::/libpod_parent/libpod-${newId}\n`, mntns: 4026532900 });
    addProc(procRoot, { pid: 9901, ppid: 1, comm: 'unshare', cgroup: '0::/user.slice\n', mntns: 4026532901 });
    expect(await index.resolveMntns(4026532900, [9900, 1])).toMatchObject({ kind: 'container', container: { id: newId, mntns: 4026532900 } });
    expect(changes).toEqual([newId]);
    expect(await index.resolveMntns(4026532901, [9901])).toEqual({ kind: 'host' });
    expect(await index.resolveMntns(HOST, [])).toEqual({ kind: 'host' });
    expect(await index.resolveMntns(4026539999, [12345])).toEqual({ kind: 'unknown' });
  });

  it('names a container whose only process already exited through its conmon parent', async () => {
    const { index, procRoot } = setup();
    await index.rescan();
    // A live container with another mount namespace is not the owner.
    expect(await index.resolveMntns(4026532999, [31337, 9733])).toEqual({ kind: 'unknown' });
    rmSync(join(procRoot, '9744'), { recursive: true });
    rmSync(join(procRoot, '9800'), { recursive: true });
    await index.rescan();
    const owner = await index.resolveMntns(4026532999, [31337, 9733]);
    expect(owner).toMatchObject({ kind: 'container', container: { id: podmanId, mntns: 4026532999, k8s: { podName: 'web-1' } } });
    expect(index.byMntns(4026532999)?.name).toBe('web-1-web');
  });

  it('keeps an exited container for the retention time, then removes it', async () => {
    const { index, procRoot, advance } = setup();
    await index.rescan();
    const events: string[] = [];
    index.on('change', (c) => events.push(...c.exited.map((x) => `exited:${x.name}`), ...c.removed.map((x) => `removed:${x.name}`)));
    rmSync(join(procRoot, '9744'), { recursive: true });
    rmSync(join(procRoot, '9800'), { recursive: true });
    await index.rescan();
    expect(index.byMntns(4026532177)?.exitedAt).toBeDefined();
    expect(index.list().map((c) => c.name)).not.toContain('web-1-web');
    expect(index.list(true).map((c) => c.name)).toContain('web-1-web');
    advance(300_001);
    await index.rescan();
    expect(index.byMntns(4026532177)).toBeUndefined();
    expect(events).toEqual(['exited:web-1-web', 'removed:web-1-web']);
  });
});
