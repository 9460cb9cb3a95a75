import type { EventRecord } from '@podscope/protocol';

/** Rows of the newest map fetch of each node, and of the fetch before it (for per-interval deltas). */
export interface IntervalRows {
  latest: EventRecord[];
  previous: EventRecord[];
  /** Newest interval number seen (the largest over nodes). */
  interval: number | null;
  /** Timestamp (ns) of the newest interval's rows. */
  timestamp: number | null;
}

const nodeOf = (r: EventRecord): string => (typeof r['k8s.node'] === 'string' ? r['k8s.node'] : '');
const intervalOf = (r: EventRecord): number => (typeof r['interval'] === 'number' ? r['interval'] : 0);

/**
 * Walks back from the newest row, per node, collecting the rows of that node's newest interval and of the one
 * before. Stops when every node seen has gone past both, or after `budget` rows (a long-silent node is left out).
 */
export function latestIntervalRows(get: (abs: number) => EventRecord | undefined, first: number, end: number, budget = 200_000): IntervalRows {
  const newest = new Map<string, number>();
  const done = new Set<string>();
  const latest: EventRecord[] = [];
  const previous: EventRecord[] = [];
  let interval: number | null = null;
  let timestamp: number | null = null;
  const stop = Math.max(first, end - budget);
  for (let i = end - 1; i >= stop; i--) {
    const row = get(i);
    if (row === undefined) continue;
    const node = nodeOf(row);
    const iv = intervalOf(row);
    let top = newest.get(node);
    if (top === undefined) {
      top = iv;
      newest.set(node, iv);
      if (interval === null || iv > interval) interval = iv;
    }
    if (iv === top) {
      latest.push(row);
      const ts = row['timestamp'];
      if (typeof ts === 'number' && (timestamp === null || ts > timestamp)) timestamp = ts;
    } else if (iv === top - 1) previous.push(row);
    else if (iv < top - 1) {
      done.add(node);
      // Older rows only matter for nodes not yet finished; stop once all are.
      if (done.size === newest.size) break;
    }
  }
  latest.reverse();
  previous.reverse();
  return { latest, previous, interval, timestamp };
}
