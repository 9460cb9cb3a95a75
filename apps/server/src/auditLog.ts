import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AuditEntry } from '@podscope/protocol';

/**
 * The hub's audit log: one JSON line per entry in `<dataDir>/audit.jsonl`, appended in order (writes are
 * chained so lines never interleave). Unmasked payload views and user changes are written here.
 */
export class AuditLog {
  readonly file: string;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, 'audit.jsonl');
  }

  /** Appends an entry; resolves once it is on disk. A failed write rejects (the request that caused it fails). */
  record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const line = `${JSON.stringify({ at: this.now(), ...entry })}\n`;
    const write = this.tail.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await appendFile(this.file, line, { mode: 0o600 });
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  /** The newest `limit` entries (optionally of one action), newest first, and how many matched in all. */
  async list(opts: { limit: number; action?: string | undefined }): Promise<{ entries: AuditEntry[]; total: number }> {
    await this.tail;
    const kept: AuditEntry[] = [];
    let total = 0;
    let stream;
    try {
      stream = createReadStream(this.file, 'utf8');
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          continue; // a torn last line after a crash
        }
        const entry = AuditEntry.safeParse(raw);
        if (!entry.success || (opts.action !== undefined && entry.data.action !== opts.action)) continue;
        total++;
        kept.push(entry.data);
        if (kept.length >= 2 * opts.limit) kept.splice(0, kept.length - opts.limit);
      }
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return { entries: [], total: 0 };
      throw err;
    }
    return { entries: kept.slice(-opts.limit).reverse(), total };
  }
}
