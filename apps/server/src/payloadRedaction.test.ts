import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuditResponse,
  CaptureCreatedResponse,
  CaptureEventsResponse,
  CaptureStreamOpsResponse,
  CaptureStreamsResponse,
  CreateShareResponse,
  ErrorResponse,
  MeResponse,
  PROTOCOL_VERSION,
  UsersResponse,
  base64ToBytes,
  bytesToBase64,
  commonFields,
  latin1Bytes,
  latin1Text,
  type EventRecord,
  type GadgetMeta,
} from '@podscope/protocol';
import { EventBodyDecoder } from './captures/eventBodyCodec.ts';
import { downloadBytes, pcapFile, upload } from './captures/captureTestKit.ts';
import { HEADER_BYTES, TRAILER_BYTES } from './captures/captureExport.ts';
import { ADMIN_PASSWORD, TestAgent, TestBrowser, api, container, createRun, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

const traceIo: GadgetMeta = {
  name: 'trace_io',
  category: 'trace',
  description: 'syscall I/O',
  params: [{ name: 'snaplen', type: 'integer', description: 'bytes captured', default: 80, min: 0, max: 8192 }],
  fields: [
    ...commonFields,
    { name: 'op', type: 'enum', description: '', defaultVisible: true },
    { name: 'fd.name', type: 'string', description: '', defaultVisible: true },
    { name: 'bytes', type: 'bytes', description: '', defaultVisible: true },
    { name: 'data', type: 'string', description: '', defaultVisible: false },
  ],
};

const REQUEST = 'GET /getticket HTTP/1.1\r\nHost: ticket-balancer\r\nAuthorization: Bearer secret\r\n\r\n';
const MASKED = 'GET /getticket HTTP/1.1\r\nHost: ticket-balancer\r\nAuthorization: Bearer ******\r\n\r\n';
const RESPONSE = 'HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\n\r\n';
const FD = '10.0.0.3:80->10.0.0.9:40000';

const ioEvent = (i: number, op: string, text: string): EventRecord => ({
  timestamp: 1_700_000_000_000_000_000 + i * 1000,
  'k8s.node': 'node-a',
  'k8s.namespace': 'ticket-generator',
  'k8s.podName': 'ticket-balancer-1',
  'k8s.containerName': 'haproxy',
  'proc.comm': 'haproxy',
  'proc.pid': 42,
  op,
  'fd.name': FD,
  'fd.type': 'socket',
  bytes: text.length,
  error: '',
  data: bytesToBase64(latin1Bytes(text)),
});

const dataText = (e: EventRecord | undefined): string => latin1Text(base64ToBytes(String(e?.['data'] ?? '')));

const loginAs = (hub: TestHub, username: string, password: string): Promise<string> => login(hub, password, username);

/** The events inside a `.podscope` export (its SQLite body), decoded. */
async function exportedEvents(bytes: Buffer): Promise<EventRecord[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-export-'));
  try {
    const file = path.join(dir, 'c.sqlite');
    await writeFile(file, bytes.subarray(HEADER_BYTES, bytes.length - TRAILER_BYTES));
    const db = new Database(file, { readonly: true });
    try {
      const decoder = new EventBodyDecoder(db);
      return db.prepare<[], { body: Buffer }>('SELECT body FROM events ORDER BY id').all().map((r) => decoder.decode(r.body));
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('payload redaction, roles and the audit log', () => {
  it('masks credentials for viewers live, in capture pages, streams and exports; the admin unmasks with an audit entry', async () => {
    hub = await startTestHub();
    const admin = await login(hub);
    const me = MeResponse.parse((await api(hub, 'GET', '/api/me', { cookie: admin })).body);
    expect(me).toMatchObject({ user: 'admin', role: 'admin' });
    expect(me.permissions).toContain('payload:unmask');

    // The admin creates a viewer; a viewer cannot create users or read the audit log.
    const created = await api(hub, 'POST', '/api/users', { cookie: admin, body: { username: 'vera', password: 'viewer-password-1' } });
    expect(created.status).toBe(201);
    expect(UsersResponse.parse((await api(hub, 'GET', '/api/users', { cookie: admin })).body).users.map((u) => [u.username, u.role])).toEqual([
      ['admin', 'admin'],
      ['vera', 'viewer'],
    ]);
    const viewer = await loginAs(hub, 'vera', 'viewer-password-1');
    expect(MeResponse.parse((await api(hub, 'GET', '/api/me', { cookie: viewer })).body)).toMatchObject({ user: 'vera', role: 'viewer', permissions: [] });
    expect((await api(hub, 'POST', '/api/users', { cookie: viewer, body: { username: 'eve', password: 'eve-password-1', role: 'admin' } })).status).toBe(403);
    expect((await api(hub, 'GET', '/api/audit', { cookie: viewer })).status).toBe(403);
    const badUser = await api(hub, 'POST', '/api/users', { cookie: admin, body: { username: 'x', password: 'short' } });
    expect(ErrorResponse.parse(badUser.body).error.code).toBe('bad_request');

    const agent = await TestAgent.connect(hub, 'node-a', { gadgets: [traceIo] });
    agent.inventory([container('node-a', 'ticket-generator', 'ticket-balancer-1')]);
    await waitFor('inventory', () => hub?.registry.runningContainers().length === 1);
    // Bad input: a snaplen out of range, a pod with no containers.
    const tooBig = await api(hub, 'POST', '/api/runs', { cookie: admin, body: { gadget: 'trace_io', target: {}, params: { snaplen: 100_000 } } });
    expect(tooBig.status).toBe(400);
    expect(ErrorResponse.parse(tooBig.body).error).toMatchObject({ code: 'bad_param' });
    expect(ErrorResponse.parse(tooBig.body).error.message).toMatch(/snaplen/);
    const noPod = await api(hub, 'POST', '/api/runs', { cookie: admin, body: { gadget: 'trace_io', target: { namespaces: ['ticket-generator'], podName: 'ticket-balancer-gone' } } });
    expect(noPod.status).toBe(422);
    expect(ErrorResponse.parse(noPod.body).error).toMatchObject({ code: 'no_targets' });
    expect(ErrorResponse.parse(noPod.body).error.message).toMatch(/ticket-balancer-gone/);

    const runId = await createRun(hub, admin, { gadget: 'trace_io', target: {}, params: { snaplen: 256 } });
    await waitFor('startRun', () => agent.startRuns().includes(runId));
    agent.status(runId);

    // Live: the viewer gets masked bytes, the admin asking to unmask gets them raw, a viewer asking is refused.
    const viewerWs = await TestBrowser.connect(hub, viewer);
    await viewerWs.subscribe(runId);
    const adminWs = await TestBrowser.connect(hub, admin);
    adminWs.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId, unmask: true });
    await waitFor('admin subscribed', () => adminWs.lastRun(runId));
    const nosy = await TestBrowser.connect(hub, viewer);
    nosy.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId, unmask: true });
    await waitFor('refusal', () => nosy.errors().includes('forbidden'));

    const rec = await api(hub, 'POST', `/api/runs/${runId}/record`, { cookie: admin, body: { from: 'start', name: 'seed' } });
    expect(rec.status).toBe(201);
    const captureId = CaptureCreatedResponse.parse(rec.body).capture.id;
    agent.events(runId, 1, [ioEvent(1, 'READ', REQUEST), ioEvent(2, 'WRITE', RESPONSE)]);
    await waitFor('live events', () => viewerWs.events(runId).length === 2 && adminWs.events(runId).length === 2);
    expect(dataText(viewerWs.events(runId)[0])).toBe(MASKED);
    expect(dataText(viewerWs.events(runId)[1])).toBe(RESPONSE);
    expect(dataText(adminWs.events(runId)[0])).toBe(REQUEST);
    expect(nosy.events(runId)).toEqual([]);
    await waitFor('recorded', async () => CaptureEventsResponse.parse((await api(hub!, 'GET', `/api/captures/${captureId}/events`, { cookie: admin })).body).total === 2);
    expect((await api(hub, 'POST', `/api/captures/${captureId}/stop`, { cookie: admin })).status).toBe(200);

    // Capture pages: masked by default for everyone, raw for the admin with ?unmask=1, 403 for the viewer asking.
    const page = (cookie: string, qs = ''): Promise<{ status: number; body: unknown }> => api(hub!, 'GET', `/api/captures/${captureId}/events?sort=timestamp${qs}`, { cookie });
    expect(dataText(CaptureEventsResponse.parse((await page(viewer)).body).events[0]?.event)).toBe(MASKED);
    expect(dataText(CaptureEventsResponse.parse((await page(admin)).body).events[0]?.event)).toBe(MASKED);
    expect(dataText(CaptureEventsResponse.parse((await page(admin, '&unmask=1')).body).events[0]?.event)).toBe(REQUEST);
    const refused = await page(viewer, '&unmask=1');
    expect(refused.status).toBe(403);
    expect(ErrorResponse.parse(refused.body).error).toMatchObject({ code: 'forbidden', details: { permission: 'payload:unmask' } });

    // A filter on the payload would probe the masked bytes.
    const probe = await page(viewer, `&filter=${encodeURIComponent('data~QmVhcmVy')}`);
    expect(probe.status).toBe(403);
    expect(ErrorResponse.parse(probe.body).error.details).toMatchObject({ fields: ['data'] });
    expect((await page(admin, `&unmask=1&filter=${encodeURIComponent('data~QmVhcmVy')}`)).status).toBe(200);
    const probeFilter = encodeURIComponent('not data~QmVhcmVy');
    expect((await api(hub, 'GET', `/api/captures/${captureId}/timeline?filter=${probeFilter}`, { cookie: viewer })).status).toBe(403);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/streams?filter=${probeFilter}`, { cookie: viewer })).status).toBe(403);
    const probeRun = await api(hub, 'POST', '/api/runs', { cookie: viewer, body: { gadget: 'trace_io', target: {}, filter: 'data~QmVhcmVy' } });
    expect(probeRun.status).toBe(403);
    expect(ErrorResponse.parse(probeRun.body).error.details).toMatchObject({ permission: 'payload:unmask', fields: ['data'] });

    // Streams grouped on the hub, ops masked the same way.
    const streams = CaptureStreamsResponse.parse((await api(hub, 'GET', `/api/captures/${captureId}/streams`, { cookie: viewer })).body);
    expect(streams).toMatchObject({ total: 1, events: 2 });
    expect(streams.streams[0]).toMatchObject({ fdName: FD, reads: 1, writes: 1, httpHeads: 2, httpFlags: 1 });
    const key = encodeURIComponent(streams.streams[0]?.key ?? '');
    const ops = CaptureStreamOpsResponse.parse((await api(hub, 'GET', `/api/captures/${captureId}/streams/ops?key=${key}`, { cookie: viewer })).body);
    expect(ops.ops.map((o) => dataText(o.event))).toEqual([MASKED, RESPONSE]);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/streams/ops?key=${key}&unmask=1`, { cookie: viewer })).status).toBe(403);

    // Exports: the .podscope file's SQLite body and the NDJSON hold masked bytes unless the admin unmasks.
    const exported = await downloadBytes(hub, `/api/captures/${captureId}/export`, viewer);
    expect(exported.status).toBe(200);
    expect((await exportedEvents(exported.bytes)).map(dataText)).toEqual([MASKED, RESPONSE]);
    expect(exported.bytes.includes(Buffer.from(bytesToBase64(latin1Bytes(REQUEST))))).toBe(false);
    const rawExport = await downloadBytes(hub, `/api/captures/${captureId}/export?unmask=1`, admin);
    expect((await exportedEvents(rawExport.bytes)).map(dataText)).toEqual([REQUEST, RESPONSE]);
    expect((await downloadBytes(hub, `/api/captures/${captureId}/export?unmask=1`, viewer)).status).toBe(403);
    const ndjson = await downloadBytes(hub, `/api/captures/${captureId}/export.ndjson`, viewer);
    const lines = ndjson.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: EventRecord });
    expect(lines.map((l) => dataText(l.event))).toEqual([MASKED, RESPONSE]);

    // Share links never unmask.
    const share = CreateShareResponse.parse((await api(hub, 'POST', `/api/captures/${captureId}/shares`, { cookie: admin, body: {} })).body);
    const shared = await api(hub, 'GET', `/api/captures/${captureId}/events?share=${share.token}`);
    expect(dataText(CaptureEventsResponse.parse(shared.body).events[0]?.event)).toBe(MASKED);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/events?share=${share.token}&unmask=1`)).status).toBe(403);

    // Every unmask is in the audit log, newest first.
    const audit = AuditResponse.parse((await api(hub, 'GET', '/api/audit?action=payload.unmask', { cookie: admin })).body);
    expect(audit.entries.map((e) => [e.user, e.target])).toEqual([
      ['admin', `capture:${captureId}/export`],
      ['admin', `capture:${captureId}/events`],
      ['admin', `capture:${captureId}/events`],
      ['admin', `run:${runId}`],
    ]);
    const all = AuditResponse.parse((await api(hub, 'GET', '/api/audit', { cookie: admin })).body);
    expect(all.entries.some((e) => e.action === 'user.create' && e.target === 'user:vera')).toBe(true);
  });

  it('masks packet payloads in pcap-ng exports of packet captures', async () => {
    hub = await startTestHub();
    const admin = await login(hub);
    await api(hub, 'POST', '/api/users', { cookie: admin, body: { username: 'vera', password: 'viewer-password-1' } });
    const viewer = await loginAs(hub, 'vera', 'viewer-password-1');
    const frame = Buffer.concat([Buffer.alloc(54), Buffer.from(REQUEST, 'latin1')]);
    const imported = await upload(hub, viewer, pcapFile([{ tsNs: 1_700_000_000_000_000_000, data: frame }]), 'http.pcap');
    expect(imported.status).toBe(201);
    const captureId = CaptureCreatedResponse.parse(imported.body).capture.id;
    const masked = await downloadBytes(hub, `/api/captures/${captureId}/export.pcapng`, viewer);
    expect(masked.status).toBe(200);
    expect(masked.bytes.includes(Buffer.from('Authorization: Bearer ******\r\n'))).toBe(true);
    expect(masked.bytes.includes(Buffer.from('secret'))).toBe(false);
    const raw = await downloadBytes(hub, `/api/captures/${captureId}/export.pcapng?unmask=1`, admin);
    expect(raw.bytes.includes(Buffer.from('Bearer secret'))).toBe(true);
    expect(raw.bytes.length).toBe(masked.bytes.length);
    expect(ADMIN_PASSWORD).not.toBe('');
  });
});
