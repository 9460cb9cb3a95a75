import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import type { RealNode } from '../test/gadgetRun.ts';
import { CollectedRun, startRealNode, until } from '../test/gadgetRun.ts';

// Every tracer gadget through the agent's RunPipeline with the real eBPF host: the activity happens inside a real
// podman container labelled as a pod, and the events carry that pod. Needs root, eBPF and podman; fails, never skips.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const NS = 'gadgets';
const work = `podscope-gadgets-work-${suffix}`;
const oom = `podscope-gadgets-oom-${suffix}`;
let node: RealNode;
const runs: CollectedRun[] = [];
// conmon drops an `oom` marker file in its working directory: keep it out of the source tree.
const oomScratch = mkdtempSync(join(tmpdir(), 'podscope-oom-'));

const inPod = (pod: string) => (e: EventRecord) => e['k8s.podName'] === pod;
const exec = (args: string[]): void => void podman(['exec', work, ...args], true);

async function run(gadget: string, opts: { pod?: string; params?: Record<string, unknown>; filter?: string } = {}): Promise<CollectedRun> {
  const r = new CollectedRun(node, gadget, { selector: { namespaces: [NS], podName: opts.pod ?? 'work-1' }, ...(opts.params ? { params: opts.params } : {}), ...(opts.filter !== undefined ? { filter: opts.filter } : {}) });
  runs.push(r);
  return r.start();
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  // --network none: loopback only, so every connection below stays inside the container.
  podman(['run', '-d', '--name', work, '--network', 'none', ...podLabels(NS, 'work-1', 'app'), image, 'sleep', '300']);
  podman(['run', '-d', '--name', oom, '--network', 'none', '--memory', '32m', ...podLabels(NS, 'oom-1', 'hog'), image, 'sleep', '300'], false, oomScratch);
  node = await startRealNode();
  await until('both containers in the index', () => node.index.list().filter((c) => c.k8s?.namespace === NS).length === 2, 10_000);
});

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', work, oom], true);
  rmSync(oomScratch, { recursive: true, force: true });
});

describe('tracer gadgets on real containers, through the agent pipeline', () => {
  it('trace_open: a successful open of a known file, with the pod', async () => {
    const r = await run('trace_open');
    exec(['/bin/cat', '/etc/passwd']);
    const e = await r.waitFor('cat opening /etc/passwd', (x) => x['fname'] === '/etc/passwd' && x['proc.comm'] === 'cat');
    expect(e).toMatchObject({ 'k8s.namespace': NS, 'k8s.podName': 'work-1', 'k8s.containerName': 'app', 'runtime.runtimeName': 'podman', error: '', flags: 'O_RDONLY' });
    expect(e['fd']).toBeGreaterThanOrEqual(0);
    expect(r.events.every(inPod('work-1'))).toBe(true);
  });

  it('trace_open --failed: only the failed open, with ENOENT', async () => {
    const r = await run('trace_open', { params: { failed: true } });
    exec(['/bin/cat', '/etc/passwd']);
    exec(['/bin/cat', '/nonexistent-podscope']);
    const e = await r.waitFor('the failed open', (x) => x['fname'] === '/nonexistent-podscope');
    expect(e).toMatchObject({ 'k8s.podName': 'work-1', 'proc.comm': 'cat', error: 'ENOENT', fd: -1, retval: -2 });
    expect(r.matching((x) => x['error'] === '')).toEqual([]);
    expect(r.matching((x) => x['fname'] === '/etc/passwd')).toEqual([]);
  });

  it("trace_fsslower: the seed's checkpoint dd gives F_WRITE and F_FSYNC rows (min=0, filter proc.comm==dd,file~^model_epoch_)", async () => {
    const r = await run('trace_fsslower', { params: { min: 0 }, filter: 'proc.comm==dd,file~^model_epoch_' });
    expect(r.status().pushdown).toEqual({ kernel: ['proc.comm==dd'], agent: 'proc.comm==dd,file~^model_epoch_' });
    // /bin/dd, not dd: busybox sh would run the applet without an exec, and the comm would stay "sh".
    exec(['/bin/sh', '-c', '/bin/cat /etc/passwd >/dev/null; /bin/dd if=/dev/zero of=/tmp/model_epoch_1.pkl bs=1M count=16 conv=fsync']);
    await r.waitFor('the F_FSYNC row', (x) => x['op'] === 'F_FSYNC');
    await until('16 F_WRITE rows', () => r.matching((x) => x['op'] === 'F_WRITE').length >= 16);
    const writes = r.matching((x) => x['op'] === 'F_WRITE');
    expect(writes.every((x) => x['size'] === 1024 * 1024)).toBe(true);
    expect(writes.map((x) => x['offset'])).toEqual(Array.from({ length: 16 }, (_, i) => i * 1024 * 1024));
    const fsync = r.matching((x) => x['op'] === 'F_FSYNC');
    expect(fsync).toHaveLength(1);
    expect(fsync[0]!['delta_us']).toBeGreaterThanOrEqual(0);
    expect(r.events.every((x) => x['proc.comm'] === 'dd' && x['file'] === 'model_epoch_1.pkl' && x['k8s.podName'] === 'work-1')).toBe(true);
  });

  it("trace_tcp: a connect to a closed port in the container's own loopback is refused", async () => {
    const r = await run('trace_tcp');
    exec(['/bin/nc', '127.0.0.1', '1']);
    const e = await r.waitFor('the refused connect', (x) => x['type'] === 'connect' && x['dst'] === '127.0.0.1:1');
    expect(e).toMatchObject({ 'k8s.podName': 'work-1', 'k8s.containerName': 'app', 'proc.comm': 'nc', error: 'ECONNREFUSED', 'dst.port': 1, 'src.addr': '127.0.0.1' });
  });

  it('trace_bind: nc -l -p 8080 binds port 8080 over TCP', async () => {
    const r = await run('trace_bind');
    exec(['/bin/sh', '-c', '/bin/nc -l -p 8080 & sleep 0.3; kill $!']);
    const e = await r.waitFor('the bind of 8080', (x) => x['port'] === 8080);
    expect(e).toMatchObject({ 'k8s.podName': 'work-1', 'proc.comm': 'nc', proto: 'TCP', error: '' });
  });

  it('trace_signal: kill -USR1 from the shell to its sleep', async () => {
    const r = await run('trace_signal');
    // The pause lets the forked child exec /bin/sleep first, so the target's comm is "sleep", not "sh".
    exec(['/bin/sh', '-c', '/bin/sleep 5 & sleep 0.2; kill -USR1 $!; wait']);
    const e = await r.waitFor('SIGUSR1 to sleep', (x) => x['sig'] === 'SIGUSR1' && x['tcomm'] === 'sleep');
    expect(e).toMatchObject({ 'k8s.podName': 'work-1', 'proc.comm': 'sh', result: 'delivered', sig_raw: 10 });
    expect(e['tpid']).toBeGreaterThan(0);
  });

  it('trace_oomkill: an allocator in a 32 MiB container is OOM-killed, and the victim names its pod', async () => {
    const r = await run('trace_oomkill', { pod: 'oom-1' });
    // busybox awk doubles a string until it passes 200 MB: bounded, anonymous memory, killed at 32 MiB.
    const out = podman(['exec', oom, '/bin/awk', 'BEGIN { s = "x"; while (length(s) < 200000000) s = s s; print length(s) }'], true, oomScratch);
    expect(out).toBeNull();
    const e = await r.waitFor('the OOM kill', (x) => x['proc.comm'] === 'awk');
    expect(e).toMatchObject({ 'k8s.namespace': NS, 'k8s.podName': 'oom-1', 'k8s.containerName': 'hog', fcomm: 'awk' });
    expect(e['anon_rss']).toBeGreaterThan(0);
    expect(e['anon_rss']).toBeLessThanOrEqual(32 * 256);
  });
});
