// Needs root, BTF tracepoints (tp_btf) and a memory cgroup: makes one real OOM kill. Fails, never skips.
import { execFileSync, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, mountNsOf } from '../../test/eventCollector.ts';
import { createMemoryCgroup, type MemoryCgroup } from '../../test/memoryCgroup.ts';

const hostMntns = mountNsOf('self', readlinkSync);
// pyenv and similar put a shell shim first in PATH; the victim is the real interpreter.
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

let gadget: RunningGadget | undefined;
let cgroup: MemoryCgroup | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
  cgroup?.remove();
  cgroup = undefined;
});

describe('trace_oomkill on the real kernel', () => {
  it('reports the victim of a memory-cgroup OOM kill with its own mount namespace', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_oomkill', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    cgroup = createMemoryCgroup(`podscope-oom-${randomBytes(4).toString('hex')}`, 32 * 1024 * 1024);
    // The shell joins the cgroup, then execs (same pid) the bounded allocator in a new mount namespace.
    const child = spawn('unshare', ['-m', '/bin/sh', '-c', `echo $$ > ${cgroup.procsFile} && exec ${python} -c 'x = bytearray(200 * 1024 * 1024)'`]);
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal).toBe('SIGKILL');
    const ev = await c.waitFor((e) => e['proc.pid'] === child.pid);
    const comm = basename(python).slice(0, 15);
    expect(ev).toMatchObject({ 'proc.comm': comm, 'proc.uid': 0, 'proc.ppid': process.pid, fpid: child.pid, fcomm: comm, fuid: 0 });
    expect(ev['mntns_id']).not.toBe(hostMntns);
    expect(ev['mntns_id']).toBeGreaterThan(0);
    // 200 MiB asked, 32 MiB allowed: the victim's size is visible in pages.
    expect(ev['pages']).toBeGreaterThan(200 * 256);
    expect(ev['anon_rss']).toBeGreaterThan(0);
    expect(ev['anon_rss']).toBeLessThanOrEqual(32 * 256);
  });
});
