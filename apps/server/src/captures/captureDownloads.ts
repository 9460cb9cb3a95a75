import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PodscopeError, redactPayload, type CaptureMeta } from '@podscope/protocol';
import { eventsNdjson, maskCaptureFile } from './capturePayload.ts';
import { signedExportStream } from './captureExport.ts';
import type { CaptureStore } from './captureStore.ts';
import type { HubKey } from './hubKey.ts';
import { enhancedPacketBlock, interfaceBlock, sectionHeaderBlock } from './packetCapture.ts';

export interface Download {
  stream: Readable;
  bytes: number | undefined;
  fileName: string;
  contentType: string;
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'capture';

/** A consistent snapshot of the capture (also while recording) as a signed `.podscope` file. */
export async function exportCapture(store: CaptureStore, id: string, key: HubKey, opts: { mask: boolean } = { mask: true }): Promise<Download> {
  const meta = store.meta(id);
  const snapshot = path.join(store.dir, `.export-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await store.reader(id).db.backup(snapshot);
    if (opts.mask) maskCaptureFile(snapshot);
    const { stream, bytes } = await signedExportStream(snapshot, key);
    stream.on('close', () => void rm(snapshot, { force: true }));
    return { stream, bytes, fileName: `${safeName(meta.name)}-${id}.podscope`, contentType: 'application/vnd.podscope.capture' };
  } catch (err) {
    await rm(snapshot, { force: true });
    throw err;
  }
}

interface PacketRow {
  body: Buffer;
}

/** A packet capture (gadget tcpdump) as pcapng, streamed in time order. */
export function exportPcapng(store: CaptureStore, id: string, meta: CaptureMeta, opts: { mask: boolean } = { mask: true }): Download {
  if (meta.request.gadget !== 'tcpdump') {
    throw new PodscopeError('conflict', `capture ${id} is not a packet capture (gadget ${meta.request.gadget}); only tcpdump captures export as pcapng`);
  }
  const reader = store.openReader(id);
  async function* blocks(): AsyncGenerator<Buffer> {
    try {
      yield sectionHeaderBlock();
      const ifaces = new Map<string, number>();
      const rows = reader.db.prepare<[], PacketRow>('SELECT body FROM events ORDER BY ts, id').iterate();
      for (const row of rows) {
        const e = reader.decoder.decode(row.body);
        const linkType = typeof e.linktype === 'number' ? e.linktype : 1;
        const name = typeof e.ifname === 'string' ? e.ifname : '';
        const ifKey = `${String(e.ifindex)}/${linkType}/${name}`;
        let ifaceId = ifaces.get(ifKey);
        if (ifaceId === undefined) {
          ifaceId = ifaces.size;
          ifaces.set(ifKey, ifaceId);
          yield interfaceBlock(linkType, name);
        }
        // One encoding for packet bytes everywhere: base64, as the tcpdump gadget sends them and imports store them.
        const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'base64') : Buffer.alloc(0);
        const data = opts.mask ? Buffer.from(redactPayload(raw)) : raw;
        const ts = typeof e.timestamp === 'number' ? e.timestamp : 0;
        yield enhancedPacketBlock(ifaceId, ts, typeof e.len === 'number' ? e.len : data.length, data);
      }
    } finally {
      reader.db.close();
    }
  }
  return { stream: Readable.from(blocks()), bytes: undefined, fileName: `${safeName(meta.name)}-${id}.pcapng`, contentType: 'application/x-pcapng' };
}

/** Every event of a capture as NDJSON, in time order (payload credentials masked unless `mask` is false). */
export function exportNdjson(store: CaptureStore, id: string, meta: CaptureMeta, opts: { mask: boolean }): Download {
  const reader = store.openReader(id);
  const stream = eventsNdjson(reader, opts.mask, () => reader.db.close());
  return { stream, bytes: undefined, fileName: `${safeName(meta.name)}-${id}.ndjson`, contentType: 'application/x-ndjson' };
}
