import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import type { RealNode } from '../test/gadgetRun.ts';
import { CollectedRun, startRealNode, until } from '../test/gadgetRun.ts';

// The eBPF top and snapshot gadgets through the agent pipeline (per-interval sort/cut, snapshot completion) on a real
// container labelled as a pod. Needs root, eBPF and podman; fails, never skips.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const NS = 'topsnap';
const box = `podscope-topsnap-${suffix}`;
let node: RealNode;
const runs: CollectedRun[] = [];

const sum = (rows: readonly EventRecord[], field: string): number => rows.reduce((n, e) => n + (typeof e[field] === 'number' ? e[field] : 0), 0);

async function run(gadget: string, params: Record<string, unknown> = {}): Promise<CollectedRun> {
  const r = new CollectedRun(node, gadget, { selector: { namespaces: [NS] }, params });
  runs.push(r);
  return r.start();
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  podman(['run', '-d', '--name', box, '--network', 'none', ...podLabels(NS, 'box-1', 'main'), image, 'sleep', '300']);
  node = await startRealNode();
  await until('the container in the index', () => node.index.list().some((c) => c.k8s?.podName === 'box-1'));
});

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', box], true);
});

describe('top and snapshot gadgets on a real container', () => {
  it('top_file: dd writing a checkpoint is counted per interval, and the intervals add up to every byte', async () => {
    const r = await run('top_file', { 'map-fetch-interval': '300ms' });
    podman(['exec', box, '/bin/dd', 'if=/dev/zero', 'of=/tmp/model_epoch_3.pkl', 'bs=1M', 'count=32']);
    const mine = (): EventRecord[] => r.matching((e) => e['file'] === 'model_epoch_3.pkl' && e['proc.comm'] === 'dd');
    await until('32 MiB written by dd', () => sum(mine(), 'wbytes') >= 32 * 1024 * 1024, 10_000, () => mine());
    expect(sum(mine(), 'wbytes')).toBe(32 * 1024 * 1024);
    expect(sum(mine(), 'writes')).toBe(32);
    expect(mine()[0]).toMatchObject({ 'k8s.namespace': NS, 'k8s.podName': 'box-1', 'k8s.containerName': 'main', type: 'R' });
    // Rows of one interval share it and come sorted by the default -wbytes,-rbytes.
    for (const b of r.batches) {
      expect(new Set(b.map((e) => e['interval'])).size).toBe(1);
      const w = b.map((e) => e['wbytes'] as number);
      expect(w).toEqual([...w].sort((x, y) => y - x));
    }
  });

  it('top_tcp: a loopback transfer inside the pod is counted for both ends', async () => {
    const r = await run('top_tcp', { 'map-fetch-interval': '300ms' });
    // --network none: loopback only. Bounded: 2 MiB, then both nc exit. The listener's stdin is a pipe held open
    // (≤ 5 s) because busybox nc -l hangs up when its stdin ends.
    podman(['exec', box, '/bin/sh', '-c', '/bin/sleep 5 | /bin/nc -l -p 9100 >/dev/null & sleep 0.3; /bin/dd if=/dev/zero bs=64k count=32 2>/dev/null | /bin/nc -w 1 127.0.0.1 9100'], true);
    const sender = (): EventRecord[] => r.matching((e) => e['dst'] === '127.0.0.1:9100');
    // busybox nc listens on the IPv6 wildcard: the accepted side shows v4-mapped addresses.
    const receiver = (): EventRecord[] => r.matching((e) => e['src.port'] === 9100);
    await until('2 MiB sent and received', () => sum(sender(), 'sent') >= 2 * 1024 * 1024 && sum(receiver(), 'received') >= 2 * 1024 * 1024, 10_000, () => r.events.slice(-10));
    expect(sum(sender(), 'sent')).toBe(2 * 1024 * 1024);
    expect(sum(receiver(), 'received')).toBe(2 * 1024 * 1024);
    expect(sender()[0]).toMatchObject({ 'k8s.podName': 'box-1', 'proc.comm': 'nc' });
  });

  it('snapshot_process: lists the container sleep process, then the run stops by itself', async () => {
    const pid = node.index.list().find((c) => c.k8s?.podName === 'box-1')?.pid;
    const r = await run('snapshot_process');
    await Promise.race([r.pipeline.finished, new Promise((_, rej) => setTimeout(() => rej(new Error('snapshot did not finish')), 5000))]);
    expect(r.status().state).toBe('stopped');
    const sleep = r.events.find((e) => e['proc.pid'] === pid);
    expect(sleep).toMatchObject({ 'proc.comm': 'sleep', 'k8s.namespace': NS, 'k8s.podName': 'box-1', 'k8s.containerName': 'main', 'proc.uid': 0 });
    expect(r.events.every((e) => e['k8s.podName'] === 'box-1')).toBe(true);
  });
});
