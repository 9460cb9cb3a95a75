import type { Statement } from 'better-sqlite3';
import type { CaptureMeta } from '@podscope/protocol';
import { CAPTURE_SCHEMA_VERSION, openCaptureDb, readMetaRows, readStats, writeMetaRows, type CaptureStats, type Db } from './captureDb.ts';
import { initStructures, storedStructures } from './eventBodyCodec.ts';
import { FIELD_COLUMNS_KEY, addGenericColumns, genericColumnsFor, storedGenericColumns, type FieldColumn } from './captureFieldColumns.ts';
import { OverviewCounter } from './captureOverview.ts';
import { FIXED_COLUMNS, RowEncoder, rowValues, type EventBatch, type RowBlock, type SqlValue } from './captureRows.ts';

export type { EventBatch } from './captureRows.ts';

/** A row encoder continuing a capture file as it stands (structures, field columns, counters, overview). */
export function rowEncoderFor(db: Db): RowEncoder {
  const generic = storedGenericColumns(db);
  return new RowEncoder(storedStructures(db), generic, generic.length > 0, readStats(db), OverviewCounter.load(db));
}

/**
 * Appends events to one capture file, synchronously, one transaction per `append`. The meta counters
 * (events, time range, overview) and new body structures are written in the same transaction, so the
 * file is consistent after any crash. The capture writer encodes rows on one worker thread and inserts
 * them on another (`rowEncoder` + `appendRows`); imports do both here (`append`).
 */
export class CaptureFileWriter {
  readonly db: Db;
  readonly generic: readonly FieldColumn[];
  private readonly insert: Statement<SqlValue[]>;
  private readonly params: SqlValue[] = [];
  private readonly appendTx: (block: RowBlock) => number;
  private sameThreadEncoder: RowEncoder | undefined;
  private committed: CaptureStats;
  /** Latest body structures handed in, and the ones committed (rewritten if a failed transaction lost them). */
  private structures: string | undefined;
  private committedStructures: string | undefined;

  /** `walAutocheckpointPages`: when another connection checkpoints this file, a larger backstop. */
  constructor(file: string, meta: CaptureMeta | undefined, opts: { walAutocheckpointPages?: number } = {}) {
    this.db = openCaptureDb(file, { create: true });
    // A bigger page cache keeps the two indexes' hot pages in memory; rarer checkpoints batch the copy-back.
    this.db.pragma('cache_size = -65536');
    this.db.pragma(`wal_autocheckpoint = ${Math.trunc(opts.walAutocheckpointPages ?? 8192)}`);
    if (meta !== undefined) {
      this.db.transaction(() => {
        // A new file gets a column for every field its filter can name; a reopened one keeps its layout.
        const fresh = !readMetaRows(this.db).has(FIELD_COLUMNS_KEY) && readStats(this.db).events === 0;
        if (fresh) addGenericColumns(this.db, genericColumnsFor(meta));
        writeMetaRows(this.db, { ...meta, ...(fresh ? { schemaVersion: CAPTURE_SCHEMA_VERSION } : {}) });
        initStructures(this.db);
      })();
    }
    this.generic = storedGenericColumns(this.db);
    this.committed = readStats(this.db);
    const columns = [...FIXED_COLUMNS, ...this.generic.map((c) => c.column)];
    // One row per statement call, values spread: measured faster than multi-row VALUES or an array argument.
    this.insert = this.db.prepare<SqlValue[]>(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const putMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.appendTx = this.db.transaction((block: RowBlock) => {
      if (block.structures !== undefined) this.structures = block.structures;
      if (this.structures !== undefined && this.structures !== this.committedStructures) putMeta.run('structures', this.structures);
      const params = this.params;
      for (let r = 0; r < block.rows; r++) {
        params.length = 0;
        rowValues(block, r, params);
        this.insert.run(...params);
      }
      params.length = 0;
      putMeta.run('events', JSON.stringify(block.stats.events));
      putMeta.run('firstNs', JSON.stringify(block.stats.firstNs));
      putMeta.run('lastNs', JSON.stringify(block.stats.lastNs));
      putMeta.run('overview', block.overview);
      return block.rows;
    });
  }

  /** An encoder of rows for this file (its body structures and columns), for another thread to run. */
  rowEncoder(): RowEncoder {
    return rowEncoderFor(this.db);
  }

  /** Writes a block of encoded rows in one transaction; returns the number of rows written. */
  appendRows(block: RowBlock): number {
    const rows = this.appendTx(block);
    this.committedStructures = this.structures;
    this.committed = block.stats;
    return rows;
  }

  /** Encodes and writes the batches (an array, or a generator decoding them on demand) in one transaction. */
  append(batches: Iterable<EventBatch>): number {
    if (Array.isArray(batches) && batches.length === 0) return 0;
    this.sameThreadEncoder ??= this.rowEncoder();
    return this.appendRows(this.sameThreadEncoder.encode(batches));
  }

  setMeta(patch: Partial<CaptureMeta>): void {
    writeMetaRows(this.db, patch);
  }

  /** Counters of what is committed. */
  get stats(): CaptureStats {
    return { ...this.committed };
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
