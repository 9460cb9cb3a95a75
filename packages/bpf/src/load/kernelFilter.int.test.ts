// Push-down of proc.comm / proc.pid / proc.uid into kernel maps; needs root, fails rather than skips.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

const run = promisify(execFile);
const nonce = (): string => `ps${randomBytes(4).toString('hex')}`;

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

describe('kernel filter push-down', () => {
  it('lets comm "true" through and drops echo execs in the kernel', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { comm: ['true'] } });
    expect(gadget.kernelFilterPlacements?.map((p) => p.field)).toEqual(['proc.comm']);
    const tag = nonce();
    for (let i = 0; i < 3; i++) {
      await run('/bin/echo', [tag]);
      await run('/bin/true', [tag]);
    }
    await c.waitFor((e) => e['args'] === `/bin/true ${tag}`);
    await sleep(50);
    expect(c.matching((e) => e['args'] === `/bin/true ${tag}`)).toHaveLength(3);
    expect(c.matching((e) => e['proc.comm'] !== 'true')).toEqual([]);
    expect(gadget.kernelFiltered?.()).toBeGreaterThanOrEqual(3);
  });

  it('ANDs the lists: a pid list and a uid list that exclude the child drop it', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { uid: [0], pid: [process.pid] } });
    const tag = nonce();
    await run('/bin/true', [tag]);
    await sleep(100);
    // The child has its own pid, so the pid list drops it although the uid list matches.
    expect(c.matching((e) => e['args'] === `/bin/true ${tag}`)).toEqual([]);
    expect(gadget.kernelFiltered?.()).toBeGreaterThan(0);
    gadget.close();

    const d = new EventCollector();
    gadget = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: d.onEvents, kernelFilter: { uid: [0, 4242] } });
    await run('/bin/true', [tag]);
    expect(await d.waitFor((e) => e['args'] === `/bin/true ${tag}`)).toMatchObject({ 'proc.uid': 0 });
  });

  it('keeps the counters readable after close', async () => {
    const g = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: () => undefined, kernelFilter: { comm: [] } });
    await run('/bin/true', [nonce()]);
    await sleep(20);
    g.close();
    expect(g.kernelFiltered?.()).toBeGreaterThan(0);
    expect(g.kernelDrops()).toBe(0);
  });
});
