import type { Statement } from 'better-sqlite3';
import type { CaptureMeta, EventRecord } from '@podscope/protocol';
import { CAPTURE_SCHEMA_VERSION, columnsOf, openCaptureDb, readStats, writeMetaRows, type Db } from './captureDb.ts';
import { EventBodyEncoder, initStructures } from './eventBodyCodec.ts';
import { OverviewCounter } from './captureOverview.ts';

type InsertRow = [number, string, string, string | null, string | null, string | null, string | null, number | null, string | null, Buffer];

export interface EventBatch {
  node: string;
  gadget: string;
  events: readonly EventRecord[];
}

/**
 * Appends events to one capture file, synchronously, one transaction per `append`. The meta counters
 * (events, time range) are updated in the same transaction, so the file is consistent after any crash.
 * Runs inside the capture writer worker, and on the main thread for imports.
 */
export class CaptureFileWriter {
  readonly db: Db;
  private readonly encoder: EventBodyEncoder;
  private readonly insert: Statement<InsertRow>;
  private readonly appendTx: (batches: readonly EventBatch[]) => number;
  private events: number;
  private firstNs: number | null;
  private lastNs: number | null;
  private readonly overview: OverviewCounter;

  constructor(file: string, meta: CaptureMeta | undefined) {
    this.db = openCaptureDb(file, { create: true });
    // A bigger page cache keeps the two indexes' hot pages in memory; rarer checkpoints batch the copy-back.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('wal_autocheckpoint = 8192');
    if (meta !== undefined) {
      this.db.transaction(() => {
        writeMetaRows(this.db, { ...meta, schemaVersion: CAPTURE_SCHEMA_VERSION });
        initStructures(this.db);
      })();
    }
    const stats = readStats(this.db);
    this.events = stats.events;
    this.firstNs = stats.firstNs;
    this.lastNs = stats.lastNs;
    this.overview = OverviewCounter.load(this.db);
    this.encoder = new EventBodyEncoder(this.db);
    this.insert = this.db.prepare<InsertRow>(
      'INSERT INTO events (ts, node, gadget, ns, pod, container, comm, pid, error, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const putStats = this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.appendTx = this.db.transaction((batches: readonly EventBatch[]) => {
      let n = 0;
      for (const b of batches) {
        for (const event of b.events) {
          const cols = columnsOf(event, b.node, b.gadget);
          const c = cols;
          this.insert.run(c.ts, c.node, c.gadget, c.ns, c.pod, c.container, c.comm, c.pid, c.error, this.encoder.encode(event));
          this.overview.add(c);
          if (this.firstNs === null || cols.ts < this.firstNs) this.firstNs = cols.ts;
          if (this.lastNs === null || cols.ts > this.lastNs) this.lastNs = cols.ts;
          n++;
        }
      }
      this.events += n;
      putStats.run('events', JSON.stringify(this.events));
      putStats.run('firstNs', JSON.stringify(this.firstNs));
      putStats.run('lastNs', JSON.stringify(this.lastNs));
      putStats.run('overview', JSON.stringify(this.overview.toJSON()));
      return n;
    });
  }

  /** Writes the batches in one transaction; returns the number of rows written. */
  append(batches: readonly EventBatch[]): number {
    if (batches.length === 0) return 0;
    return this.appendTx(batches);
  }

  setMeta(patch: Partial<CaptureMeta>): void {
    writeMetaRows(this.db, patch);
  }

  get stats(): { events: number; firstNs: number | null; lastNs: number | null } {
    return { events: this.events, firstNs: this.firstNs, lastNs: this.lastNs };
  }

  /** Folds the WAL back into the file so the closed capture is one self-contained file. */
  close(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
