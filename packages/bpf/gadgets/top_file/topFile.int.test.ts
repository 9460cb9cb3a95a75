// Needs root and syscall tracepoints on the real kernel: fails, never skips.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector } from '../../test/eventCollector.ts';

const run = promisify(execFile);
const dir = mkdtempSync('/var/tmp/podscope-topfile-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

const total = (rows: readonly EventRecord[], field: string): number => rows.reduce((n, r) => n + Number(r[field]), 0);

describe('top_file on the real kernel', () => {
  it('counts a dd writing 1 MiB: writes, wbytes, file, type R, comm; /dev/zero is not a regular file', async () => {
    const c = new EventCollector();
    gadget = await startGadget('top_file', { params: { 'map-fetch-interval': 200 }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = execFile('dd', ['if=/dev/zero', `of=${dir}/dd.bin`, 'bs=4k', 'count=256']);
    await new Promise((r) => child.on('exit', r));
    gadget.close();
    const mine = c.matching((e) => e['proc.pid'] === child.pid);
    const rows = mine.filter((e) => e['file'] === 'dd.bin');
    expect(total(rows, 'wbytes')).toBe(256 * 4096);
    expect(total(rows, 'writes')).toBe(256);
    expect(total(rows, 'reads')).toBe(0);
    expect(rows[0]).toMatchObject({ 'proc.comm': 'dd', type: 'R' });
    expect(mine.filter((e) => e['file'] === 'zero')).toEqual([]);
  });

  it('resets counters every interval: a writer spread over several intervals sums to exactly what it wrote', async () => {
    const c = new EventCollector();
    gadget = await startGadget('top_file', { params: { 'map-fetch-interval': 100 }, selection: { enabled: false }, onEvents: c.onEvents });
    const script = `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(`${dir}/spread.bin`)},'w');let i=0;const t=setInterval(()=>{fs.writeSync(fd,Buffer.alloc(65536));if(++i===20){clearInterval(t);fs.closeSync(fd);}},30);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    await new Promise((r) => child.on('exit', r));
    gadget.close();
    const rows = c.matching((e) => e['proc.pid'] === child.pid && e['file'] === 'spread.bin');
    expect(total(rows, 'wbytes')).toBe(20 * 65536);
    expect(total(rows, 'writes')).toBe(20);
    // Per-interval counters: the writes are spread over several intervals, none holds them all.
    expect(new Set(rows.map((r) => r['interval'])).size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...rows.map((r) => Number(r['wbytes'])))).toBeLessThan(20 * 65536);
  });

  it('with --all-files also counts the character device dd reads (type O) and pipes', async () => {
    const c = new EventCollector();
    gadget = await startGadget('top_file', { params: { 'map-fetch-interval': 200, 'all-files': true }, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { comm: ['dd'] } });
    const { stdout } = await run('sh', ['-c', `dd if=/dev/zero bs=4k count=64 status=none | dd of=${dir}/pipe.bin bs=4k status=none iflag=fullblock; echo done`]);
    expect(stdout.trim()).toBe('done');
    gadget.close();
    const zero = c.matching((e) => e['file'] === 'zero');
    expect(total(zero, 'rbytes')).toBe(64 * 4096);
    expect(zero[0]).toMatchObject({ type: 'O', 'proc.comm': 'dd' });
    const pipeRows = c.matching((e) => e['type'] === 'O' && e['file'] !== 'zero' && Number(e['wbytes']) > 0);
    expect(total(pipeRows, 'wbytes')).toBe(64 * 4096);
    expect(c.matching((e) => e['proc.comm'] !== 'dd')).toEqual([]);
  });
});
