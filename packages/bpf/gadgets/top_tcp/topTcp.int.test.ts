// Needs root and the sock:sock_{send,recv}_length tp_btf tracepoints on the real kernel: fails, never skips.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector } from '../../test/eventCollector.ts';
import { loopbackTransfer } from '../../test/loopbackTransfer.ts';

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

const total = (rows: readonly EventRecord[], field: string): number => rows.reduce((n, r) => n + Number(r[field]), 0);
const MiB = 1024 * 1024;

describe('top_tcp on the real kernel', () => {
  it('counts a 3 MiB loopback upload and its 256 KiB reply on both ends of the connection', async () => {
    const c = new EventCollector();
    gadget = await startGadget('top_tcp', { params: { 'map-fetch-interval': 100 }, selection: { enabled: false }, onEvents: c.onEvents });
    const t = await loopbackTransfer(3 * MiB, { clientAddress: '127.0.0.5', reply: 256 * 1024 });
    gadget.close();
    expect(t.serverReceived).toBe(3 * MiB);
    const client = c.matching((e) => e['src'] === `127.0.0.5:${t.clientPort}` && e['dst'] === `127.0.0.1:${t.serverPort}`);
    const server = c.matching((e) => e['src'] === `127.0.0.1:${t.serverPort}` && e['dst'] === `127.0.0.5:${t.clientPort}`);
    // This process is both ends.
    expect(total(client, 'sent')).toBe(3 * MiB);
    expect(total(client, 'received')).toBe(256 * 1024);
    expect(total(server, 'received')).toBe(3 * MiB);
    expect(total(server, 'sent')).toBe(256 * 1024);
    expect(client[0]).toMatchObject({ 'proc.pid': process.pid, 'src.version': 4, 'dst.port': t.serverPort });
    expect(typeof client[0]?.['proc.comm']).toBe('string');
  });

  it('honours a pid push-down: another process is not counted', async () => {
    const c = new EventCollector();
    gadget = await startGadget('top_tcp', { params: { 'map-fetch-interval': 100 }, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { pid: [1] } });
    await loopbackTransfer(MiB);
    gadget.close();
    expect(c.matching((e) => e['proc.pid'] === process.pid)).toEqual([]);
  });
});
