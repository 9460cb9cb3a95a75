import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { PodscopeError, type CaptureMeta, type CaptureSummary } from '@podscope/protocol';
import { HUB_VERSION } from '../agentSession.ts';
import { openCaptureDb, readCaptureMeta, scanStats, writeMetaRows } from './captureDb.ts';
import { CAPTURE_MAGIC, verifyCaptureFile } from './captureExport.ts';
import { CaptureFileWriter } from './captureFileWriter.ts';
import type { CaptureStore } from './captureStore.ts';
import type { HubKey } from './hubKey.ts';
import { packetEvent, tcpdumpGadget } from './packetCapture.ts';
import { PcapReader, sniffPacketFormat } from './pcapReader.ts';

/** Body bytes read and thrown away after the limit, so the client receives the 413 instead of a reset. */
const DRAIN_AFTER_LIMIT = 64 * 1024 * 1024;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const PACKETS_PER_TX = 5_000;

export interface ImportDeps {
  store: CaptureStore;
  key: HubKey;
  maxBytes: number;
  now: () => number;
}

/** Streams a request body to `file`, refusing (413) past `maxBytes`; never holds the body in memory. */
async function receive(req: IncomingMessage, file: string, maxBytes: number): Promise<number> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  let size = 0;
  let over = false;
  const out = createWriteStream(file, { mode: 0o600 });
  await pipeline(
    req,
    async function* limit(source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes) {
          over = true;
          if (size > maxBytes + DRAIN_AFTER_LIMIT) {
            req.destroy();
            return;
          }
          continue;
        }
        yield chunk;
      }
    },
    out,
  );
  if (over || declared > maxBytes) throw new PodscopeError('too_large', `import is larger than the limit of ${maxBytes} bytes (PODSCOPE_IMPORT_MAX_BYTES)`, { maxBytes });
  return size;
}

async function headOf(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(16);
    const { bytesRead } = await fh.read(b, 0, 16, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** `POST /api/captures/import`: a signed `.podscope` file from a trusted hub, or a `.pcap` / `.pcapng` file. */
export async function importCapture(req: IncomingMessage, fileName: string, user: string, deps: ImportDeps): Promise<CaptureSummary> {
  const { store } = deps;
  const tmp = path.join(store.dir, `.import-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const size = await receive(req, tmp, deps.maxBytes);
    if (size === 0) throw new PodscopeError('bad_request', 'the uploaded file is empty');
    const head = await headOf(tmp);
    if (head.length >= 16 && head.subarray(0, 16).equals(CAPTURE_MAGIC)) return await importPodscope(tmp, fileName, deps);
    const packetFormat = sniffPacketFormat(head);
    if (packetFormat !== undefined) return await importPackets(tmp, fileName, user, deps);
    if (head.subarray(0, 16).equals(SQLITE_MAGIC)) {
      throw new PodscopeError('bad_request', 'a bare SQLite file is not accepted: export the capture from its hub to get a signed .podscope file');
    }
    throw new PodscopeError('bad_request', `not a podscope capture, pcap or pcapng file (it starts with ${[...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function importPodscope(tmp: string, fileName: string, deps: ImportDeps): Promise<CaptureSummary> {
  const { store } = deps;
  const verified = await verifyCaptureFile(tmp, deps.key);
  const id = store.newId();
  const staging = `${store.file(id)}.staging`;
  try {
    await pipeline(createReadStream(tmp, { start: verified.bodyOffset, end: verified.bodyOffset + verified.bodyBytes - 1 }), createWriteStream(staging, { mode: 0o600 }));
    let db;
    try {
      db = openCaptureDb(staging);
    } catch {
      throw new PodscopeError('bad_request', 'the signed capture does not contain a readable SQLite database');
    }
    try {
      const meta = readCaptureMeta(db);
      const stats = scanStats(db);
      const state = meta.state === 'recording' ? 'interrupted' : meta.state;
      const importedFrom: CaptureMeta['importedFrom'] = { file: fileName, signer: verified.signer, importedAt: deps.now() };
      db.transaction(() => writeMetaRows(db, { id, state, importedFrom, events: stats.events, firstNs: stats.firstNs, lastNs: stats.lastNs }))();
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    await rename(staging, store.file(id));
  } finally {
    await rm(staging, { force: true });
    await rm(`${staging}-wal`, { force: true });
    await rm(`${staging}-shm`, { force: true });
  }
  return store.summary(id);
}

async function importPackets(tmp: string, fileName: string, user: string, deps: ImportDeps): Promise<CaptureSummary> {
  const { store } = deps;
  const id = store.newId();
  const now = deps.now();
  const meta: CaptureMeta = {
    id,
    name: path.basename(fileName),
    createdBy: user,
    createdAt: now,
    startedAt: now,
    state: 'recording',
    source: 'pcap',
    request: { gadget: 'tcpdump', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: true }, params: {} },
    gadgets: [tcpdumpGadget],
    nodes: ['pcap'],
    losses: { kernel: 0, agent: 0, hub: 0, browser: 0, capture: 0 },
    startCut: false,
    eventsBeforeStart: 0,
    payload: true,
    podscopeVersion: HUB_VERSION,
    importedFrom: { file: fileName, importedAt: now },
  };
  const writer = new CaptureFileWriter(store.file(id), meta);
  try {
    const reader = new PcapReader();
    let pending: ReturnType<typeof packetEvent>[] = [];
    for await (const chunk of createReadStream(tmp, { highWaterMark: 1024 * 1024 })) {
      for (const p of reader.push(chunk as Buffer)) pending.push(packetEvent(p));
      if (pending.length >= PACKETS_PER_TX) {
        writer.append([{ node: 'pcap', gadget: 'tcpdump', events: pending }]);
        pending = [];
        await yieldToLoop();
      }
    }
    reader.end();
    writer.append([{ node: 'pcap', gadget: 'tcpdump', events: pending }]);
    writer.setMeta({ state: 'complete', endedAt: deps.now() });
    writer.close();
  } catch (err) {
    writer.close();
    store.delete(id);
    throw err;
  }
  return store.summary(id);
}
