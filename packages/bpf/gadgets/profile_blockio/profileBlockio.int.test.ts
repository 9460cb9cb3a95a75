// Needs root, tp_btf block tracepoints and a real block device under /var/tmp: fails, never skips.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, mountNsOf, sleep } from '../../test/eventCollector.ts';
import { diskOf } from '../../test/blockDevice.ts';

// /var/tmp is on the root disk here (/dev/vda); tmpfs would never reach a block device.
const run = promisify(execFile);
const dir = mkdtempSync('/var/tmp/podscope-blockio-');
const disk = diskOf(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

const BLOCKS = 2000;
/**
 * dd with O_DIRECT over a file written and synced beforehand, in a fresh mount namespace so its
 * histogram is its own. Overwriting allocated blocks makes every 4 KiB write exactly one request
 * (extending a new file can let ext4 hand a block to writeback, which counts under a kernel worker).
 */
function directWriter(file: string, delayS: number): ReturnType<typeof spawn> {
  const dd = `dd if=/dev/zero of=${file} bs=4k count=${BLOCKS}`;
  return spawn('unshare', ['-m', '--', 'sh', '-c', `${dd} conv=fsync 2>/dev/null; sleep ${delayS}; exec ${dd} conv=notrunc oflag=direct`], { stdio: 'ignore' });
}

async function mountNsOnceUnshared(pid: number): Promise<number> {
  const own = mountNsOf('self', readlinkSync);
  for (let i = 0; i < 200; i++) {
    const ns = mountNsOf(pid, readlinkSync);
    if (ns !== own) return ns;
    await sleep(5);
  }
  throw new Error('the child never entered its own mount namespace');
}

const sumCounts = (rows: readonly EventRecord[]): number => rows.reduce((n, r) => n + Number(r['count']), 0);

describe('profile_blockio on the real kernel', () => {
  it(`histograms ${BLOCKS} direct 4 KiB writes under the writer's mount namespace and disk, cumulatively`, async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_blockio', { params: { 'map-fetch-interval': 200 }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = directWriter(`${dir}/direct.bin`, 0.2);
    const ns = await mountNsOnceUnshared(child.pid ?? -1);
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    await sleep(300);
    gadget.close();

    const rows = c.matching((e) => e['mntns_id'] === ns && e['disk'] === disk);
    const lastInterval = Math.max(...rows.map((r) => Number(r['interval'])));
    const last = rows.filter((r) => r['interval'] === lastInterval);
    expect(sumCounts(last)).toBeGreaterThanOrEqual(BLOCKS);
    // Bucket shape: powers of two in µs, and the same timestamp for one interval.
    for (const r of last) {
      const lo = Number(r['bucket.lo']);
      expect(Number(r['bucket.hi'])).toBe(lo === 0 ? 1 : lo * 2);
      expect(r['timestamp']).toBe(last[0]?.['timestamp']);
    }
    // Cumulative: an interval never counts less than the one before it.
    const perInterval = new Map<number, number>();
    for (const r of rows) perInterval.set(Number(r['interval']), (perInterval.get(Number(r['interval'])) ?? 0) + Number(r['count']));
    const sums = [...perInterval.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
    expect(sums).toEqual([...sums].sort((a, b) => a - b));
    // One batch per fetch (empty ones included), numbered from 1.
    expect(Math.max(...c.events.map((e) => Number(e['interval'])))).toBe(c.batches);
  });

  it('stops counting a mount namespace in the kernel once the agent denies it', async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_blockio', { params: { 'map-fetch-interval': 100 }, selection: { enabled: true }, onEvents: c.onEvents });
    const denied = directWriter(`${dir}/denied.bin`, 0.3);
    const allowed = directWriter(`${dir}/allowed.bin`, 0.3);
    const [deniedNs, allowedNs] = await Promise.all([mountNsOnceUnshared(denied.pid ?? -1), mountNsOnceUnshared(allowed.pid ?? -1)]);
    gadget.denyMountNs([deniedNs]);
    gadget.allowMountNs([allowedNs]);
    await Promise.all([new Promise((r) => denied.on('exit', r)), new Promise((r) => allowed.on('exit', r))]);
    // Allowed again after it exited: the loader stops hiding its rows, so any row now would prove the kernel counted it.
    gadget.allowMountNs([deniedNs]);
    gadget.close();
    // Counted while still pending (before the verdict): the buffered pre-write, a few large requests. The direct writes came after.
    expect(sumCounts(c.matching((e) => e['mntns_id'] === deniedNs))).toBeLessThan(BLOCKS / 4);
    const last = c.matching((e) => e['mntns_id'] === allowedNs);
    const lastInterval = Math.max(...last.map((r) => Number(r['interval'])));
    expect(sumCounts(last.filter((r) => r['interval'] === lastInterval))).toBeGreaterThanOrEqual(BLOCKS);
  });

  it('delivers the counts of the last partial interval on close', async () => {
    // Written and synced first, then overwritten in place: a fresh file lets ext4 send a block to writeback instead.
    await run('dd', ['if=/dev/zero', `of=${dir}/close.bin`, 'bs=4k', 'count=200', 'conv=fsync']);
    const c = new EventCollector();
    gadget = await startGadget('profile_blockio', { params: { 'map-fetch-interval': 60_000 }, selection: { enabled: false }, onEvents: c.onEvents });
    await run('dd', ['if=/dev/zero', `of=${dir}/close.bin`, 'bs=4k', 'count=200', 'conv=notrunc', 'oflag=direct']);
    expect(c.batches).toBe(0);
    gadget.close();
    expect(c.batches).toBe(1);
    expect(sumCounts(c.matching((e) => e['disk'] === disk && e['mntns_id'] === mountNsOf('self', readlinkSync)))).toBeGreaterThanOrEqual(200);
  });
});
