// Needs root and syscall tracepoints on the real kernel: fails, never skips.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

const run = promisify(execFile);
// A real (non-tmpfs) directory: fsync then has work to do.
const dir = mkdtempSync('/var/tmp/podscope-fsslower-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

const MiB = 1024 * 1024;

describe('trace_fsslower on the real kernel', () => {
  it('reports the seed dd (--min 0): F_OPEN, 64 F_WRITEs with offsets, F_FSYNC, all on model_epoch_1.pkl', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_fsslower', { params: { min: 0 }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = execFile('dd', ['if=/dev/zero', `of=${dir}/model_epoch_1.pkl`, 'bs=1M', 'count=64', 'conv=fsync']);
    await new Promise((r) => child.on('exit', r));
    await c.waitFor((e) => e['op'] === 'F_FSYNC' && e['proc.pid'] === child.pid);
    // The dynamic loader's own reads (ld.so.cache, libc) are regular-file I/O too.
    const mine = c.matching((e) => e['proc.pid'] === child.pid && e['file'] === 'model_epoch_1.pkl');
    const writes = mine.filter((e) => e['op'] === 'F_WRITE');
    expect(writes).toHaveLength(64);
    expect(writes.every((e) => e['file'] === 'model_epoch_1.pkl' && e['size'] === MiB)).toBe(true);
    expect(writes.map((e) => e['offset'])).toEqual(Array.from({ length: 64 }, (_, i) => i * MiB));
    const fsync = mine.find((e) => e['op'] === 'F_FSYNC');
    expect(fsync).toMatchObject({ file: 'model_epoch_1.pkl', 'proc.comm': 'dd', 'proc.ppid': process.pid, 'proc.uid': 0 });
    expect(fsync?.['delta_us']).toBeGreaterThanOrEqual(0);
    expect(mine.find((e) => e['op'] === 'F_OPEN')).toMatchObject({ file: 'model_epoch_1.pkl' });
    // /dev/zero is a character device: its reads are not regular-file I/O.
    expect(c.matching((e) => e['proc.pid'] === child.pid && e['file'] === 'zero')).toEqual([]);
    expect(gadget.kernelDrops()).toBe(0);
  });

  it('applies --min in the kernel: fast operations never arrive', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_fsslower', { params: { min: 5000 }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = execFile('dd', ['if=/dev/zero', `of=${dir}/fast.bin`, 'bs=4k', 'count=16']);
    await new Promise((r) => child.on('exit', r));
    await sleep(50);
    expect(c.matching((e) => e['proc.pid'] === child.pid)).toEqual([]);
  });

  it('reports reads with the file offset and honours a comm push-down', async () => {
    await run('dd', ['if=/dev/zero', `of=${dir}/data.bin`, 'bs=64k', 'count=4']);
    const c = new EventCollector();
    gadget = await startGadget('trace_fsslower', { params: { min: 0 }, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { comm: ['dd'] } });
    const child = execFile('dd', [`if=${dir}/data.bin`, 'of=/dev/null', 'bs=64k', 'skip=1']);
    await new Promise((r) => child.on('exit', r));
    await c.waitFor((e) => e['proc.pid'] === child.pid && e['op'] === 'F_READ' && e['offset'] === 3 * 65536);
    const reads = c.matching((e) => e['proc.pid'] === child.pid && e['op'] === 'F_READ' && e['file'] === 'data.bin');
    // skip=1 seeks past the first block; the last read hits end of file.
    expect(reads.map((e) => e['offset'])).toEqual([65536, 131072, 196608, 262144]);
    expect(reads.every((e) => e['file'] === 'data.bin' && e['size'] === 65536)).toBe(true);
    expect(c.matching((e) => e['proc.comm'] !== 'dd')).toEqual([]);
  });
});
