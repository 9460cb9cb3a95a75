// The capture insert thread: commits row blocks (encoded by the writer thread) to capture files, one
// transaction per block. It only binds values and talks to SQLite; decoding and encoding run beside it.
import { parentPort } from 'node:worker_threads';
import { CaptureFileWriter } from './captureFileWriter.ts';
import type { InsertCommand, WriterReply } from './captureWriterMessages.ts';

const port = parentPort;
if (port === null) throw new Error('captureInsertWorker must run as a worker thread');
const open = new Map<string, CaptureFileWriter>();
const reply = (m: WriterReply): void => port.postMessage(m);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function handle(cmd: InsertCommand): void {
  const w = open.get(cmd.captureId);
  switch (cmd.type) {
    case 'open':
      try {
        // The checkpoint thread folds the WAL back; the writer's own checkpoints are only a backstop (256 MiB).
        open.set(cmd.captureId, new CaptureFileWriter(cmd.file, cmd.meta, { walAutocheckpointPages: 65_536 }));
      } catch (err) {
        reply({ type: 'failed', captureId: cmd.captureId, message: message(err) });
      }
      return;
    case 'rows':
      if (w === undefined) return;
      try {
        const rows = w.appendRows(cmd.block);
        reply({ type: 'committed', captureId: cmd.captureId, rows, events: cmd.events, stats: w.stats });
      } catch (err) {
        reply({ type: 'failed', captureId: cmd.captureId, message: message(err) });
      }
      return;
    case 'meta':
      try {
        w?.setMeta(cmd.patch);
      } catch (err) {
        reply({ type: 'failed', captureId: cmd.captureId, message: message(err) });
      }
      return;
    case 'finish':
      open.delete(cmd.captureId);
      if (w === undefined) return reply({ type: 'finished', captureId: cmd.captureId, stats: { events: 0, firstNs: null, lastNs: null } });
      try {
        w.setMeta(cmd.patch);
        w.close();
      } catch (err) {
        reply({ type: 'failed', captureId: cmd.captureId, message: message(err) });
      }
      reply({ type: 'finished', captureId: cmd.captureId, stats: w.stats });
      return;
  }
}

port.on('message', (cmd: InsertCommand) => handle(cmd));
