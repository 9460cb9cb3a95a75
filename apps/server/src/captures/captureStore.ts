import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { PodscopeError, type CaptureMeta, type CaptureSummary } from '@podscope/protocol';
import { openCaptureDb, readCaptureMeta, readStats, scanStats, writeMetaRows, type CaptureStats, type Db } from './captureDb.ts';
import { EventBodyDecoder } from './eventBodyCodec.ts';

/** An open read connection on one capture; queries share it (and its decoder and caches). */
export interface CaptureReader {
  readonly id: string;
  readonly db: Db;
  readonly decoder: EventBodyDecoder;
  /** Per-reader memo (e.g. matched row ids of a filter); dropped whenever the capture changes. */
  readonly memo: Map<string, unknown>;
  memoStamp: number;
}

const ID_RE = /^[a-z0-9]{8,40}$/;
const MAX_OPEN_READERS = 16;

/**
 * The captures directory: one `<id>.sqlite` per capture. Lists, opens, renames and deletes captures,
 * and on start marks captures left `recording` by a crash as `interrupted`.
 */
export class CaptureStore {
  readonly dir: string;
  private readonly readers = new Map<string, CaptureReader>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'captures');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  newId(): string {
    return randomBytes(8).toString('hex');
  }

  file(id: string): string {
    if (!ID_RE.test(id)) throw new PodscopeError('not_found', `no capture with id ${id}`, { captureId: id });
    return path.join(this.dir, `${id}.sqlite`);
  }

  exists(id: string): boolean {
    try {
      return statSync(this.file(id)).isFile();
    } catch {
      return false;
    }
  }

  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.sqlite'))
      .map((f) => f.slice(0, -'.sqlite'.length))
      .filter((id) => ID_RE.test(id));
  }

  /** Bytes on disk, WAL included. */
  sizeBytes(id: string): number {
    const base = this.file(id);
    let n = 0;
    for (const f of [base, `${base}-wal`]) {
      try {
        n += statSync(f).size;
      } catch {
        // absent
      }
    }
    return n;
  }

  /** Marks captures a crash left `recording` as `interrupted`, ending at their last event. */
  recoverInterrupted(): string[] {
    const recovered: string[] = [];
    for (const id of this.ids()) {
      let db: Db | undefined;
      try {
        db = openCaptureDb(this.file(id));
        const meta = readCaptureMeta(db);
        if (meta.state !== 'recording') continue;
        const stats = scanStats(db);
        const endedAt = stats.lastNs === null ? meta.startedAt : Math.floor(stats.lastNs / 1e6);
        const w = db;
        w.transaction(() => writeMetaRows(w, { state: 'interrupted', endedAt, events: stats.events, firstNs: stats.firstNs, lastNs: stats.lastNs }))();
        w.pragma('wal_checkpoint(TRUNCATE)');
        recovered.push(id);
      } catch {
        // An unreadable file stays as it is; listing reports it.
      } finally {
        db?.close();
      }
    }
    return recovered;
  }

  reader(id: string): CaptureReader {
    const open = this.readers.get(id);
    if (open !== undefined) {
      // Most recently used last.
      this.readers.delete(id);
      this.readers.set(id, open);
      return open;
    }
    if (!this.exists(id)) throw new PodscopeError('not_found', `no capture with id ${id}`, { captureId: id });
    const db = openCaptureDb(this.file(id));
    const reader: CaptureReader = { id, db, decoder: new EventBodyDecoder(db), memo: new Map(), memoStamp: -1 };
    this.readers.set(id, reader);
    for (const [oldId, old] of this.readers) {
      if (this.readers.size <= MAX_OPEN_READERS) break;
      old.db.close();
      this.readers.delete(oldId);
    }
    return reader;
  }

  /** A connection of the caller's own (not cached); the caller closes `db`. */
  openReader(id: string): CaptureReader {
    if (!this.exists(id)) throw new PodscopeError('not_found', `no capture with id ${id}`, { captureId: id });
    const db = openCaptureDb(this.file(id));
    return { id, db, decoder: new EventBodyDecoder(db), memo: new Map(), memoStamp: -1 };
  }

  meta(id: string): CaptureMeta {
    return readCaptureMeta(this.reader(id).db);
  }

  stats(id: string): CaptureStats {
    return readStats(this.reader(id).db);
  }

  summary(id: string): CaptureSummary {
    const meta = this.meta(id);
    const stats = this.stats(id);
    return {
      id,
      name: meta.name,
      sizeBytes: this.sizeBytes(id),
      events: stats.events,
      firstNs: stats.firstNs,
      lastNs: stats.lastNs,
      gadgets: meta.gadgets.length > 0 ? meta.gadgets.map((g) => g.name) : [meta.request.gadget],
      nodes: meta.nodes,
      state: meta.state,
      source: meta.source,
      createdBy: meta.createdBy,
      createdAt: meta.createdAt,
      payload: meta.payload,
      losses: meta.losses,
    };
  }

  /** All readable captures, newest first; `search` matches name, id, gadget, node or creator. */
  list(search?: string): CaptureSummary[] {
    const needle = search?.trim().toLowerCase() ?? '';
    const out: CaptureSummary[] = [];
    for (const id of this.ids()) {
      let s: CaptureSummary;
      try {
        s = this.summary(id);
      } catch {
        continue;
      }
      const hay = [s.id, s.name, s.createdBy, ...s.gadgets, ...s.nodes].join('\n').toLowerCase();
      if (needle === '' || hay.includes(needle)) out.push(s);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  rename(id: string, name: string): void {
    const { db } = this.reader(id);
    db.transaction(() => writeMetaRows(db, { name }))();
  }

  /** Closes this store's connection to a capture (before deleting or replacing its file). */
  release(id: string): void {
    const r = this.readers.get(id);
    if (r === undefined) return;
    r.db.close();
    this.readers.delete(id);
  }

  delete(id: string): void {
    const base = this.file(id);
    if (!this.exists(id)) throw new PodscopeError('not_found', `no capture with id ${id}`, { captureId: id });
    this.release(id);
    for (const f of [base, `${base}-wal`, `${base}-shm`]) rmSync(f, { force: true });
  }

  close(): void {
    for (const id of [...this.readers.keys()]) this.release(id);
  }
}
