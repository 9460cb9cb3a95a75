import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureCreatedResponse, ErrorResponse } from '@podscope/protocol';
import { api, login, startTestHub, waitFor, type TestHub } from '../hubTestKit.ts';
import { loadConfig } from '../config.ts';
import { allEvents, downloadBytes, getCapture, hubWithAgents, pcapFile, recordedCapture, upload, type HubWithAgents } from './captureTestKit.ts';
import { PcapReader } from './pcapReader.ts';

let h: HubWithAgents | undefined;
let second: TestHub | undefined;
afterEach(async () => {
  await h?.hub.stop();
  await second?.stop();
  h = undefined;
  second = undefined;
});

async function healthy(hub: TestHub): Promise<void> {
  expect((await api(hub, 'GET', '/healthz')).status).toBe(200);
}

const errorOf = (body: unknown): string => ErrorResponse.parse(body).error.message;

describe('export and import', () => {
  it('moves a capture to another hub that trusts the signer, with identical counts', async () => {
    h = await hubWithAgents(['node-a', 'node-b']);
    const { captureId, total } = await recordedCapture(h, 1_000);
    const exported = await downloadBytes(h.hub, `/api/captures/${captureId}/export`, h.cookie);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/\.podscope"/);
    expect(exported.bytes.subarray(0, 16).toString('ascii')).toBe('PODSCOPE-CAPTURE');

    second = await startTestHub();
    const cookie2 = await login(second);
    const untrusted = await upload(second, cookie2, exported.bytes, 'x.podscope');
    expect(untrusted.status).toBe(400);
    expect(errorOf(untrusted.body)).toMatch(/untrusted hub key .*trusted-keys/);

    const key = (await api(h.hub, 'GET', '/api/hub-key', { cookie: h.cookie })).body as { publicKeyPem: string };
    await writeFile(path.join(second.config.dataDir, 'trusted-keys', 'hub-a.pem'), key.publicKeyPem);
    const imported = await upload(second, cookie2, exported.bytes, 'x.podscope');
    expect(imported.status).toBe(201);
    const newId = CaptureCreatedResponse.parse(imported.body).capture.id;

    const a = await getCapture(h.hub, captureId, { cookie: h.cookie });
    const b = await getCapture(second, newId, { cookie: cookie2 });
    expect(b.capture.events).toBe(total);
    expect(b.overview).toEqual(a.overview);
    expect(b.meta.importedFrom).toMatchObject({ file: 'x.podscope' });
    const rowsA = await allEvents(h.hub, captureId, h.cookie, { filter: 'proc.comm==dd' });
    const rowsB = await allEvents(second, newId, cookie2, { filter: 'proc.comm==dd' });
    expect(rowsB.map((r) => r.event)).toEqual(rowsA.map((r) => r.event));

    // A hub always trusts its own exports.
    expect((await upload(h.hub, h.cookie, exported.bytes)).status).toBe(201);
  });

  it('refuses tampered, truncated, foreign and huge files with a clear message and stays up', async () => {
    h = await hubWithAgents(['node-a'], { captures: { ...loadConfig({}).captures, importMaxBytes: 1024 * 1024 } });
    const { hub, cookie } = h;
    const { captureId } = await recordedCapture(h, 300);
    const { bytes } = await downloadBytes(hub, `/api/captures/${captureId}/export`, cookie);

    const tampered = Buffer.from(bytes);
    tampered[Math.floor(tampered.length / 2)] = (tampered[Math.floor(tampered.length / 2)] ?? 0) ^ 0x01;
    const t = await upload(hub, cookie, tampered);
    expect(t.status).toBe(400);
    expect(errorOf(t.body)).toMatch(/modified after it was signed/);
    await healthy(hub);

    const badSig = Buffer.from(bytes);
    badSig[badSig.length - 20] = (badSig[badSig.length - 20] ?? 0) ^ 0xff;
    expect(errorOf((await upload(hub, cookie, badSig)).body)).toMatch(/signature is invalid|tampered/);

    const truncated = await upload(hub, cookie, bytes.subarray(0, bytes.length - 1000));
    expect(truncated.status).toBe(400);
    expect(errorOf(truncated.body)).toMatch(/truncated/);
    await healthy(hub);

    const random = await upload(hub, cookie, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    expect(random.status).toBe(400);
    expect(errorOf(random.body)).toMatch(/not a podscope capture, pcap or pcapng file/);

    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(100)]);
    const p = await upload(hub, cookie, png);
    expect(p.status).toBe(400);
    expect(errorOf(p.body)).toMatch(/starts with 89 50 4e 47/);

    expect((await upload(hub, cookie, Buffer.alloc(0))).status).toBe(400);
    const huge = await upload(hub, cookie, Buffer.alloc(3 * 1024 * 1024, 1));
    expect(huge.status).toBe(413);
    expect(errorOf(huge.body)).toMatch(/larger than the limit/);
    const brokenPcap = pcapFile([{ tsNs: 1e18, data: Buffer.alloc(60, 1) }]).subarray(0, 50);
    const bp = await upload(hub, cookie, brokenPcap);
    expect(bp.status).toBe(400);
    expect(errorOf(bp.body)).toMatch(/corrupt packet capture/);

    await healthy(hub);
    const list = (await api(hub, 'GET', '/api/captures', { cookie })).body as { captures: unknown[] };
    expect(list.captures).toHaveLength(1);
  });
});

describe('pcap and pcapng', () => {
  const packets = [
    { tsNs: 1_700_000_000_123_456_000, data: Buffer.from('00112233445566778899aabb0800450000', 'hex') },
    { tsNs: 1_700_000_001_000_001_000, data: Buffer.alloc(64, 0xab), len: 1500 },
    { tsNs: 1_700_000_002_500_000_000, data: Buffer.from('ff', 'hex') },
  ];

  it('imports pcap (µs, ns, big-endian) as a tcpdump capture, one event per packet, and exports it as pcapng', async () => {
    h = await hubWithAgents([]);
    const { hub, cookie } = h;
    for (const opts of [{}, { ns: true }, { bigEndian: true }]) {
      const res = await upload(hub, cookie, pcapFile(packets, opts), 'test.pcap');
      expect(res.status).toBe(201);
      const { capture } = CaptureCreatedResponse.parse(res.body);
      expect(capture).toMatchObject({ events: 3, gadgets: ['tcpdump'], payload: true, source: 'pcap', state: 'complete' });
      const rows = await allEvents(hub, capture.id, cookie, {});
      expect(rows.map((r) => r.event.timestamp)).toEqual(packets.map((p) => p.tsNs));
      expect(rows.map((r) => r.event.data)).toEqual(packets.map((p) => p.data.toString('base64')));
      expect(rows.map((r) => r.event.len)).toEqual([17, 1500, 1]);
      expect((await allEvents(hub, capture.id, cookie, { filter: 'len>=1000' })).length).toBe(1);
    }

    const first = ((await api(hub, 'GET', '/api/captures', { cookie })).body as { captures: { id: string }[] }).captures[0];
    const ng = await downloadBytes(hub, `/api/captures/${first?.id ?? ''}/export.pcapng`, cookie);
    expect(ng.status).toBe(200);
    const reader = new PcapReader();
    const parsed = reader.push(ng.bytes);
    reader.end();
    expect(parsed.map((p) => [p.tsNs, p.data.toString('hex'), p.len])).toEqual(packets.map((p) => [p.tsNs, p.data.toString('hex'), p.len ?? p.data.length]));
    const again = await upload(hub, cookie, ng.bytes, 'again.pcapng');
    expect(again.status).toBe(201);
    expect(CaptureCreatedResponse.parse(again.body).capture.events).toBe(3);
  });

  it('filters an imported pcap by the node its overview shows (a click on the node tile)', async () => {
    h = await hubWithAgents([]);
    const { hub, cookie } = h;
    const res = await upload(hub, cookie, pcapFile(packets), 'nodes.pcap');
    expect(res.status).toBe(201);
    const { capture } = CaptureCreatedResponse.parse(res.body);
    const { overview } = await getCapture(hub, capture.id, { cookie });
    expect(overview.byNode).toEqual([{ key: 'pcap', count: packets.length }]);
    for (const { key, count } of overview.byNode) {
      const rows = await allEvents(hub, capture.id, cookie, { filter: `k8s.node==${key}` });
      expect(rows).toHaveLength(count);
      expect(rows.every((r) => r.event['k8s.node'] === key)).toBe(true);
      expect(await allEvents(hub, capture.id, cookie, { filter: `k8s.node!=${key}` })).toHaveLength(0);
    }
  });

  it('answers 409 for pcapng export of a capture that is not a packet capture', async () => {
    h = await hubWithAgents(['node-a']);
    const { captureId } = await recordedCapture(h, 10);
    const res = await api(h.hub, 'GET', `/api/captures/${captureId}/export.pcapng`, { cookie: h.cookie });
    expect(res.status).toBe(409);
    expect(errorOf(res.body)).toMatch(/not a packet capture/);
  });

  it('imports a pcap written by a real tcpdump on loopback', async () => {
    const tcpdump = await promisify(execFile)('which', ['tcpdump']).then(
      (r) => r.stdout.trim(),
      () => '',
    );
    if (tcpdump === '') throw new Error('tcpdump is not installed on this machine');
    h = await hubWithAgents([]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-tcpdump-'));
    try {
      const server = net.createServer((s) => s.end('hello from podscope'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      const file = path.join(dir, 'lo.pcap');
      const proc = spawn('timeout', ['5', tcpdump, '-i', 'lo', '-U', '-w', file, '-c', '5', 'tcp', 'port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await waitFor('tcpdump listening', () => stderr.includes('listening on'));
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const c = net.connect(port, '127.0.0.1', () => c.write('ping'));
          c.on('data', () => c.end());
          c.on('close', () => resolve());
          c.on('error', reject);
        });
      }
      await new Promise((r) => proc.on('exit', r));
      server.close();
      const bytes = await readFile(file);
      const res = await upload(h.hub, h.cookie, bytes, 'lo.pcap');
      expect(res.status).toBe(201);
      const { capture } = CaptureCreatedResponse.parse(res.body);
      expect(capture.events).toBe(5);
      const rows = await allEvents(h.hub, capture.id, h.cookie, {});
      // Every packet carries the TCP port we talked to, in its IPv4/TCP headers.
      const portHex = port.toString(16).padStart(4, '0');
      expect(rows.every((r) => Buffer.from(String(r.event.data), 'base64').toString('hex').includes(portHex))).toBe(true);
      expect(rows.every((r) => typeof r.event.timestamp === 'number' && Math.abs(r.event.timestamp / 1e6 - Date.now()) < 60_000)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
