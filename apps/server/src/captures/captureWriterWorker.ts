// The capture writer thread: decodes fanned-out frames and commits them to capture files in batches,
// so SQLite work never runs on the hub's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Unpackr } from 'msgpackr';
import type { EventRecord } from '@podscope/protocol';
import { CaptureFileWriter, type EventBatch } from './captureFileWriter.ts';
import type { WriterCommand, WriterReply, WriterTuning } from './captureWriterMessages.ts';

interface OpenCapture {
  writer: CaptureFileWriter;
  pending: EventBatch[];
  pendingRows: number;
  /** Events accepted from the main thread but not yet committed (acked with each commit). */
  pendingEvents: number;
}

interface FramePayload {
  node?: unknown;
  events?: unknown;
}

const port = parentPort;
if (port === null) throw new Error('captureWriterWorker must run as a worker thread');
const tuning = workerData as WriterTuning;
// Frames were built by this hub from schema-checked agent messages, so they are decoded without re-validation.
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });
const open = new Map<string, OpenCapture>();

const reply = (m: WriterReply): void => port.postMessage(m);

function fail(captureId: string, err: unknown): void {
  reply({ type: 'failed', captureId, message: err instanceof Error ? err.message : String(err) });
}

function flush(captureId: string, c: OpenCapture): void {
  if (c.pending.length === 0) return;
  const batches = c.pending;
  const events = c.pendingEvents;
  c.pending = [];
  c.pendingRows = 0;
  c.pendingEvents = 0;
  try {
    const rows = c.writer.append(batches);
    reply({ type: 'committed', captureId, rows, events, stats: c.writer.stats });
  } catch (err) {
    fail(captureId, err);
  }
}

function flushAll(): void {
  for (const [id, c] of open) flush(id, c);
}

function decodeFrame(bytes: Uint8Array): { node: string; events: EventRecord[] } {
  const m = unpackr.unpack(bytes) as FramePayload;
  return { node: typeof m.node === 'string' ? m.node : '', events: Array.isArray(m.events) ? (m.events as EventRecord[]) : [] };
}

function handle(cmd: WriterCommand): void {
  switch (cmd.type) {
    case 'open':
      try {
        open.set(cmd.captureId, { writer: new CaptureFileWriter(cmd.file, cmd.meta), pending: [], pendingRows: 0, pendingEvents: 0 });
        reply({ type: 'committed', captureId: cmd.captureId, rows: 0, events: 0, stats: { events: 0, firstNs: null, lastNs: null } });
      } catch (err) {
        fail(cmd.captureId, err);
      }
      return;
    case 'frames': {
      const c = open.get(cmd.captureId);
      if (c === undefined) return;
      for (const f of cmd.frames) {
        const { node, events } = decodeFrame(f);
        c.pending.push({ node, gadget: cmd.gadget, events });
        c.pendingRows += events.length;
        c.pendingEvents += events.length;
      }
      if (c.pendingRows >= tuning.flushRows) flush(cmd.captureId, c);
      return;
    }
    case 'meta': {
      const c = open.get(cmd.captureId);
      if (c === undefined) return;
      try {
        c.writer.setMeta(cmd.patch);
      } catch (err) {
        fail(cmd.captureId, err);
      }
      return;
    }
    case 'finish': {
      const c = open.get(cmd.captureId);
      if (c === undefined) return reply({ type: 'finished', captureId: cmd.captureId, stats: { events: 0, firstNs: null, lastNs: null } });
      flush(cmd.captureId, c);
      open.delete(cmd.captureId);
      try {
        c.writer.setMeta(cmd.patch);
        c.writer.close();
        reply({ type: 'finished', captureId: cmd.captureId, stats: c.writer.stats });
      } catch (err) {
        fail(cmd.captureId, err);
        reply({ type: 'finished', captureId: cmd.captureId, stats: c.writer.stats });
      }
      return;
    }
  }
}

port.on('message', (cmd: WriterCommand) => handle(cmd));
// Crash safety: nothing accepted waits longer than one interval for its commit.
setInterval(flushAll, tuning.flushIntervalMs);
