import type { Worker } from 'node:worker_threads';
import type { CaptureMeta } from '@podscope/protocol';
import type { Logger } from '../logger.ts';
import { startTsWorker } from '../tsWorker.ts';
import type { CaptureStats } from './captureDb.ts';
import { CaptureFileWriter } from './captureFileWriter.ts';
import type { CheckpointCommand, CheckpointTuning, WriterCommand, WriterReply, WriterTuning } from './captureWriterMessages.ts';

/** The checkpoint thread folds a recording's WAL back once it holds this much (the writer thread never waits for it). */
const CHECKPOINT: CheckpointTuning = { intervalMs: 100, walBytes: 16 * 1024 * 1024 };

export interface CaptureWriterLimits extends WriterTuning {
  /** Events handed to the writer but not yet committed, per capture, beyond which new batches are dropped and counted. */
  maxPendingEvents: number;
}

interface Recording {
  file: string;
  pendingEvents: number;
  /** Batches refused because the writer fell behind: counted, never silent. */
  drops: number;
  stats: CaptureStats;
  failed: string | undefined;
  queued: Uint8Array[];
  queuedCounts: number[];
  gadget: string;
  finished: ((stats: CaptureStats) => void) | undefined;
}

/**
 * The main-thread side of capture writing. `frames` only copies bytes into a message for the writer
 * thread, so the fan-out path never waits for SQLite; frames are posted in small groups every tick.
 * The writer thread decodes and encodes rows and hands them to its insert thread; a checkpoint thread
 * folds the files' WALs back.
 */
export class CaptureWriter {
  private readonly worker: Worker;
  private readonly checkpointer: Worker;
  private readonly recordings = new Map<string, Recording>();
  private postTimer: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly limits: CaptureWriterLimits,
    private readonly logger: Logger,
  ) {
    const tuning: WriterTuning = { flushIntervalMs: limits.flushIntervalMs, flushRows: limits.flushRows };
    this.worker = startTsWorker(new URL('./captureWriterWorker.ts', import.meta.url), tuning);
    this.worker.on('message', (m: WriterReply) => this.onReply(m));
    this.worker.on('error', (err) => {
      logger.warn(`capture writer thread failed: ${err.message}`);
      for (const [id, r] of this.recordings) this.onReply({ type: 'failed', captureId: id, message: `writer thread failed: ${err.message}` }, r);
    });
    this.worker.unref();
    this.checkpointer = startTsWorker(new URL('./captureCheckpointWorker.ts', import.meta.url), CHECKPOINT);
    // Without it the writer's own (rarer) checkpoints still run: a failure costs speed, never data.
    this.checkpointer.on('error', (err) => logger.warn(`capture checkpoint thread failed: ${err.message}`));
    this.checkpointer.unref();
  }

  open(captureId: string, file: string, meta: CaptureMeta): void {
    // Created here, synchronously, so the capture is listed and readable from the moment it is announced.
    new CaptureFileWriter(file, meta).close();
    const gadget = meta.request.gadget;
    this.recordings.set(captureId, { file, pendingEvents: 0, drops: 0, stats: { events: 0, firstNs: null, lastNs: null }, failed: undefined, queued: [], queuedCounts: [], gadget, finished: undefined });
    // The thread keeps the process alive only while it holds a recording's unwritten events.
    this.worker.ref();
    this.post({ type: 'open', captureId, file, meta });
    this.postCheckpoint({ type: 'watch', file });
  }

  /** Accepts one encoded `events` frame; returns false (and counts the drop) when the writer is too far behind. */
  frames(captureId: string, bytes: Uint8Array, events: number): boolean {
    const r = this.recordings.get(captureId);
    if (r === undefined || r.finished !== undefined) return false;
    if (r.failed !== undefined || r.pendingEvents + events > this.limits.maxPendingEvents) {
      r.drops += events;
      return false;
    }
    r.pendingEvents += events;
    // The fan-out shares these bytes with every subscriber; the writer gets its own copy.
    r.queued.push(new Uint8Array(bytes));
    r.queuedCounts.push(events);
    this.schedulePost();
    return true;
  }

  updateMeta(captureId: string, patch: Partial<CaptureMeta>): void {
    if (this.recordings.has(captureId)) this.post({ type: 'meta', captureId, patch });
  }

  drops(captureId: string): number {
    return this.recordings.get(captureId)?.drops ?? 0;
  }

  stats(captureId: string): CaptureStats | undefined {
    return this.recordings.get(captureId)?.stats;
  }

  isRecording(captureId: string): boolean {
    return this.recordings.has(captureId);
  }

  /** Flushes, writes the final meta (which may read `drops`) and closes the file. */
  finish(captureId: string, patch: (drops: number) => Partial<CaptureMeta>): Promise<CaptureStats> {
    const r = this.recordings.get(captureId);
    if (r === undefined) return Promise.resolve({ events: 0, firstNs: null, lastNs: null });
    this.postQueued();
    return new Promise((resolve) => {
      r.finished = resolve;
      this.post({ type: 'finish', captureId, patch: patch(r.drops) });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.recordings.keys()].map((id) => this.finish(id, () => ({ state: 'interrupted', endedAt: Date.now() }))));
    this.closed = true;
    await Promise.all([this.worker.terminate(), this.checkpointer.terminate()]);
  }

  private schedulePost(): void {
    if (this.postTimer !== undefined) return;
    this.postTimer = setImmediate(() => this.postQueued());
  }

  private postQueued(): void {
    this.postTimer = undefined;
    for (const [captureId, r] of this.recordings) {
      if (r.queued.length === 0) continue;
      const frames = r.queued;
      const counts = r.queuedCounts;
      r.queued = [];
      r.queuedCounts = [];
      this.post({ type: 'frames', captureId, gadget: r.gadget, frames, counts }, frames.map((f) => f.buffer as ArrayBuffer));
    }
  }

  private post(cmd: WriterCommand, transfer: ArrayBuffer[] = []): void {
    if (this.closed) return;
    this.worker.postMessage(cmd, transfer);
  }

  private postCheckpoint(cmd: CheckpointCommand): void {
    if (!this.closed) this.checkpointer.postMessage(cmd);
  }

  private onReply(m: WriterReply, known?: Recording): void {
    const r = known ?? this.recordings.get(m.captureId);
    if (r === undefined) return;
    switch (m.type) {
      case 'committed':
        r.pendingEvents = Math.max(0, r.pendingEvents - m.events);
        r.stats = m.stats;
        return;
      case 'failed':
        if (r.failed === undefined) this.logger.warn(`capture ${m.captureId}: ${m.message}`);
        r.failed = m.message;
        return;
      case 'finished':
        r.stats = m.stats;
        this.postCheckpoint({ type: 'unwatch', file: r.file });
        this.recordings.delete(m.captureId);
        if (this.recordings.size === 0) this.worker.unref();
        r.finished?.(m.stats);
        return;
    }
  }
}
