// Needs root and tp_btf sched tracepoints on the real kernel: fails, never skips.
import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, mountNsOf, sleep } from '../../test/eventCollector.ts';

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

/** A shell busy loop pinned to CPU 0, in its own mount namespace, stopped by timeout(1) after `seconds`. */
function pinnedSpinner(seconds: number): ReturnType<typeof spawn> {
  return spawn('taskset', ['-c', '0', 'unshare', '-m', '--', 'timeout', String(seconds), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' });
}

async function ownMountNs(pid: number): Promise<number> {
  const own = mountNsOf('self', readlinkSync);
  for (let i = 0; i < 200; i++) {
    const ns = mountNsOf(pid, readlinkSync);
    if (ns !== own) return ns;
    await sleep(5);
  }
  throw new Error('the child never entered its own mount namespace');
}

/** Counts of the last interval at or above `loUs`, for one mount namespace. */
function countsAtLeast(rows: readonly EventRecord[], mntns: number, loUs: number): number {
  const mine = rows.filter((r) => r['mntns_id'] === mntns);
  const last = Math.max(0, ...mine.map((r) => Number(r['interval'])));
  return mine.filter((r) => r['interval'] === last && Number(r['bucket.lo']) >= loUs).reduce((n, r) => n + Number(r['count']), 0);
}

describe('profile_runqlat on the real kernel', () => {
  it('sees two spinners sharing CPU 0 wait ≥ 1 ms for it, each under its own mount namespace', async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_runqlat', { params: { 'map-fetch-interval': 250 }, selection: { enabled: false }, onEvents: c.onEvents });
    const a = pinnedSpinner(1.5);
    const b = pinnedSpinner(1.5);
    const [nsA, nsB] = await Promise.all([ownMountNs(a.pid ?? -1), ownMountNs(b.pid ?? -1)]);
    expect(nsA).not.toBe(nsB);
    await Promise.all([new Promise((r) => a.on('exit', r)), new Promise((r) => b.on('exit', r))]);
    gadget.close();
    expect(countsAtLeast(c.events, nsA, 1000)).toBeGreaterThan(0);
    expect(countsAtLeast(c.events, nsB, 1000)).toBeGreaterThan(0);
    const row = c.events.find((r) => r['mntns_id'] === nsA);
    expect(Object.keys(row ?? {}).sort()).toEqual(['bucket.hi', 'bucket.lo', 'count', 'interval', 'mntns_id', 'timestamp']);
    // Tasks that exited while queued (no namespaces left) are not a pod: no row without a mount namespace.
    expect(c.events.filter((r) => r['mntns_id'] === 0)).toEqual([]);
  });

  it('stops counting a mount namespace in the kernel once the agent denies it', async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_runqlat', { params: { 'map-fetch-interval': 100 }, selection: { enabled: true }, onEvents: c.onEvents });
    const denied = spawn('taskset', ['-c', '0', 'unshare', '-m', '--', 'sh', '-c', 'sleep 0.3; timeout 1 sh -c "while :; do :; done"'], { stdio: 'ignore' });
    const allowed = spawn('taskset', ['-c', '0', 'unshare', '-m', '--', 'sh', '-c', 'sleep 0.3; timeout 1 sh -c "while :; do :; done"'], { stdio: 'ignore' });
    const [deniedNs, allowedNs] = await Promise.all([ownMountNs(denied.pid ?? -1), ownMountNs(allowed.pid ?? -1)]);
    gadget.denyMountNs([deniedNs]);
    gadget.allowMountNs([allowedNs]);
    await Promise.all([new Promise((r) => denied.on('exit', r)), new Promise((r) => allowed.on('exit', r))]);
    // Allowed again after it exited: the loader stops hiding its rows, so any row now would prove the kernel counted it.
    gadget.allowMountNs([deniedNs]);
    gadget.close();
    // Only its start-up (sh, sleep) ran while the namespace was pending; a second of spinning on a shared CPU
    // gives ~130 waits >= 1 ms, as the allowed spinner shows.
    expect(countsAtLeast(c.events, deniedNs, 0)).toBeLessThanOrEqual(5);
    expect(countsAtLeast(c.events, allowedNs, 1000)).toBeGreaterThanOrEqual(50);
  });
});
