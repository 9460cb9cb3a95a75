import type { EventRecord, FieldMeta } from '../fields.ts';
import type { FilterError } from './ast.ts';
import { nearestNames } from './suggest.ts';

export type ColumnsResult = { ok: true; columns: string[] } | { ok: false; error: FilterError };

/**
 * IG's `--fields`: `a,b,c` picks and orders columns; `+f` adds to the default set and `-f` hides from it.
 * Mixing plain names with +/- is refused, as in IG.
 */
export function resolveColumns(spec: string, fields: readonly FieldMeta[]): ColumnsResult {
  const known = fields.map((f) => f.name);
  const defaults = fields.filter((f) => f.defaultVisible).map((f) => f.name);
  const trimmed = spec.trim();
  if (trimmed === '') return { ok: true, columns: defaults };
  let pos = 0;
  const items = trimmed.split(',').map((raw) => {
    const item = { raw: raw.trim(), pos: spec.indexOf(raw, pos) };
    pos = item.pos + raw.length + 1;
    return item;
  });
  const relative = items.filter((i) => i.raw.startsWith('+') || i.raw.startsWith('-'));
  if (relative.length > 0 && relative.length !== items.length) {
    const first = items.find((i) => !(i.raw.startsWith('+') || i.raw.startsWith('-')))!;
    return { ok: false, error: { position: first.pos, length: Math.max(1, first.raw.length), message: 'mix of plain field names and +field/-field: use one form' } };
  }
  let columns = relative.length > 0 ? [...defaults] : [];
  for (const item of items) {
    const name = relative.length > 0 ? item.raw.slice(1) : item.raw;
    if (!known.includes(name)) {
      const suggestions = nearestNames(name, known);
      return { ok: false, error: { position: item.pos, length: Math.max(1, item.raw.length), message: `unknown field "${name}"`, suggestions } };
    }
    if (relative.length === 0 || item.raw.startsWith('+')) {
      if (!columns.includes(name)) columns.push(name);
    } else columns = columns.filter((c) => c !== name);
  }
  return { ok: true, columns };
}

export interface SortKey {
  field: string;
  descending: boolean;
}

export type SortResult = { ok: true; keys: SortKey[] } | { ok: false; error: FilterError };

/** IG's `--sort f,-g`: a leading `-` sorts descending. */
export function parseSortSpec(spec: string, fields: readonly FieldMeta[]): SortResult {
  const keys: SortKey[] = [];
  let pos = 0;
  for (const raw of spec.split(',')) {
    const at = pos;
    pos += raw.length + 1;
    const t = raw.trim();
    if (t === '') continue;
    const descending = t.startsWith('-');
    const field = descending || t.startsWith('+') ? t.slice(1) : t;
    if (!fields.some((f) => f.name === field)) {
      return { ok: false, error: { position: at, length: Math.max(1, raw.length), message: `unknown field "${field}"`, suggestions: nearestNames(field, fields.map((f) => f.name)) } };
    }
    keys.push({ field, descending });
  }
  return { ok: true, keys };
}

/** Compares two events by sort keys: numbers numerically, everything else as text, missing values last. */
export function compareBySortKeys(keys: readonly SortKey[]): (a: EventRecord, b: EventRecord) => number {
  return (a, b) => {
    for (const { field, descending } of keys) {
      const x = a[field];
      const y = b[field];
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  };
}
