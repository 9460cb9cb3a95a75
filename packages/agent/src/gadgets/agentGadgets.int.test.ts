import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podLabels, podman, setupPodman } from '../../test/podman.ts';
import type { RealNode } from '../../test/gadgetRun.ts';
import { CollectedRun, startRealNode, until } from '../../test/gadgetRun.ts';

// The agent's own gadgets (cgroup and /proc files) on real containers, through the RunPipeline. Fails, never skips.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const NS = 'agentgadgets';
const busy = `podscope-ag-busy-${suffix}`;
const listener = `podscope-ag-listen-${suffix}`;
let node: RealNode;
const runs: CollectedRun[] = [];

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  // A CPU hog limited to 0.2 cores (bounded by timeout): throttled in nearly every 100 ms period.
  podman(['run', '-d', '--name', busy, '--network', 'none', '--cpus', '0.2', '--memory', '64m', ...podLabels(NS, 'busy-1', 'spin'), image, 'timeout', '60', 'sh', '-c', 'while :; do :; done']);
  podman(['run', '-d', '--name', listener, '--network', 'none', ...podLabels(NS, 'listen-1', 'server'), image, 'nc', '-l', '-p', '8080']);
  node = await startRealNode();
  await until('both containers in the index', () => node.index.list().filter((c) => c.k8s?.namespace === NS).length === 2);
});

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', busy, listener], true);
});

describe('agent gadgets on real containers', () => {
  it('top_cpu_throttle: the CPU-limited busy container is throttled, with its quota, memory limit and pod', async () => {
    const r = new CollectedRun(node, 'top_cpu_throttle', { selector: { namespaces: [NS] }, params: { 'map-fetch-interval': '300ms' } });
    runs.push(r);
    await r.start();
    const row = await r.waitFor('a throttled interval of busy-1', (e) => e['k8s.podName'] === 'busy-1' && typeof e['throttled_pct'] === 'number' && e['throttled_pct'] > 0);
    expect(row).toMatchObject({ 'k8s.namespace': NS, 'k8s.containerName': 'spin', cpu_quota: 0.2, mem_limit: 64 * 1024 * 1024, oom_kills: 0 });
    expect(row['throttled_time']).toBeGreaterThan(0);
    expect(row['mem_usage']).toBeGreaterThan(0);
    expect(row['mem_pct']).toBeGreaterThan(0);
    expect(row['interval']).toBeGreaterThanOrEqual(1);
    // Hybrid hosts still have PSI in the unified hierarchy.
    expect(typeof row['psi_cpu_some_avg10']).toBe('number');
    // The idle listener is in the same run, unthrottled and without a CPU limit; sorted behind busy-1.
    await until('a row for listen-1', () => r.events.some((e) => e['k8s.podName'] === 'listen-1'));
    const batch = r.batches.find((b) => b.some((e) => e['k8s.podName'] === 'listen-1') && b.some((e) => e['k8s.podName'] === 'busy-1'));
    expect(batch?.map((e) => e['k8s.podName'])).toEqual(['busy-1', 'listen-1']);
    expect(r.events.find((e) => e['k8s.podName'] === 'listen-1')).toMatchObject({ throttled_pct: 0, cpu_quota: null, mem_limit: null, mem_pct: null });
  });

  it('top_cpu_throttle: max-entries keeps the top row of each interval', async () => {
    const r = new CollectedRun(node, 'top_cpu_throttle', { selector: { namespaces: [NS] }, params: { 'map-fetch-interval': '200ms', 'max-entries': 1, sort: '-throttled_pct' } });
    runs.push(r);
    await r.start();
    await until('three intervals', () => r.batches.length >= 3);
    await r.stop();
    expect(r.batches.every((b) => b.length === 1)).toBe(true);
    expect(r.batches.slice(1).every((b) => b[0]!['k8s.podName'] === 'busy-1')).toBe(true);
    expect(r.status().filtered).toBeGreaterThanOrEqual(r.batches.length - 1);
  });

  it('snapshot_socket: the listening container shows a LISTEN row, and the run stops by itself', async () => {
    const r = new CollectedRun(node, 'snapshot_socket', { selector: { namespaces: [NS], podName: 'listen-1' } });
    runs.push(r);
    await r.start();
    await Promise.race([r.pipeline.finished, new Promise((_, rej) => setTimeout(() => rej(new Error('snapshot did not finish')), 5000))]);
    expect(r.status().state).toBe('stopped');
    const listen = r.events.find((e) => e['state'] === 'LISTEN');
    // busybox nc listens on the IPv6 wildcard (dual-stack), so the row comes from /proc/<pid>/net/tcp6.
    expect(listen).toMatchObject({ proto: 'TCP', src: '[::]:8080', dst: '[::]:0', 'k8s.podName': 'listen-1', 'k8s.containerName': 'server', 'proc.comm': 'nc' });
    expect(listen!['inode']).toBeGreaterThan(0);
    expect(r.events.every((e) => e['k8s.podName'] === 'listen-1')).toBe(true);
  });
});
