import Database from 'better-sqlite3';
import { CaptureMeta, PodscopeError, formatZodError, type EventRecord } from '@podscope/protocol';

export type Db = Database.Database;

/** Version of the table layout below; stored in `meta` so a future hub can migrate or refuse. */
export const CAPTURE_SCHEMA_VERSION = 2;

// One self-contained file per capture. `events` keeps the columns the queries index or push down to SQL;
// the full record is the msgpack `body` (shared record structures live in meta under `structures`).
// Since schema 2 every other field of the capture's gadgets has a generic column too (captureFieldColumns.ts).
const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  node TEXT NOT NULL,
  gadget TEXT NOT NULL,
  ns TEXT,
  pod TEXT,
  container TEXT,
  comm TEXT,
  pid INTEGER,
  error TEXT,
  body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_pod_ts ON events (pod, ts);
`;

/** Event fields that have their own column, and the column's name. */
export const columnOfField: Readonly<Record<string, string>> = {
  timestamp: 'ts',
  'k8s.node': 'node',
  'k8s.namespace': 'ns',
  'k8s.podName': 'pod',
  'k8s.containerName': 'container',
  'proc.comm': 'comm',
  'proc.pid': 'pid',
};

export interface EventColumns {
  ts: number;
  node: string;
  gadget: string;
  ns: string | null;
  pod: string | null;
  container: string | null;
  comm: string | null;
  pid: number | null;
  /** The event's non-empty `error` (errno name), for the overview's error tile. */
  error: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function columnsOf(event: EventRecord, node: string, gadget: string): EventColumns {
  const ts = event.timestamp;
  const pid = event['proc.pid'];
  const error = event.error;
  return {
    ts: typeof ts === 'number' && Number.isFinite(ts) ? Math.trunc(ts) : 0,
    node: str(event['k8s.node']) ?? node,
    gadget,
    ns: str(event['k8s.namespace']),
    pod: str(event['k8s.podName']),
    container: str(event['k8s.containerName']),
    comm: str(event['proc.comm']),
    pid: typeof pid === 'number' && Number.isSafeInteger(pid) ? pid : null,
    error: typeof error === 'string' && error !== '' ? error : null,
  };
}

export function openCaptureDb(file: string, opts: { create?: boolean; readonly?: boolean } = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !(opts.create ?? false) });
  } catch (err) {
    throw new PodscopeError('not_found', `capture file ${file} cannot be opened: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    if (!(opts.readonly ?? false)) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode loses nothing on a process crash (only on power loss), and keeps commits cheap.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    if (opts.create ?? false) db.exec(DDL);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Reads the `meta` table as JSON values by key. */
export function readMetaRows(db: Db): Map<string, unknown> {
  const rows = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta').all();
  const out = new Map<string, unknown>();
  for (const r of rows) {
    try {
      out.set(r.key, JSON.parse(r.value) as unknown);
    } catch {
      throw new PodscopeError('bad_request', `capture meta "${r.key}" is not valid JSON`);
    }
  }
  return out;
}

export function writeMetaRows(db: Db, values: Readonly<Record<string, unknown>>): void {
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  for (const [key, value] of Object.entries(values)) if (value !== undefined) put.run(key, JSON.stringify(value));
}

const metaKeys = Object.keys(CaptureMeta.shape);

export function readCaptureMeta(db: Db): CaptureMeta {
  const rows = readMetaRows(db);
  const raw = Object.fromEntries(metaKeys.filter((k) => rows.has(k)).map((k) => [k, rows.get(k)]));
  const parsed = CaptureMeta.safeParse(raw);
  if (!parsed.success) throw new PodscopeError('bad_request', `not a podscope capture (meta: ${formatZodError(parsed.error)})`);
  return parsed.data;
}

export interface CaptureStats {
  events: number;
  firstNs: number | null;
  lastNs: number | null;
}

/** Counts and time range straight from the events table (used after a crash, and for imports). */
export function scanStats(db: Db): CaptureStats {
  const r = db.prepare<[], { n: number; lo: number | null; hi: number | null }>('SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events').get();
  return { events: r?.n ?? 0, firstNs: r?.lo ?? null, lastNs: r?.hi ?? null };
}

export function readStats(db: Db): CaptureStats {
  const rows = readMetaRows(db);
  const num = (k: string): number | null => {
    const v = rows.get(k);
    return typeof v === 'number' ? v : null;
  };
  const events = num('events');
  return events === null ? scanStats(db) : { events, firstNs: num('firstNs'), lastNs: num('lastNs') };
}
