// Needs root and BPF task iterators on the real kernel: fails, never skips.
import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget, type StartOptions } from '../../src/index.ts';
import { EventCollector, mountNsOf, sleep } from '../../test/eventCollector.ts';

let gadget: RunningGadget | undefined;
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  gadget?.close();
  gadget = undefined;
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Starts the snapshot and resolves once it reported done. */
async function snapshot(opts: Omit<StartOptions, 'onEvents' | 'onDone'>, c: EventCollector): Promise<void> {
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  gadget = await startGadget('snapshot_process', { ...opts, onEvents: c.onEvents, onDone: done });
  await Promise.race([finished, sleep(5000).then(() => Promise.reject(new Error('snapshot never finished')))]);
}

describe('snapshot_process on the real kernel', () => {
  it('lists a sleeping child once, with pid, comm, ppid, state S and its start time, in one batch', async () => {
    const before = Date.now() * 1e6;
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    await sleep(100);
    const c = new EventCollector();
    await snapshot({ params: {}, selection: { enabled: false } }, c);
    expect(c.batches).toBe(1);
    const rows = c.matching((e) => e['proc.pid'] === child.pid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 'proc.comm': 'sleep', 'proc.ppid': process.pid, 'proc.tid': child.pid, 'proc.uid': 0, state: 'S', mntns_id: mountNsOf('self', readlinkSync) });
    expect(Number(rows[0]?.['start_time'])).toBeGreaterThanOrEqual(before - 1e9);
    expect(Number(rows[0]?.['start_time'])).toBeLessThanOrEqual(Date.now() * 1e6);
    expect(c.matching((e) => e['proc.pid'] === process.pid && e['state'] === 'R')).toHaveLength(1);
    // Nothing more after the one batch.
    await sleep(200);
    expect(c.batches).toBe(1);
  });

  it('lists every thread with --threads (node has several) and one row per process without', async () => {
    const perProcess = new EventCollector();
    await snapshot({ params: {}, selection: { enabled: false } }, perProcess);
    expect(perProcess.matching((e) => e['proc.pid'] === process.pid)).toHaveLength(1);
    gadget?.close();
    const perThread = new EventCollector();
    await snapshot({ params: { threads: true }, selection: { enabled: false } }, perThread);
    const mine = perThread.matching((e) => e['proc.pid'] === process.pid);
    expect(mine.length).toBeGreaterThan(1);
    expect(new Set(mine.map((e) => e['proc.tid'])).size).toBe(mine.length);
  });

  it('leaves out a denied mount namespace and honours a comm push-down', async () => {
    const child = spawn('unshare', ['-m', '--', 'sleep', '30'], { stdio: 'ignore' });
    children.push(child);
    await sleep(100);
    const c = new EventCollector();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    gadget = await startGadget('snapshot_process', { params: {}, selection: { enabled: true }, onEvents: c.onEvents, onDone: done, kernelFilter: { comm: ['sleep'] } });
    gadget.denyMountNs([mountNsOf(child.pid ?? -1, readlinkSync)]);
    await finished;
    expect(c.matching((e) => e['proc.pid'] === child.pid)).toEqual([]);
    expect(c.matching((e) => e['proc.comm'] !== 'sleep')).toEqual([]);
  });
});
