import type { EventRecord } from '@podscope/protocol';
import { columnsOf, type CaptureStats } from './captureDb.ts';
import { COLUMN_MARKERS, columnValue, type FieldColumn } from './captureFieldColumns.ts';
import type { OverviewCounter } from './captureOverview.ts';
import { EventBodyEncoder } from './eventBodyCodec.ts';

export interface EventBatch {
  node: string;
  gadget: string;
  events: readonly EventRecord[];
}

/** The events table's fixed columns, in insert order; the generic field columns follow. */
export const FIXED_COLUMNS = ['ts', 'node', 'gadget', 'ns', 'pod', 'container', 'comm', 'pid', 'error', 'body'] as const;

/**
 * Rows ready for SQLite, every value of every row in column order, packed so a batch crosses threads as a
 * few transferred buffers (no per-value cloning): `kinds[i]` says what value slot `i` holds and `nums[i]`
 * carries it (the number, an index into `strings`, or the row's body in `bodies`).
 */
export interface RowBlock {
  rows: number;
  width: number;
  kinds: Uint8Array;
  nums: Float64Array;
  strings: string[];
  bodies: Uint8Array;
  /** End offset of each row's body in `bodies`. */
  bodyEnds: Uint32Array;
  /** Body structures (JSON for meta) to commit with these rows, when encoding added some. */
  structures: string | undefined;
  /** The capture's counters and overview (JSON for meta) once these rows are in, committed with them. */
  stats: CaptureStats;
  overview: string;
}

const LONG_STRING = 24;

/** What a value slot holds; `Kind.Marker + i` is COLUMN_MARKERS[i]. */
const Kind = { Null: 0, Number: 1, String: 2, Body: 3, Marker: 4 } as const;

export type SqlValue = string | number | Uint8Array | null;

/**
 * Turns events into row blocks: the SQL column values and the msgpack body of each event. Runs on the
 * writer's decoding thread, so the thread that talks to SQLite only binds values.
 */
export class RowEncoder {
  readonly width: number;
  private readonly body: EventBodyEncoder;
  private structures: string | undefined;
  private kinds = new Uint8Array(0);
  private nums = new Float64Array(0);
  private bodies = new Uint8Array(0);
  private bodyEnds = new Uint32Array(0);

  /**
   * `fillNode`: set a missing `k8s.node` from the frame's node (files with field columns promise an exact node).
   * `stats` and `overview` are the file's so far; the encoder keeps them counting, so the inserting thread only binds values.
   */
  constructor(
    structures: unknown[][],
    private readonly generic: readonly FieldColumn[],
    private readonly fillNode: boolean,
    private readonly stats: CaptureStats,
    private readonly overview: OverviewCounter,
  ) {
    this.width = FIXED_COLUMNS.length + generic.length;
    this.body = new EventBodyEncoder(structures, (json) => (this.structures = json));
  }

  encode(batches: Iterable<EventBatch>): RowBlock {
    const strings: string[] = [];
    const stringIds = new Map<string, number>();
    const width = this.width;
    // Most columns repeat the previous row's string (node, namespace, container…): checked before the map.
    const lastString: (string | undefined)[] = new Array<string | undefined>(width).fill(undefined);
    const lastId = new Float64Array(width);
    let rows = 0;
    let slot = 0;
    let rowStart = 0;
    let bodyEnd = 0;
    const put = (v: string | number | Buffer | null): void => {
      if (v === null) this.kinds[slot] = Kind.Null;
      else if (typeof v === 'number') {
        this.kinds[slot] = Kind.Number;
        this.nums[slot] = v;
      } else if (typeof v === 'string') {
        const col = slot - rowStart;
        let id: number | undefined;
        if (lastString[col] === v) id = lastId[col] ?? 0;
        else {
          // Long strings (arguments, paths) rarely repeat: not worth hashing for the map.
          id = v.length > LONG_STRING ? undefined : stringIds.get(v);
          if (id === undefined) {
            id = strings.length;
            strings.push(v);
            if (v.length <= LONG_STRING) stringIds.set(v, id);
          }
          lastString[col] = v;
          lastId[col] = id;
        }
        this.kinds[slot] = Kind.String;
        this.nums[slot] = id;
      } else this.kinds[slot] = Kind.Marker + COLUMN_MARKERS.indexOf(v);
      slot++;
    };
    for (const b of batches) {
      for (const event of b.events) {
        this.reserve(rows + 1, width);
        rowStart = slot;
        if (this.fillNode && typeof event['k8s.node'] !== 'string') event['k8s.node'] = b.node;
        const c = columnsOf(event, b.node, b.gadget);
        this.overview.add(c);
        if (this.stats.firstNs === null || c.ts < this.stats.firstNs) this.stats.firstNs = c.ts;
        if (this.stats.lastNs === null || c.ts > this.stats.lastNs) this.stats.lastNs = c.ts;
        put(c.ts);
        put(c.node);
        put(c.gadget);
        put(c.ns);
        put(c.pod);
        put(c.container);
        put(c.comm);
        put(c.pid);
        put(c.error);
        const packed = this.body.encode(event);
        if (bodyEnd + packed.length > this.bodies.length) this.bodies = grow(this.bodies, bodyEnd + packed.length);
        this.bodies.set(packed, bodyEnd);
        bodyEnd += packed.length;
        this.bodyEnds[rows] = bodyEnd;
        this.kinds[slot++] = Kind.Body;
        for (const g of this.generic) put(columnValue(event[g.field], g.numeric));
        rows++;
      }
    }
    this.stats.events += rows;
    const block: RowBlock = {
      rows,
      width,
      kinds: this.kinds.slice(0, rows * width),
      nums: this.nums.slice(0, rows * width),
      strings,
      bodies: this.bodies.slice(0, bodyEnd),
      bodyEnds: this.bodyEnds.slice(0, rows),
      structures: this.structures,
      stats: { ...this.stats },
      overview: JSON.stringify(this.overview.toJSON()),
    };
    this.structures = undefined;
    return block;
  }

  private reserve(rows: number, width: number): void {
    if (rows * width > this.kinds.length) {
      this.kinds = grow(this.kinds, rows * width);
      this.nums = grow(this.nums, rows * width);
    }
    if (rows > this.bodyEnds.length) this.bodyEnds = grow(this.bodyEnds, rows);
  }
}

function grow<T extends Uint8Array | Float64Array | Uint32Array>(a: T, need: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 1024));
  next.set(a);
  return next;
}

/** The buffers a block is posted with (moved, not copied). */
export const blockTransfer = (b: RowBlock): ArrayBuffer[] => [b.kinds.buffer, b.nums.buffer, b.bodies.buffer, b.bodyEnds.buffer] as ArrayBuffer[];

/** Appends row `r` of a block to `out` as SQL values. */
export function rowValues(b: RowBlock, r: number, out: SqlValue[]): void {
  const base = r * b.width;
  const bodyStart = r === 0 ? 0 : (b.bodyEnds[r - 1] ?? 0);
  for (let i = 0; i < b.width; i++) {
    const kind = b.kinds[base + i] ?? Kind.Null;
    const n = b.nums[base + i] ?? 0;
    if (kind === Kind.Number) out.push(n);
    else if (kind === Kind.String) out.push(b.strings[n] ?? null);
    else if (kind === Kind.Body) out.push(b.bodies.subarray(bodyStart, b.bodyEnds[r] ?? bodyStart));
    else if (kind >= Kind.Marker) out.push(COLUMN_MARKERS[kind - Kind.Marker] ?? null);
    else out.push(null);
  }
}
