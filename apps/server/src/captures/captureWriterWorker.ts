// The capture writer thread: decodes fanned-out frames and encodes them into row blocks (column values
// and msgpack bodies), which the insert thread commits to the capture files. The two stages run in
// parallel, and neither runs on the hub's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Unpackr } from 'msgpackr';
import { decodeEventColumns, type EventRecord } from '@podscope/protocol';
import { startTsWorker } from '../tsWorker.ts';
import { openCaptureDb } from './captureDb.ts';
import { rowEncoderFor } from './captureFileWriter.ts';
import { blockTransfer, type EventBatch, type RowEncoder } from './captureRows.ts';
import type { InsertCommand, WriterCommand, WriterReply, WriterTuning } from './captureWriterMessages.ts';

interface PendingFrame {
  bytes: Uint8Array;
  gadget: string;
  events: number;
}

/** Events per row block: blocks this size keep the insert thread busy while the next one is encoded. */
const BLOCK_EVENTS = 10_000;

interface OpenCapture {
  encoder: RowEncoder;
  /** Frames are kept encoded until their flush: decoded events then live for one frame, not for a whole batch. */
  pending: PendingFrame[];
  /** Events accepted from the main thread but not yet handed to the insert thread. */
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
/** Captures the insert thread has not answered `finish` for. */
const unfinished = new Set<string>();
let inserterFailure: string | undefined;

const reply = (m: WriterReply): void => port.postMessage(m);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const inserter = startTsWorker(new URL('./captureInsertWorker.ts', import.meta.url), undefined);
inserter.on('message', (m: WriterReply) => {
  if (m.type === 'finished') unfinished.delete(m.captureId);
  reply(m);
});
inserter.on('error', (err) => {
  // Nothing more can be committed: every recording fails, and finishes now rather than never.
  inserterFailure = `capture insert thread failed: ${err.message}`;
  for (const id of unfinished) {
    reply({ type: 'failed', captureId: id, message: inserterFailure });
    reply({ type: 'finished', captureId: id, stats: { events: 0, firstNs: null, lastNs: null } });
  }
  unfinished.clear();
  open.clear();
});

function toInserter(cmd: InsertCommand): void {
  if (cmd.type === 'rows') inserter.postMessage(cmd, blockTransfer(cmd.block));
  else inserter.postMessage(cmd);
}

function decodeFrame(bytes: Uint8Array): { node: string; events: EventRecord[] } {
  const m = unpackr.unpack(bytes) as FramePayload;
  const node = typeof m.node === 'string' ? m.node : '';
  // Batches travel column-wise (eventColumns.ts); a plain array is accepted too.
  if (m.events instanceof Uint8Array) return { node, events: decodeEventColumns(m.events) };
  return { node, events: Array.isArray(m.events) ? (m.events as EventRecord[]) : [] };
}

function flush(captureId: string, c: OpenCapture): void {
  const all = c.pending;
  c.pending = [];
  c.pendingEvents = 0;
  for (let i = 0; i < all.length; ) {
    let events = 0;
    let j = i;
    while (j < all.length && (j === i || events + (all[j]?.events ?? 0) <= BLOCK_EVENTS)) events += all[j++]?.events ?? 0;
    flushBlock(captureId, c, all.slice(i, j), events);
    i = j;
  }
}

function flushBlock(captureId: string, c: OpenCapture, frames: PendingFrame[], events: number): void {
  let undecodable: unknown;
  function* batches(): Generator<EventBatch> {
    for (const f of frames) {
      let decoded: { node: string; events: EventRecord[] };
      try {
        decoded = decodeFrame(f.bytes);
      } catch (err) {
        undecodable ??= err;
        continue;
      }
      yield { node: decoded.node, gadget: f.gadget, events: decoded.events };
    }
  }
  try {
    toInserter({ type: 'rows', captureId, block: c.encoder.encode(batches()), events });
  } catch (err) {
    reply({ type: 'failed', captureId, message: message(err) });
  }
  if (undecodable !== undefined) reply({ type: 'failed', captureId, message: message(undecodable) });
}

function flushAll(): void {
  for (const [id, c] of open) flush(id, c);
}

/** The encoder of a capture file the main thread has just created. */
function encoderFor(file: string): RowEncoder {
  const db = openCaptureDb(file, { readonly: true });
  try {
    return rowEncoderFor(db);
  } finally {
    db.close();
  }
}

function handle(cmd: WriterCommand): void {
  if (inserterFailure !== undefined) {
    if (cmd.type === 'open') reply({ type: 'failed', captureId: cmd.captureId, message: inserterFailure });
    if (cmd.type === 'finish') reply({ type: 'finished', captureId: cmd.captureId, stats: { events: 0, firstNs: null, lastNs: null } });
    return;
  }
  switch (cmd.type) {
    case 'open':
      try {
        open.set(cmd.captureId, { encoder: encoderFor(cmd.file), pending: [], pendingEvents: 0 });
        unfinished.add(cmd.captureId);
        toInserter(cmd);
        reply({ type: 'committed', captureId: cmd.captureId, rows: 0, events: 0, stats: { events: 0, firstNs: null, lastNs: null } });
      } catch (err) {
        reply({ type: 'failed', captureId: cmd.captureId, message: message(err) });
      }
      return;
    case 'frames': {
      const c = open.get(cmd.captureId);
      if (c === undefined) return;
      cmd.frames.forEach((bytes, i) => {
        const events = cmd.counts[i] ?? 0;
        c.pending.push({ bytes, gadget: cmd.gadget, events });
        c.pendingEvents += events;
      });
      // Hand on full blocks at once, so the insert thread works while the next block arrives.
      if (c.pendingEvents >= Math.min(tuning.flushRows, BLOCK_EVENTS)) flush(cmd.captureId, c);
      return;
    }
    case 'meta':
      if (open.has(cmd.captureId)) toInserter(cmd);
      return;
    case 'finish': {
      const c = open.get(cmd.captureId);
      if (c !== undefined) flush(cmd.captureId, c);
      open.delete(cmd.captureId);
      if (!unfinished.has(cmd.captureId)) return reply({ type: 'finished', captureId: cmd.captureId, stats: { events: 0, firstNs: null, lastNs: null } });
      toInserter(cmd);
      return;
    }
  }
}

port.on('message', (cmd: WriterCommand) => handle(cmd));
// Crash safety: nothing accepted waits longer than one interval before it is handed on for its commit.
setInterval(flushAll, tuning.flushIntervalMs);
