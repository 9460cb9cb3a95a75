import { compareBySortKeys, parseSortSpec, type EventRecord, type FieldMeta, type SortKey } from '@podscope/protocol';

/** Sort keys from a `--sort` spec; an invalid spec sorts nothing (the form shows the error). */
export function sortKeysOf(spec: string | undefined, fields: readonly FieldMeta[]): SortKey[] {
  if (spec === undefined || spec.trim() === '') return [];
  const r = parseSortSpec(spec, fields);
  return r.ok ? r.keys : [];
}

/** One interval's rows, sorted and cut to max-entries, as the top view shows them. */
export function topRows(rows: readonly EventRecord[], keys: readonly SortKey[], maxEntries: number | undefined): EventRecord[] {
  const sorted = keys.length === 0 ? [...rows] : [...rows].sort(compareBySortKeys(keys));
  return maxEntries !== undefined && maxEntries > 0 ? sorted.slice(0, maxEntries) : sorted;
}

/** Header click: ascending → descending → no sort on that field; the clicked field becomes the primary key. */
export function cycleSort(spec: string | undefined, field: string): string | undefined {
  const first = spec?.split(',')[0]?.trim();
  if (first === field) return `-${field}`;
  if (first === `-${field}`) return undefined;
  return field;
}

/** How a header shows its sort state. */
export function sortStateOf(spec: string | undefined, field: string): 'asc' | 'desc' | null {
  const first = spec?.split(',')[0]?.trim();
  return first === field || first === `+${field}` ? 'asc' : first === `-${field}` ? 'desc' : null;
}
