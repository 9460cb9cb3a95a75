import { commonFields, type CaptureMeta, type EventRecord, type EventValue, type FieldMeta, type FieldType } from '@podscope/protocol';
import { readMetaRows, type Db } from './captureDb.ts';

// Every field a capture's filter can name has a column holding the event's value, so a filter on any
// field (e.g. a regex on `args`) runs in SQL on the columns instead of decoding the msgpack bodies.
// The fixed columns of the events table hold theirs; the other fields get generic columns `f0`, `f1`, …
// listed in meta under `fieldColumns` (captures written before schema 2 have no such list).

/** Meta key of the field → column map. */
export const FIELD_COLUMNS_KEY = 'fieldColumns';

/** Fields the fixed columns hold exactly, in every capture. */
const fixedColumns: Readonly<Record<string, string>> = {
  timestamp: 'ts',
  'k8s.namespace': 'ns',
  'k8s.podName': 'pod',
  'k8s.containerName': 'container',
  'proc.comm': 'comm',
  'proc.pid': 'pid',
};
/** Since schema 2 the writer sets a missing `k8s.node` to the frame's node, so the `node` column is exact too. */
const fixedColumnsV2: Readonly<Record<string, string>> = { ...fixedColumns, 'k8s.node': 'node' };

/** Types whose values are numbers: their columns have INTEGER affinity (compact integers, reals kept as reals). */
const numericTypes: ReadonlySet<FieldType> = new Set<FieldType>(['integer', 'timestamp', 'duration']);

/** Strings longer than this (payloads) stay in the body only; the column holds the IN_BODY marker. */
const MAX_COLUMN_CHARS = 512;

// Column values that are not a plain string or number are one-byte blobs (no event value is a blob), and
// the empty blob means "read the body": the value did not fit (long string, string in a numeric column, NaN).
const FALSE = Buffer.from([0]);
const TRUE = Buffer.from([1]);
const NULL = Buffer.from([2]);
const IN_BODY = Buffer.alloc(0);
/** The marker blobs, in a fixed order, so a row block can carry them as small codes. */
export const COLUMN_MARKERS: readonly Buffer[] = [FALSE, TRUE, NULL, IN_BODY];
/** SQL literal of IN_BODY. */
export const IN_BODY_SQL = "x''";

export interface FieldColumn {
  field: string;
  column: string;
  numeric: boolean;
}

/** The generic columns a new capture gets: every field of its gadgets (and the common fields) without a fixed column. */
export function genericColumnsFor(meta: CaptureMeta): FieldColumn[] {
  const fields = new Map<string, FieldMeta>(commonFields.map((f) => [f.name, f]));
  for (const g of meta.gadgets) for (const f of g.fields) if (!fields.has(f.name)) fields.set(f.name, f);
  const out: FieldColumn[] = [];
  for (const f of fields.values()) {
    if (fixedColumnsV2[f.name] !== undefined) continue;
    out.push({ field: f.name, column: `f${out.length}`, numeric: numericTypes.has(f.type) });
  }
  return out;
}

/** Adds the generic columns to a fresh events table and records the map in meta (inside the caller's transaction). */
export function addGenericColumns(db: Db, columns: readonly FieldColumn[]): void {
  for (const c of columns) db.exec(`ALTER TABLE events ADD COLUMN ${c.column}${c.numeric ? ' INTEGER' : ''}`);
  const map: Record<string, string> = { ...fixedColumnsV2 };
  for (const c of columns) map[c.field] = c.column;
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    FIELD_COLUMNS_KEY,
    JSON.stringify({ columns: map, numeric: columns.filter((c) => c.numeric).map((c) => c.field) }),
  );
}

/** The generic columns of an existing file (empty for captures written before schema 2). */
export function storedGenericColumns(db: Db): FieldColumn[] {
  const stored = parseStored(readMetaRows(db).get(FIELD_COLUMNS_KEY));
  if (stored === undefined) return [];
  return Object.entries(stored.columns)
    .filter(([field]) => fixedColumnsV2[field] === undefined)
    .map(([field, column]) => ({ field, column, numeric: stored.numeric.has(field) }));
}

/** Field → column for every field that has an exact column in this file. */
export function fieldColumnMap(db: Db): ReadonlyMap<string, string> {
  const stored = parseStored(readMetaRows(db).get(FIELD_COLUMNS_KEY));
  return new Map(Object.entries(stored?.columns ?? fixedColumns));
}

const COLUMN_RE = /^(ts|node|ns|pod|container|comm|pid|f\d{1,4})$/;

function parseStored(v: unknown): { columns: Record<string, string>; numeric: Set<string> } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { columns, numeric } = v as { columns?: unknown; numeric?: unknown };
  if (typeof columns !== 'object' || columns === null) return undefined;
  // Column names end up in SQL text: only the names this module creates are accepted.
  const entries = Object.entries(columns).filter((e): e is [string, string] => typeof e[1] === 'string' && COLUMN_RE.test(e[1]));
  return { columns: Object.fromEntries(entries), numeric: new Set(Array.isArray(numeric) ? numeric.filter((n): n is string => typeof n === 'string') : []) };
}

/** What a generic column stores for a value (undefined → NULL: the event lacks the field). */
export function columnValue(v: EventValue | undefined, numeric: boolean): string | number | Buffer | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return numeric || v.length > MAX_COLUMN_CHARS ? IN_BODY : v;
  if (typeof v === 'number') return Number.isNaN(v) ? IN_BODY : v;
  if (typeof v === 'boolean') return v ? TRUE : FALSE;
  return v === null ? NULL : IN_BODY;
}

/**
 * Rebuilds the record of the given fields from their column values; returns undefined when one of them
 * is only in the body (the caller then decodes the body).
 */
export function recordFromColumns(fields: readonly string[], values: readonly unknown[]): EventRecord | undefined {
  const e: EventRecord = {};
  for (let i = 0; i < fields.length; i++) {
    const v = values[i];
    const f = fields[i] ?? '';
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number') e[f] = v;
    else if (v instanceof Uint8Array) {
      if (v.length === 0) return undefined;
      e[f] = v[0] === 1 ? true : v[0] === 0 ? false : null;
    } else if (typeof v === 'bigint') e[f] = Number(v);
  }
  return e;
}
