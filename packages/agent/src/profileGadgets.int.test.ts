import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import type { RealNode } from '../test/gadgetRun.ts';
import { CollectedRun, startRealNode, until } from '../test/gadgetRun.ts';

// The eBPF profile gadgets (log2 histograms, cumulative per interval) through the agent pipeline on real containers.
// Needs root, eBPF (tp_btf) and podman; fails, never skips.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const NS = 'profiles';
const spinA = `podscope-prof-a-${suffix}`;
const spinB = `podscope-prof-b-${suffix}`;
const writer = `podscope-prof-blk-${suffix}`;
let node: RealNode;
let image = '';
const runs: CollectedRun[] = [];

const spin = ['timeout', '30', 'sh', '-c', 'while :; do :; done'];
const slowBucket = (pod: string) => (e: EventRecord) => e['k8s.podName'] === pod && typeof e['bucket.lo'] === 'number' && e['bucket.lo'] >= 1000 && typeof e['count'] === 'number' && e['count'] >= 1;

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  image = setupPodman();
  podman(['run', '-d', '--name', writer, '--network', 'none', ...podLabels(NS, 'blk-1', 'trainer'), image, 'sleep', '300']);
  node = await startRealNode();
  await until('the writer container in the index', () => node.index.list().some((c) => c.k8s?.podName === 'blk-1'));
});

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', spinA, spinB, writer], true);
});

describe('profile gadgets on real containers', () => {
  it('profile_runqlat: two CPU hogs pinned to one CPU (seed 004 noisy neighbour) both wait ≥ 1 ms for the CPU', async () => {
    const r = new CollectedRun(node, 'profile_runqlat', { selector: { namespaces: [NS] }, params: { 'map-fetch-interval': '500ms' } });
    runs.push(r);
    await r.start();
    podman(['run', '-d', '--name', spinA, '--network', 'none', '--cpuset-cpus', '0', ...podLabels(NS, 'spin-a', 'hog'), image, ...spin]);
    podman(['run', '-d', '--name', spinB, '--network', 'none', '--cpuset-cpus', '0', ...podLabels(NS, 'spin-b', 'hog'), image, ...spin]);
    await r.waitFor('spin-a waiting ≥ 1 ms', slowBucket('spin-a'), 15_000);
    await r.waitFor('spin-b waiting ≥ 1 ms', slowBucket('spin-b'), 15_000);
    podman(['rm', '-f', '--ignore', '-t', '0', spinA, spinB], true);
    const row = r.events.find(slowBucket('spin-a'))!;
    expect(row).toMatchObject({ 'k8s.namespace': NS, 'k8s.containerName': 'hog' });
    expect(row['bucket.hi']).toBe((row['bucket.lo'] as number) * 2);
    expect(row['interval']).toBeGreaterThanOrEqual(1);
    // Cumulative counts: a bucket of one pod never shrinks from one interval to the next.
    const series = r.events.filter((e) => e['k8s.podName'] === 'spin-a' && e['bucket.lo'] === row['bucket.lo']).map((e) => e['count'] as number);
    expect(series).toEqual([...series].sort((a, b) => a - b));
    expect(r.events.every((e) => e['k8s.namespace'] === NS || e['k8s.namespace'] === null)).toBe(true);
  });

  it('profile_blockio: a checkpoint written with fsync from a container shows up on the disk, named for the pod', async () => {
    const r = new CollectedRun(node, 'profile_blockio', { selector: { namespaces: [NS], podName: 'blk-1' }, params: { 'map-fetch-interval': '300ms' } });
    runs.push(r);
    await r.start();
    podman(['exec', writer, '/bin/dd', 'if=/dev/zero', 'of=/tmp/model_epoch_2.pkl', 'bs=1M', 'count=8', 'conv=fsync']);
    const row = await r.waitFor('block I/O of blk-1', (e) => e['k8s.podName'] === 'blk-1' && typeof e['count'] === 'number' && e['count'] > 0, 10_000);
    expect(row).toMatchObject({ 'k8s.namespace': NS, 'k8s.containerName': 'trainer' });
    expect(typeof row['disk']).toBe('string');
    expect(String(row['disk']).length).toBeGreaterThan(0);
    expect(r.events.filter((e) => e['k8s.podName'] !== null && e['k8s.podName'] !== 'blk-1')).toEqual([]);
  });

  it("profile_tcprtt: loopback traffic inside a pod's own network namespace is keyed by that namespace", async () => {
    const netns = node.index.list().find((c) => c.k8s?.podName === 'blk-1')?.netns;
    expect(netns).toBeGreaterThan(0);
    const r = new CollectedRun(node, 'profile_tcprtt', { selector: { namespaces: [NS], podName: 'blk-1' }, params: { 'map-fetch-interval': '300ms' } });
    runs.push(r);
    await r.start();
    // --network none: the exchange never leaves the container's loopback. Bounded: 2 MiB, then both ends exit.
    podman(['exec', writer, '/bin/sh', '-c', '/bin/nc -l -p 9000 >/dev/null & sleep 0.3; /bin/dd if=/dev/zero bs=64k count=32 2>/dev/null | /bin/nc -w 1 127.0.0.1 9000; wait'], true);
    const sample = (raddr: string) => (e: EventRecord) => e['netns_id'] === netns && e['raddr'] === raddr && typeof e['count'] === 'number' && e['count'] > 0;
    // The sending client gets the ACKs that produce RTT samples; the listener (IPv6 wildcard) rarely samples.
    const client = await r.waitFor("the client's RTT samples", sample('127.0.0.1'), 10_000);
    expect(client['bucket.hi']).toBeGreaterThan(client['bucket.lo'] as number);
    // Rows carry a network namespace and no mount namespace, so they are neither selected nor named by pod
    // (other namespaces' rows, e.g. the host's, arrive too): the pod is identified by netns_id alone.
    expect(client['k8s.podName']).toBeNull();
  });
});
