import type { CaptureMeta } from '@podscope/protocol';
import type { CaptureStats } from './captureDb.ts';

// Messages between the hub's main thread and the capture writer worker (structured clone, same build).

export type WriterCommand =
  | { type: 'open'; captureId: string; file: string; meta: CaptureMeta }
  /** Encoded hub `events` frames (ServerEvents), exactly the bytes the run fanned out. */
  | { type: 'frames'; captureId: string; gadget: string; frames: Uint8Array[] }
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
