import type { EventRecord } from '@podscope/protocol';

/** Distinct values of one field among rows, most frequent first (ties by value), as filter-ready text. */
export function topValues(rows: Iterable<EventRecord | undefined>, field: string, limit = 20): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const v = row?.[field];
    if (v === undefined || v === null) continue;
    const text = typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

/** The newest rows of a store-like range, newest first, at most `limit` (the rows that value suggestions look at). */
export function* recentRows(get: (abs: number) => EventRecord | undefined, first: number, end: number, limit = 5000): Generator<EventRecord | undefined> {
  for (let i = end - 1; i >= Math.max(first, end - limit); i--) yield get(i);
}
