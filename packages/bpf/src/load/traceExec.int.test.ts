// Needs root and a kernel with BPF ring buffers and syscall tracepoints: fails, never skips.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../index.ts';
import { EventCollector, mountNsOf, sleep } from '../../test/eventCollector.ts';

const run = promisify(execFile);
const hostMntns = mountNsOf('self', readlinkSync);
const nonce = (): string => `ps${randomBytes(4).toString('hex')}`;

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

describe('trace_exec on the real kernel', () => {
  it('reports an exec with pid, comm, parent, argv and a wall-clock timestamp', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    // The start-time goal is measured by the benchmarks; tests assert no timings on these noisy machines.
    expect(gadget.attachMs).toBeGreaterThan(0);
    const before = Date.now();
    const child = spawn('/bin/true', ['a', 'b', 'c']);
    await new Promise((r) => child.on('exit', r));
    const ev = await c.waitFor((e) => e['proc.pid'] === child.pid && e['args'] === '/bin/true a b c');
    expect(ev).toMatchObject({
      'proc.comm': 'true',
      'proc.tid': child.pid,
      'proc.ppid': process.pid,
      'proc.uid': 0,
      'proc.gid': 0,
      mntns_id: hostMntns,
      mntns_pending: false,
      args_truncated: false,
      retval: 0,
      error: '',
    });
    expect(ev['proc.pcomm']).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
    const ts = ev['timestamp'] as number;
    expect(Math.abs(ts / 1e6 - before)).toBeLessThan(2000);
    expect(c.batches).toBeLessThanOrEqual(c.events.length);
  });

  it('flags argv longer than 4 KiB as truncated', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const tag = nonce();
    const long = Array.from({ length: 100 }, (_, i) => `${tag}-${i}-${'x'.repeat(60)}`);
    await run('/bin/true', long);
    const ev = await c.waitFor((e) => typeof e['args'] === 'string' && e['args'].startsWith(`/bin/true ${tag}-0-`));
    expect(ev['args_truncated']).toBe(true);
    // 4096 bytes of argv: the last argument is cut mid-way, so no terminating NUL is dropped.
    expect((ev['args'] as string).length).toBe(4096);
  });

  it('drops failed execs in the kernel unless ignore-failed is false', async () => {
    const tag = nonce();
    const missing = `/nonexistent-${tag}`;
    const tryExec = async (): Promise<void> => {
      await new Promise<void>((resolve) => spawn(missing, ['q']).on('error', () => resolve()));
    };

    const quiet = new EventCollector();
    gadget = await startGadget('trace_exec', { params: { 'ignore-failed': true }, selection: { enabled: false }, onEvents: quiet.onEvents });
    await tryExec();
    await run('/bin/true', [tag]);
    await quiet.waitFor((e) => e['args'] === `/bin/true ${tag}`);
    expect(quiet.matching((e) => String(e['args']).startsWith(missing))).toEqual([]);
    gadget.close();

    const loud = new EventCollector();
    gadget = await startGadget('trace_exec', { params: { 'ignore-failed': false }, selection: { enabled: false }, onEvents: loud.onEvents });
    await tryExec();
    const ev = await loud.waitFor((e) => e['args'] === `${missing} q`);
    expect(ev).toMatchObject({ retval: -2, error: 'ENOENT' });
  });

  it('selects by mount namespace in the kernel: pending when unknown, dropped when denied', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: true }, onEvents: c.onEvents });

    const t1 = nonce();
    await run('/bin/true', [t1]);
    expect(await c.waitFor((e) => e['args'] === `/bin/true ${t1}`)).toMatchObject({ mntns_id: hostMntns, mntns_pending: true });

    gadget.allowMountNs([hostMntns]);
    const t2 = nonce();
    await run('/bin/true', [t2]);
    expect(await c.waitFor((e) => e['args'] === `/bin/true ${t2}`)).toMatchObject({ mntns_pending: false });

    gadget.denyMountNs([hostMntns]);
    const t3 = nonce();
    await run('/bin/true', [t3]);
    // A process in a new mount namespace is still reported (pending), which proves the gadget is live.
    await run('unshare', ['-m', '/bin/true', t3, 'other-ns']);
    const other = await c.waitFor((e) => e['args'] === `/bin/true ${t3} other-ns`);
    expect(other['mntns_pending']).toBe(true);
    expect(other['mntns_id']).not.toBe(hostMntns);
    expect(c.matching((e) => e['args'] === `/bin/true ${t3}`)).toEqual([]);

    gadget.forgetMountNs([hostMntns]);
    const t4 = nonce();
    await run('/bin/true', [t4]);
    expect(await c.waitFor((e) => e['args'] === `/bin/true ${t4}`)).toMatchObject({ mntns_pending: true });
  });

  it('counts ring-buffer drops in the kernel: delivered + dropped = spawned', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: { 'ring-size': 4096 }, selection: { enabled: true }, onEvents: c.onEvents });
    // Only the flood's own (new, pending) mount namespace reaches the ring.
    gadget.denyMountNs([hostMntns]);
    const tag = nonce();
    const count = 300;
    // execFileSync blocks the event loop, so nothing drains while the burst fills the 4 KiB ring.
    execFileSync('unshare', ['-m', '/bin/sh', '-c', `i=0; while [ $i -lt ${count} ]; do /bin/true ${tag}; i=$((i+1)); done`]);
    await sleep(100);
    const delivered = c.matching((e) => e['args'] === `/bin/true ${tag}`).length;
    const shell = c.matching((e) => String(e['args']).startsWith('/bin/sh -c') && String(e['args']).includes(tag)).length;
    const drops = gadget.kernelDrops();
    expect(drops).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(0);
    expect(delivered + shell + drops).toBe(count + 1);
  });

  it('close is idempotent and stops delivery', async () => {
    const c = new EventCollector();
    const g = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    g.close();
    g.close();
    const tag = nonce();
    await run('/bin/true', [tag]);
    await sleep(50);
    expect(c.matching((e) => e['args'] === `/bin/true ${tag}`)).toEqual([]);
  });
});
