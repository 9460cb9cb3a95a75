// Needs root and the tcp:tcp_probe tp_btf tracepoint on the real kernel: fails, never skips.
import { readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector } from '../../test/eventCollector.ts';
import { loopbackTransfer } from '../../test/loopbackTransfer.ts';

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

const netns = Number(/^net:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/net'))?.[1]);

describe('profile_tcprtt on the real kernel', () => {
  it('histograms the srtt of both ends of a loopback connection, per remote address, in this netns', async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_tcprtt', { params: { 'map-fetch-interval': 200 }, selection: { enabled: false }, onEvents: c.onEvents });
    // The client binds 127.0.0.3, so each end has its own remote address.
    await loopbackTransfer(4 * 1024 * 1024, { clientAddress: '127.0.0.3', reply: 64 * 1024 });
    gadget.close();
    const last = Math.max(...c.events.map((e) => Number(e['interval'])));
    const rows = c.matching((e) => e['interval'] === last && e['netns_id'] === netns);
    const toServer = rows.filter((e) => e['raddr'] === '127.0.0.1');
    const toClient = rows.filter((e) => e['raddr'] === '127.0.0.3');
    expect(toServer.reduce((n, e) => n + Number(e['count']), 0)).toBeGreaterThan(0);
    expect(toClient.reduce((n, e) => n + Number(e['count']), 0)).toBeGreaterThan(0);
    // Loopback round trips are well under 100 ms.
    expect(rows.every((e) => Number(e['bucket.hi']) <= 131072)).toBe(true);
    expect(rows.every((e) => e['laddr'] === '')).toBe(true);
  });

  it('splits by local address instead with --by-laddr and no --by-raddr', async () => {
    const c = new EventCollector();
    gadget = await startGadget('profile_tcprtt', { params: { 'map-fetch-interval': 200, 'by-raddr': false, 'by-laddr': true }, selection: { enabled: false }, onEvents: c.onEvents });
    await loopbackTransfer(1024 * 1024, { clientAddress: '127.0.0.4', reply: 1024 });
    gadget.close();
    const mine = c.matching((e) => e['netns_id'] === netns);
    expect(mine.some((e) => e['laddr'] === '127.0.0.4')).toBe(true);
    expect(mine.every((e) => e['raddr'] === '')).toBe(true);
  });
});
