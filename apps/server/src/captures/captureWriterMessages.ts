import type { CaptureMeta } from '@podscope/protocol';
import type { CaptureStats } from './captureDb.ts';
import type { RowBlock } from './captureRows.ts';

// Messages between the hub's main thread and the capture writer worker (structured clone, same build).

export type WriterCommand =
  | { type: 'open'; captureId: string; file: string; meta: CaptureMeta }
  /** Encoded hub `events` frames (ServerEvents), exactly the bytes the run fanned out. */
  | { type: 'frames'; captureId: string; gadget: string; frames: Uint8Array[]; /** Events in each frame. */ counts: number[] }
  | { type: 'meta'; captureId: string; patch: Partial<CaptureMeta> }
  | { type: 'finish'; captureId: string; patch: Partial<CaptureMeta> };

export type WriterReply =
  | { type: 'committed'; captureId: string; rows: number; events: number; stats: CaptureStats }
  | { type: 'finished'; captureId: string; stats: CaptureStats }
  | { type: 'failed'; captureId: string; message: string };

export interface WriterTuning {
  /** Longest time an accepted event waits before its transaction commits. */
  flushIntervalMs: number;
  /** Rows that trigger a commit before the interval is up. */
  flushRows: number;
}

/** Files the checkpoint thread keeps folding back while they are recorded. */
export type CheckpointCommand = { type: 'watch'; file: string } | { type: 'unwatch'; file: string };

export interface CheckpointTuning {
  intervalMs: number;
  /** WAL size from which a file is checkpointed. */
  walBytes: number;
}

/** From the decoding thread to the inserting thread, in the order the main thread sent them. */
export type InsertCommand =
  | { type: 'open'; captureId: string; file: string; meta: CaptureMeta }
  | { type: 'rows'; captureId: string; block: RowBlock; /** Events these rows settle (acked as committed). */ events: number }
  | { type: 'meta'; captureId: string; patch: Partial<CaptureMeta> }
  | { type: 'finish'; captureId: string; patch: Partial<CaptureMeta> };
