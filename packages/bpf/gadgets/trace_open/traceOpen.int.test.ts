// Needs root and syscall tracepoints on the real kernel: fails, never skips.
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, mountNsOf, sleep } from '../../test/eventCollector.ts';

const run = promisify(execFile);
const hostMntns = mountNsOf('self', readlinkSync);
const nonce = (): string => `ps${randomBytes(4).toString('hex')}`;

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

describe('trace_open on the real kernel', () => {
  it('reports a created file with fd, decoded flags, mode and process fields', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_open', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const path = `/tmp/${nonce()}.txt`;
    // python3 opens with O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC and the mode we give.
    const child = execFile('python3', ['-c', `import os; os.close(os.open(${JSON.stringify(path)}, os.O_WRONLY|os.O_CREAT|os.O_TRUNC|os.O_CLOEXEC, 0o640)); os.unlink(${JSON.stringify(path)})`]);
    await new Promise((r) => child.on('exit', r));
    const ev = await c.waitFor((e) => e['fname'] === path);
    expect(ev).toMatchObject({
      'proc.pid': child.pid,
      'proc.tid': child.pid,
      'proc.ppid': process.pid,
      'proc.uid': 0,
      'proc.gid': 0,
      mntns_id: hostMntns,
      mntns_pending: false,
      error: '',
      flags: 'O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC',
      mode: '0640',
      mode_raw: 0o640,
    });
    expect(ev['proc.comm']).toMatch(/^python3/);
    expect(ev['fd']).toBeGreaterThanOrEqual(3);
    expect(ev['retval']).toBe(ev['fd']);
    expect(ev['flags_raw']).toBe(0o1 | 0o100 | 0o1000 | 0o2000000);
    expect(Math.abs((ev['timestamp'] as number) / 1e6 - Date.now())).toBeLessThan(5000);
  });

  it('reports a failed open with its errno, and --failed drops successes in the kernel', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_open', { params: { failed: true }, selection: { enabled: false }, onEvents: c.onEvents });
    const missing = `/nonexistent-${nonce()}`;
    const ok = `/tmp/${nonce()}`;
    await run('/bin/sh', ['-c', `: > ${ok}; cat ${ok}; cat ${missing} 2>/dev/null; rm -f ${ok}`]).catch(() => undefined);
    const ev = await c.waitFor((e) => e['fname'] === missing);
    expect(ev).toMatchObject({ fd: -1, retval: -2, error: 'ENOENT', flags: 'O_RDONLY', 'proc.comm': 'cat' });
    await sleep(50);
    expect(c.matching((e) => e['fname'] === ok)).toEqual([]);
    expect(c.matching((e) => e['error'] === '')).toEqual([]);
  });

  it('applies the pushed-down comm filter', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_open', { params: {}, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { comm: ['cat'] } });
    const f = `/tmp/${nonce()}`;
    await run('/bin/sh', ['-c', `: > ${f}; cat ${f}; head -c0 ${f}; rm -f ${f}`]);
    await c.waitFor((e) => e['fname'] === f && e['proc.comm'] === 'cat');
    await sleep(50);
    expect(c.matching((e) => e['proc.comm'] !== 'cat')).toEqual([]);
    expect(gadget.kernelFiltered?.()).toBeGreaterThan(0);
  });
});
