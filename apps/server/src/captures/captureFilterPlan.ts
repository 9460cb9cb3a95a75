import { PodscopeError, commonFields, compileFilter, type CaptureMeta, type EventPredicate, type EventRecord, type FieldMeta, type FilterNode } from '@podscope/protocol';
import type { Db } from './captureDb.ts';
import { IN_BODY_SQL, fieldColumnMap, recordFromColumns } from './captureFieldColumns.ts';
import type { CaptureReader } from './captureStore.ts';

/**
 * How a capture query applies a filter: the clauses SQL can answer exactly go into the WHERE clause on
 * the indexed columns; whatever is left runs on the rows, on a record built from the columns alone when
 * the filter reads nothing else (no body to decode), else on the decoded event.
 */
export type SqlArg = string | number | null;

export interface FilterPlan {
  where: string;
  args: SqlArg[];
  /** Undefined when SQL answers the whole filter. */
  residual: EventPredicate | undefined;
  /** The residual reads only column fields, so rows need no decoding. */
  columnsOnly: boolean;
  /** A stable key for caching results of this plan. */
  key: string;
  /** Fields the filter reads. */
  fields: readonly string[];
  /** The WHERE clause calls the filter function on every row it looks at: worth computing once and memoizing. */
  perRowFunction?: boolean;
}

/** Fields whose column holds exactly the event's value (or NULL when the event lacks it). */
const exactColumns: Readonly<Record<string, { column: string; numeric: boolean }>> = {
  timestamp: { column: 'ts', numeric: true },
  'k8s.namespace': { column: 'ns', numeric: false },
  'k8s.podName': { column: 'pod', numeric: false },
  'k8s.containerName': { column: 'container', numeric: false },
  'proc.comm': { column: 'comm', numeric: false },
  'proc.pid': { column: 'pid', numeric: true },
};

export const columnOnlyFields: ReadonlySet<string> = new Set(Object.keys(exactColumns));

/** The fields a capture's filter and sort may use: the common fields plus those of its gadgets. */
export function captureFields(meta: CaptureMeta): FieldMeta[] {
  const byName = new Map<string, FieldMeta>(commonFields.map((f) => [f.name, f]));
  for (const g of meta.gadgets) for (const f of g.fields) if (!byName.has(f.name)) byName.set(f.name, f);
  return [...byName.values()];
}

const INT_RE = /^-?\d+$/;

function conjuncts(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? node.items.flatMap(conjuncts) : [node];
}

/** SQL for one conjunct when it is exactly equivalent, else undefined. */
function clauseSql(node: FilterNode): { sql: string; args: (string | number)[] } | undefined {
  if (node.kind === 'compare') {
    const col = exactColumns[node.field.name];
    if (col === undefined || node.op === '~' || node.op === '!~') return undefined;
    const text = node.value.text;
    if (col.numeric) {
      // Only plain integers: unit literals (e.g. 5ms) stay with the protocol's own parser.
      if (!INT_RE.test(text)) return undefined;
      const n = Number(text);
      // Timestamps exceed 2^53; they compare as the same double the protocol's parser yields.
      if (col.column !== 'ts' && !Number.isSafeInteger(n)) return undefined;
      if (node.op === '!=') return { sql: `(${col.column} IS NULL OR ${col.column} != ?)`, args: [n] };
      return { sql: `${col.column} ${node.op === '==' ? '=' : node.op} ?`, args: [n] };
    }
    // String order differs between SQLite (bytes) and JS (UTF-16 units): only (in)equality goes to SQL.
    if (node.op === '==') return { sql: `${col.column} = ?`, args: [text] };
    if (node.op === '!=') return { sql: `(${col.column} IS NULL OR ${col.column} != ?)`, args: [text] };
    return undefined;
  }
  if (node.kind === 'in') {
    const col = exactColumns[node.field.name];
    if (col === undefined || col.column === 'ts') return undefined;
    const values = node.values.map((v) => v.text);
    if (col.numeric && !values.every((v) => INT_RE.test(v) && Number.isSafeInteger(Number(v)))) return undefined;
    const args = col.numeric ? values.map(Number) : values;
    const marks = args.map(() => '?').join(', ');
    return node.negated
      ? { sql: `(${col.column} IS NULL OR ${col.column} NOT IN (${marks}))`, args }
      : { sql: `${col.column} IN (${marks})`, args };
  }
  return undefined;
}

/**
 * `range.scan` asks for the time range to be checked on the rows rather than searched in the ts index
 * (better when the range covers most of the capture and the query reads a covering index anyway).
 */
export function planFilter(text: string, fields: readonly FieldMeta[], range: { from?: number | undefined; to?: number | undefined; scan?: boolean }): FilterPlan {
  const compiled = compileFilter(text, fields);
  if (!compiled.ok) {
    const { position, message } = compiled.error;
    throw new PodscopeError('bad_param', `filter: ${message} (at position ${position + 1})`, { param: 'filter', ...compiled.error });
  }
  const where: string[] = [];
  const args: SqlArg[] = [];
  // Unary + keeps SQLite from using the ts index for the term.
  const ts = range.scan === true ? '+ts' : 'ts';
  if (range.from !== undefined) {
    where.push(`${ts} >= ?`);
    args.push(range.from);
  }
  if (range.to !== undefined) {
    where.push(`${ts} <= ?`);
    args.push(range.to);
  }
  const ast = compiled.filter.ast;
  let exact = true;
  for (const c of ast === null ? [] : conjuncts(ast)) {
    const sql = clauseSql(c);
    if (sql === undefined) {
      exact = false;
      continue;
    }
    where.push(sql.sql);
    args.push(...sql.args);
  }
  // Pushed clauses also stay in the residual (the full filter): they are cheap and it keeps one source of truth.
  const residual = exact ? undefined : compiled.filter.matches;
  const columnsOnly = compiled.filter.fields.every((f) => columnOnlyFields.has(f));
  return {
    where: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`,
    args,
    residual,
    columnsOnly,
    key: JSON.stringify([text, range.from ?? null, range.to ?? null]),
    fields: compiled.filter.fields,
  };
}

/** Low-cardinality text columns: a filter that reads only these can be decided per distinct value. */
const distinctColumns: Readonly<Record<string, string>> = {
  'k8s.namespace': 'ns',
  'k8s.podName': 'pod',
  'k8s.containerName': 'container',
  'proc.comm': 'comm',
};
const MAX_DISTINCT = 2_000;

/**
 * Turns a residual filter that reads only text columns (e.g. `proc.comm~^py`) into SQL: the filter is run
 * once per distinct value (tuple) of those columns, and the matching values become an IN list, so the
 * rows themselves never reach JavaScript. Plans it cannot help are returned unchanged.
 */
export function resolveByDistinctValues(db: Db, plan: FilterPlan): FilterPlan {
  const residual = plan.residual;
  if (residual === undefined || !plan.columnsOnly || plan.fields.length === 0 || plan.fields.length > 3) return plan;
  const cols = plan.fields.map((f) => distinctColumns[f]);
  if (cols.some((c) => c === undefined)) return plan;
  const tuples = db
    .prepare<SqlArg[], (string | null)[]>(`SELECT DISTINCT ${cols.join(', ')} FROM events ${plan.where} LIMIT ${MAX_DISTINCT + 1}`)
    .raw()
    .all(...plan.args);
  if (tuples.length > MAX_DISTINCT) return plan;
  const matching = tuples.filter((t) => {
    const e: EventRecord = {};
    plan.fields.forEach((f, i) => {
      const v = t[i];
      if (v !== null && v !== undefined) e[f] = v;
    });
    return residual(e);
  });
  const args = [...plan.args];
  let clause: string;
  if (cols.length === 1) {
    const col = cols[0] ?? 'comm';
    const values = matching.flatMap((t) => (t[0] === null || t[0] === undefined ? [] : [t[0]]));
    args.push(JSON.stringify(values));
    clause = `(${col} IN (SELECT value FROM json_each(?))${matching.some((t) => t[0] === null) ? ` OR ${col} IS NULL` : ''})`;
  } else if (matching.length === 0) {
    clause = '0';
  } else {
    clause = `(${matching.map(() => `(${cols.map((c) => `${c} IS ?`).join(' AND ')})`).join(' OR ')})`;
    for (const t of matching) args.push(...t.map((v) => v ?? null));
  }
  return { ...plan, where: plan.where === '' ? `WHERE ${clause}` : `${plan.where} AND ${clause}`, args, residual: undefined };
}

interface ColumnFilter {
  fields: readonly string[];
  matches: EventPredicate;
  reader: Pick<CaptureReader, 'decoder'>;
}

interface FilterFunctions {
  next: number;
  filters: Map<number, ColumnFilter>;
  columns: ReadonlyMap<string, string>;
}

/** Filters registered with a connection's SQL function (the oldest are dropped); plans run soon after they are made. */
const MAX_REGISTERED = 256;
const functionsByDb = new WeakMap<Db, FilterFunctions>();

function filterFunctions(reader: Pick<CaptureReader, 'db'>): FilterFunctions {
  const known = functionsByDb.get(reader.db);
  if (known !== undefined) return known;
  const fns: FilterFunctions = { next: 1, filters: new Map(), columns: fieldColumnMap(reader.db) };
  // podscope_filter(filterId, body-or-NULL, value…): the compiled filter on a record rebuilt from the row's
  // columns; the body is passed (and decoded) only for rows where a value did not fit its column.
  reader.db.function('podscope_filter', { varargs: true, directOnly: true }, (id: unknown, body: unknown, ...values: unknown[]) => {
    const f = fns.filters.get(Number(id));
    if (f === undefined) throw new Error(`filter ${String(id)} is no longer registered`);
    const e = recordFromColumns(f.fields, values) ?? (body instanceof Uint8Array ? f.reader.decoder.decode(body) : undefined);
    return e !== undefined && f.matches(e) ? 1 : 0;
  });
  functionsByDb.set(reader.db, fns);
  return fns;
}

/**
 * Moves a residual filter into SQL when every field it reads has a column in this capture (all fields do
 * since schema 2): the compiled filter runs in-process as an SQL function on the column values, so no
 * body is decoded and the rows never reach the query code. Plans it cannot help are returned unchanged.
 */
export function resolveByColumns(reader: Pick<CaptureReader, 'db' | 'decoder'>, plan: FilterPlan): FilterPlan {
  const residual = plan.residual;
  if (residual === undefined || plan.fields.length === 0) return plan;
  const fns = filterFunctions(reader);
  const cols = plan.fields.map((f) => fns.columns.get(f));
  if (cols.some((c) => c === undefined)) return plan;
  const id = fns.next++;
  fns.filters.set(id, { fields: plan.fields, matches: residual, reader });
  for (const old of fns.filters.keys()) {
    if (fns.filters.size <= MAX_REGISTERED) break;
    fns.filters.delete(old);
  }
  const generic = cols.filter((c): c is string => c !== undefined && c.startsWith('f'));
  const body = generic.length === 0 ? 'NULL' : `CASE WHEN ${generic.map((c) => `${c} = ${IN_BODY_SQL}`).join(' OR ')} THEN body END`;
  const clause = `podscope_filter(?, ${body}, ${cols.join(', ')})`;
  return { ...plan, where: plan.where === '' ? `WHERE ${clause}` : `${plan.where} AND ${clause}`, args: [...plan.args, id], residual: undefined, perRowFunction: true };
}

/** A plan with as much of its filter in SQL as this capture allows. */
export function resolvePlan(reader: Pick<CaptureReader, 'db' | 'decoder'>, plan: FilterPlan): FilterPlan {
  return resolveByColumns(reader, resolveByDistinctValues(reader.db, plan));
}
