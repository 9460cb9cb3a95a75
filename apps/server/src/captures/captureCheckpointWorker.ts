// The capture checkpoint thread: copies the WAL of files being recorded back into their database files
// on a connection of its own, so the writer thread never stops for a checkpoint's copying and fsyncs.
// WAL checkpoints are safe alongside the writer (SQLite serializes them); a crash at any point loses nothing.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openCaptureDb, type Db } from './captureDb.ts';
import type { CheckpointCommand, CheckpointTuning } from './captureWriterMessages.ts';

const port = parentPort;
if (port === null) throw new Error('captureCheckpointWorker must run as a worker thread');
const tuning = workerData as CheckpointTuning;
const watched = new Map<string, Db | undefined>();

function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

function checkpoint(): void {
  for (const [file, known] of watched) {
    if (walBytes(file) < tuning.walBytes) continue;
    try {
      const db = known ?? openCaptureDb(file);
      watched.set(file, db);
      // PASSIVE: copies what it can without waiting for (or blocking) the writer.
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // The file went away or is busy: the writer's own checkpoints (a backstop) and its close still fold the WAL.
    }
  }
}

port.on('message', (cmd: CheckpointCommand) => {
  if (cmd.type === 'watch') {
    if (!watched.has(cmd.file)) watched.set(cmd.file, undefined);
    return;
  }
  watched.get(cmd.file)?.close();
  watched.delete(cmd.file);
});
setInterval(checkpoint, tuning.intervalMs);
