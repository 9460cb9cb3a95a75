/**
 * Column-wise binary encoding of an event batch, carried inside a MessagePack frame as one `bin`.
 *
 * A batch of one gadget's events repeats the same keys and mostly the same strings (comm, pod, flags,
 * file names). Storing each key once per batch, numbers in typed arrays and strings in a per-column
 * dictionary costs a fraction of per-object MessagePack on every hop (agent encode, hub decode and
 * re-encode, browser decode), and frames shrink too.
 *
 * Layout (little-endian):
 *   u8 version(=1) · u32 eventCount · u16 shapeCount · shapeIds (u8 when ≤ 255 shapes, else u16) × eventCount
 *   per shape: u16 keyCount · keys (str) · per key one column for that shape's rows:
 *     u8 kind · payload, kind ∈ f64 (8 B each), i32 (4 B), bool (1 B), null (nothing),
 *     dict (u32 size · str × size · index u8/u16/u32 per row), str (str per row, for mostly distinct values),
 *     mixed (per row: u8 tag + value).
 *   str = u32 byteLength · UTF-8 bytes.
 * Decoding checks every length against the buffer and throws EventColumnsError on any inconsistency.
 */
import type { EventRecord, EventValue } from './fields.ts';

export const EVENT_COLUMNS_VERSION = 1;

const Kind = { F64: 1, I32: 2, Bool: 3, Null: 4, Dict: 5, Mixed: 6, Str: 7 } as const;
const Tag = { Null: 0, False: 1, True: 2, Num: 3, Str: 4 } as const;

export class EventColumnsError extends Error {}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  str(s: string): void {
    // ASCII (the common case) is written without the encoder; anything else goes through encodeInto.
    const n = s.length;
    this.ensure(4 + n * 3);
    const start = this.pos + 4;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      this.buf[start + i] = c;
    }
    let len = i;
    if (i < n) len = i + utf8Encoder.encodeInto(s.slice(i), this.buf.subarray(start + i)).written;
    this.view.setUint32(this.pos, len, true);
    this.pos = start + len;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

interface Shape {
  readonly keys: string[];
  /** Column-major values of this shape's rows. */
  readonly cols: EventValue[][];
  /** Appends one event's values to cols. */
  readonly push: (e: EventRecord, cols: EventValue[][]) => void;
}

type Pusher = (e: EventRecord, cols: EventValue[][]) => void;
type Builder = (cols: EventValue[][], row: number) => EventRecord;

/*
 * Per-shape accessors compiled once per key list: constant property names keep V8's inline caches
 * monomorphic, where a loop over `e[key]` goes through the generic keyed path for every value (3-5×
 * slower). Key names enter the source only as JSON string literals. Without eval (a strict CSP) the
 * generic loops are used.
 */
const compiled = new Map<string, { push: Pusher; build: Builder }>();
let evalAllowed = true;

function accessors(keys: readonly string[], id: string): { push: Pusher; build: Builder } {
  let a = compiled.get(id);
  if (a !== undefined) return a;
  const genericPush: Pusher = (e, cols) => {
    for (let c = 0; c < keys.length; c++) (cols[c] as EventValue[]).push(e[keys[c] as string] as EventValue);
  };
  const genericBuild: Builder = (cols, row) => {
    const e: EventRecord = {};
    for (let c = 0; c < keys.length; c++) e[keys[c] as string] = (cols[c] as EventValue[])[row] as EventValue;
    return e;
  };
  a = { push: genericPush, build: genericBuild };
  if (evalAllowed) {
    try {
      const q = keys.map((k) => JSON.stringify(k));
      /* eslint-disable @typescript-eslint/no-implied-eval */
      const push = new Function('e', 'c', q.map((k, i) => `c[${i}].push(e[${k}]);`).join('\n')) as Pusher;
      const build = new Function('c', 'r', `return {${q.map((k, i) => `${k}: c[${i}][r]`).join(', ')}};`) as Builder;
      /* eslint-enable @typescript-eslint/no-implied-eval */
      a = { push, build };
    } catch {
      evalAllowed = false;
    }
  }
  // Bounded: a hostile peer sending endless new shapes must not grow this forever.
  if (compiled.size >= 1024) compiled.clear();
  compiled.set(id, a);
  return a;
}

function shapeOf(e: EventRecord, shapes: Shape[], byKey: Map<string, number>, last: number): number {
  // Consecutive events almost always share their key order: compare against the previous shape first.
  if (last >= 0) {
    const keys = (shapes[last] as Shape).keys;
    let i = 0;
    let same = true;
    for (const k in e) {
      if (keys[i] !== k) {
        same = false;
        break;
      }
      i++;
    }
    if (same && i === keys.length) return last;
  }
  const keys = Object.keys(e);
  const id = keys.join('\u0000');
  let s = byKey.get(id);
  if (s === undefined) {
    s = shapes.length;
    if (s > 0xffff) throw new EventColumnsError('more than 65535 event shapes in one batch');
    shapes.push({ keys, cols: keys.map(() => []), push: accessors(keys, id).push });
    byKey.set(id, s);
  }
  return s;
}

function classify(values: readonly EventValue[]): number {
  const n = values.length;
  const first = values[0];
  if (typeof first === 'string') {
    for (let i = 1; i < n; i++) if (typeof values[i] !== 'string') return Kind.Mixed;
    return Kind.Dict;
  }
  if (typeof first === 'number') {
    let ints = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number') return Kind.Mixed;
      if (ints && ((v | 0) !== v || (v === 0 && 1 / v < 0))) ints = false;
    }
    return ints ? Kind.I32 : Kind.F64;
  }
  if (typeof first === 'boolean') {
    for (let i = 1; i < n; i++) if (typeof values[i] !== 'boolean') return Kind.Mixed;
    return Kind.Bool;
  }
  for (let i = 1; i < n; i++) if (values[i] !== null) return Kind.Mixed;
  return Kind.Null;
}

function writeNumbers(w: Writer, values: readonly EventValue[], kind: number): void {
  const n = values.length;
  const width = kind === Kind.I32 ? 4 : 8;
  w.ensure(width * n);
  const view = w.view;
  let pos = w.pos;
  if (kind === Kind.I32) for (let i = 0; i < n; i++, pos += 4) view.setInt32(pos, values[i] as number, true);
  else for (let i = 0; i < n; i++, pos += 8) view.setFloat64(pos, values[i] as number, true);
  w.pos = pos;
}

function writeDict(w: Writer, values: readonly EventValue[]): void {
  const n = values.length;
  const dict = new Map<string, number>();
  const idx = new Uint32Array(n);
  const order: string[] = [];
  let prev: string | undefined;
  let prevIdx = 0;
  for (let i = 0; i < n; i++) {
    const s = values[i] as string;
    // Runs of one value (a pod, a comm) skip the hash lookup.
    if (s === prev) {
      idx[i] = prevIdx;
      continue;
    }
    let d = dict.get(s);
    if (d === undefined) {
      d = order.length;
      // Mostly distinct values (payloads, argument lists): a dictionary only adds hashing. Written as they are.
      if (d >= 64 && d > i >>> 1) {
        w.buf[w.pos - 1] = Kind.Str;
        for (const v of values) w.str(v as string);
        return;
      }
      dict.set(s, d);
      order.push(s);
    }
    idx[i] = d;
    prev = s;
    prevIdx = d;
  }
  w.u32(order.length);
  for (const s of order) w.str(s);
  const width = order.length <= 0x100 ? 1 : order.length <= 0x10000 ? 2 : 4;
  w.ensure(width * n);
  const { buf, view } = w;
  let pos = w.pos;
  if (width === 1) for (let i = 0; i < n; i++) buf[pos++] = idx[i] as number;
  else if (width === 2) for (let i = 0; i < n; i++, pos += 2) view.setUint16(pos, idx[i] as number, true);
  else for (let i = 0; i < n; i++, pos += 4) view.setUint32(pos, idx[i] as number, true);
  w.pos = pos;
}

function writeMixed(w: Writer, values: readonly EventValue[]): void {
  for (const v of values) {
    if (v === null || v === undefined) w.u8(Tag.Null);
    else if (typeof v === 'boolean') w.u8(v ? Tag.True : Tag.False);
    else if (typeof v === 'number') {
      w.u8(Tag.Num);
      w.ensure(8);
      w.view.setFloat64(w.pos, v, true);
      w.pos += 8;
    } else {
      w.u8(Tag.Str);
      w.str(v);
    }
  }
}

function writeColumn(w: Writer, values: readonly EventValue[]): void {
  const kind = classify(values);
  w.u8(kind);
  if (kind === Kind.I32 || kind === Kind.F64) writeNumbers(w, values, kind);
  else if (kind === Kind.Dict) writeDict(w, values);
  else if (kind === Kind.Bool) {
    w.ensure(values.length);
    for (const v of values) w.buf[w.pos++] = v === true ? 1 : 0;
  } else if (kind === Kind.Mixed) writeMixed(w, values);
}

/** Encodes a batch; values must be strings, numbers, booleans or null (EventRecord). */
export function encodeEventColumns(events: readonly EventRecord[]): Uint8Array {
  return encodeEventColumnsScratch(events).slice();
}

/** One growing buffer for every encode: a batch's columns are copied into the frame at once (encodeFrame). */
let scratch = new Writer(64 * 1024);

/**
 * Encodes into a shared buffer: the result is only valid until the next call. encodeFrame copies it into
 * the frame straight away; holding on to it is a bug (use encodeEventColumns).
 */
export function encodeEventColumnsScratch(events: readonly EventRecord[]): Uint8Array {
  const shapes: Shape[] = [];
  const byKey = new Map<string, number>();
  const shapeIds = new Uint16Array(events.length);
  let last = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as EventRecord;
    const s = shapeOf(e, shapes, byKey, last);
    last = s;
    shapeIds[i] = s;
    const shape = shapes[s] as Shape;
    shape.push(e, shape.cols);
  }
  const w = scratch;
  w.pos = 0;
  // A rare huge batch must not pin a huge buffer for the life of the process.
  if (w.buf.length > 8 * 1024 * 1024) scratch = new Writer(64 * 1024);
  w.u8(EVENT_COLUMNS_VERSION);
  w.u32(events.length);
  w.u16(shapes.length);
  const wide = shapes.length > 0xff;
  w.ensure(events.length * (wide ? 2 : 1));
  if (wide) for (let i = 0; i < events.length; i++, w.pos += 2) w.view.setUint16(w.pos, shapeIds[i] as number, true);
  else for (let i = 0; i < events.length; i++) w.buf[w.pos++] = shapeIds[i] as number;
  for (const shape of shapes) {
    w.u16(shape.keys.length);
    for (const k of shape.keys) w.str(k);
    for (const col of shape.cols) writeColumn(w, col);
  }
  return w.bytes();
}

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new EventColumnsError(`event columns truncated at byte ${this.pos} (${what})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++] as number;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** Checks a string's length and moves past it (what str() accepts, without building the string). */
  skipStr(what: string): void {
    const len = this.u32(what);
    this.need(len, what);
    this.pos += len;
  }
  str(what: string): string {
    const len = this.u32(what);
    this.need(len, what);
    const start = this.pos;
    this.pos += len;
    if (len < 48) {
      let s = '';
      for (let i = start; i < start + len; i++) {
        const c = this.buf[i] as number;
        if (c > 0x7f) return utf8Decoder.decode(this.buf.subarray(start, start + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8Decoder.decode(this.buf.subarray(start, start + len));
  }
}

/**
 * Reads (keep) or only checks (!keep: every length, index and tag, no values built) one column. Both accept and
 * refuse exactly the same bytes: the values are read the same way, only not stored.
 */
function readColumn(r: Reader, rows: number, key: string, keep: boolean): EventValue[] {
  const kind = r.u8(`kind of ${key}`);
  const out = keep ? new Array<EventValue>(rows) : noValues;
  switch (kind) {
    case Kind.F64:
      r.need(8 * rows, key);
      if (!keep) r.pos += 8 * rows;
      else for (let i = 0; i < rows; i++, r.pos += 8) out[i] = r.view.getFloat64(r.pos, true);
      return out;
    case Kind.I32:
      r.need(4 * rows, key);
      if (!keep) r.pos += 4 * rows;
      else for (let i = 0; i < rows; i++, r.pos += 4) out[i] = r.view.getInt32(r.pos, true);
      return out;
    case Kind.Bool:
      r.need(rows, key);
      if (!keep) r.pos += rows;
      else for (let i = 0; i < rows; i++) out[i] = r.buf[r.pos++] === 1;
      return out;
    case Kind.Null:
      return keep ? out.fill(null) : out;
    case Kind.Dict: {
      const size = r.u32(`dictionary of ${key}`);
      // Every entry takes at least its 4-byte length: a size the buffer cannot hold is refused before allocating.
      r.need(4 * size, `dictionary of ${key}`);
      const dict: string[] = [];
      for (let d = 0; d < size; d++) {
        if (keep) dict.push(r.str(`dictionary of ${key}`));
        else r.skipStr(`dictionary of ${key}`);
      }
      const width = size <= 0x100 ? 1 : size <= 0x10000 ? 2 : 4;
      r.need(width * rows, key);
      for (let i = 0; i < rows; i++) {
        const d = width === 1 ? (r.buf[r.pos] as number) : width === 2 ? r.view.getUint16(r.pos, true) : r.view.getUint32(r.pos, true);
        r.pos += width;
        if (d >= size) throw new EventColumnsError(`event columns: ${key} refers to dictionary entry ${d} of ${size}`);
        if (keep) out[i] = dict[d] as string;
      }
      return out;
    }
    case Kind.Str:
      // Every value takes at least its 4-byte length.
      r.need(4 * rows, key);
      for (let i = 0; i < rows; i++) {
        if (keep) out[i] = r.str(key);
        else r.skipStr(key);
      }
      return out;
    case Kind.Mixed:
      for (let i = 0; i < rows; i++) {
        const tag = r.u8(key);
        if (tag === Tag.Null) {
          if (keep) out[i] = null;
        } else if (tag === Tag.False || tag === Tag.True) {
          if (keep) out[i] = tag === Tag.True;
        } else if (tag === Tag.Num) {
          r.need(8, key);
          if (keep) out[i] = r.view.getFloat64(r.pos, true);
          r.pos += 8;
        } else if (tag === Tag.Str) {
          if (keep) out[i] = r.str(key);
          else r.skipStr(key);
        } else throw new EventColumnsError(`event columns: unknown value tag ${tag} in ${key}`);
      }
      return out;
    default:
      throw new EventColumnsError(`event columns: unknown column kind ${kind} for ${key}`);
  }
}

/** What a check-only readColumn returns: nothing is stored. */
const noValues: EventValue[] = [];

/** The encoded bytes each decoded batch came from (see eventColumnsOf). */
const sourceBytes = new WeakMap<readonly EventRecord[], Uint8Array>();

/**
 * The bytes a batch was decoded from, so a relay (the hub) can forward them without encoding the same
 * events again. Only valid while neither the array nor its events have been modified since decoding.
 */
export function eventColumnsOf(events: readonly EventRecord[]): Uint8Array | undefined {
  return sourceBytes.get(events);
}

/** Batches built by decodeEventColumns: plain objects of primitives by construction, nothing to re-check. */
export function isDecodedEventBatch(value: unknown): boolean {
  return Array.isArray(value) && sourceBytes.has(value);
}

interface ReadBatch {
  count: number;
  shapeIds: Uint16Array;
  shapes: { keys: string[]; cols: EventValue[][] }[];
}

/** Reads a batch's structure, and its values when `keep`; throws EventColumnsError on malformed input. */
function readBatch(bytes: Uint8Array, keep: boolean): ReadBatch {
  const r = new Reader(bytes);
  const version = r.u8('version');
  if (version !== EVENT_COLUMNS_VERSION) throw new EventColumnsError(`event columns version ${version} is not ${EVENT_COLUMNS_VERSION}`);
  const count = r.u32('event count');
  const shapeCount = r.u16('shape count');
  const wide = shapeCount > 0xff;
  r.need(count * (wide ? 2 : 1), 'shape ids');
  const shapeIds = new Uint16Array(count);
  const rowsOf = new Uint32Array(shapeCount);
  for (let i = 0; i < count; i++) {
    const s = wide ? r.view.getUint16(r.pos + 2 * i, true) : (r.buf[r.pos + i] as number);
    if (s >= shapeCount) throw new EventColumnsError(`event columns: event ${i} has shape ${s} of ${shapeCount}`);
    shapeIds[i] = s;
    rowsOf[s] = (rowsOf[s] as number) + 1;
  }
  r.pos += count * (wide ? 2 : 1);
  const shapes: { keys: string[]; cols: EventValue[][] }[] = [];
  for (let s = 0; s < shapeCount; s++) {
    const keyCount = r.u16('key count');
    const keys: string[] = [];
    for (let k = 0; k < keyCount; k++) keys.push(r.str('key'));
    if (keys.includes('__proto__')) throw new EventColumnsError('event columns: __proto__ is not a field name');
    if (new Set(keys).size !== keys.length) throw new EventColumnsError('event columns: a shape repeats a key');
    const rows = rowsOf[s] as number;
    shapes.push({ keys, cols: keys.map((k) => readColumn(r, rows, k, keep)) });
  }
  if (r.pos !== bytes.length) throw new EventColumnsError(`event columns: ${bytes.length - r.pos} trailing bytes`);
  return { count, shapeIds, shapes };
}

/**
 * Checks an encoded batch exactly as decodeEventColumns would (every length, index, tag and key) without
 * building its events, and returns how many it holds: for a relay that forwards the bytes (the hub).
 */
export function checkEventColumns(bytes: Uint8Array): number {
  return readBatch(bytes, false).count;
}

/** Decodes what encodeEventColumns wrote; throws EventColumnsError on malformed input. */
export function decodeEventColumns(bytes: Uint8Array): EventRecord[] {
  const { count, shapeIds, shapes } = readBatch(bytes, true);
  const builders = shapes.map((shape) => accessors(shape.keys, shape.keys.join('\u0000')).build);
  const cursor = new Uint32Array(shapes.length);
  const events = new Array<EventRecord>(count);
  for (let i = 0; i < count; i++) {
    const s = shapeIds[i] as number;
    const row = cursor[s] as number;
    cursor[s] = row + 1;
    events[i] = (builders[s] as Builder)((shapes[s] as { cols: EventValue[][] }).cols, row);
  }
  sourceBytes.set(events, bytes);
  return events;
}
