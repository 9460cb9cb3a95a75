import type { EventRecord, GadgetMeta } from '@podscope/protocol';
import { commonFields } from '@podscope/protocol';
import type { BatchSink } from '../pipeline/batcher.ts';

export interface Bucket {
  lo: number;
  hi: number;
  count: number;
}

const STARS = 40;
const unitLabels: Readonly<Record<string, string>> = { ns: 'nsecs', us: 'usecs', ms: 'msecs', s: 'secs', B: 'bytes' };

/** BCC's bar: floor(width·count/max) stars, so only the largest bucket fills the bar. */
function stars(count: number, max: number): string {
  return max === 0 ? '' : '*'.repeat(Math.min(STARS, Math.floor((STARS * count) / max)));
}

/** The log2 ladder 0→1, 1→2, 2→4 … up to the bucket starting at `lastLo`. */
function log2Ladder(lastLo: number): [number, number][] {
  const out: [number, number][] = [[0, 1]];
  for (let lo = 1; lo <= lastLo && out.length < 64; lo *= 2) out.push([lo, lo * 2]);
  return out;
}

/**
 * A BCC biolatency-style histogram: `     usecs               : count    distribution`, then one
 * `lo -> hi : count |****|` line per bucket up to the last non-empty one. Missing log2 buckets print as 0.
 */
export function formatLog2Histogram(buckets: readonly Bucket[], unit: string | undefined): string[] {
  const label = (unit !== undefined ? unitLabels[unit] ?? unit : 'value').padEnd(19);
  const present = [...buckets].filter((b) => b.count > 0).sort((a, b) => a.lo - b.lo);
  const lines = [`     ${label} : count    distribution`];
  if (present.length === 0) return lines;
  const byLo = new Map(buckets.map((b) => [b.lo, b]));
  const ladder = log2Ladder(present.at(-1)!.lo);
  const onLadder = buckets.every((b) => ladder.some(([lo, hi]) => lo === b.lo && hi === b.hi) || b.count === 0);
  const rows: Bucket[] = onLadder ? ladder.map(([lo, hi]) => byLo.get(lo) ?? { lo, hi, count: 0 }) : present;
  const max = Math.max(...rows.map((b) => b.count));
  for (const b of rows) lines.push(`${String(b.lo).padStart(10)} -> ${String(b.hi).padEnd(10)} : ${String(b.count).padEnd(8)} |${stars(b.count, max).padEnd(STARS)}|`);
  return lines;
}

const bucketFields = new Set(['timestamp', 'interval', 'bucket.lo', 'bucket.hi', 'count']);
const common = new Set(commonFields.map((f) => f.name));

interface KeyedHistogram {
  label: string;
  interval: number;
  buckets: Map<number, Bucket>;
}

/**
 * Collects a profile gadget's rows per key (pod plus the gadget's own key fields, e.g. disk). Counts are cumulative,
 * so the latest interval of each key is the whole histogram; printed at the end.
 */
export class ProfileHistograms implements BatchSink {
  private readonly keys = new Map<string, KeyedHistogram>();
  private readonly keyFields: string[];
  private readonly unit: string | undefined;

  constructor(meta: GadgetMeta) {
    this.keyFields = meta.fields.filter((f) => !common.has(f.name) && !bucketFields.has(f.name)).map((f) => f.name);
    this.unit = meta.fields.find((f) => f.name === 'bucket.lo')?.unit;
  }

  offer(events: EventRecord[]): boolean {
    for (const e of events) {
      const lo = e['bucket.lo'];
      const hi = e['bucket.hi'];
      const count = e['count'];
      if (typeof lo !== 'number' || typeof hi !== 'number' || typeof count !== 'number') continue;
      const label = this.labelOf(e);
      const interval = typeof e['interval'] === 'number' ? e['interval'] : 0;
      let h = this.keys.get(label);
      if (!h || interval > h.interval) {
        h = { label, interval, buckets: new Map() };
        this.keys.set(label, h);
      } else if (interval < h.interval) continue;
      h.buckets.set(lo, { lo, hi, count });
    }
    return true;
  }

  /** One histogram per key, headed by the key and the interval it comes from. */
  render(): string {
    if (this.keys.size === 0) return 'no samples\n';
    const blocks = [...this.keys.values()]
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((h) => [`${h.label} (interval ${h.interval}, cumulative)`, ...formatLog2Histogram([...h.buckets.values()], this.unit)].join('\n'));
    return blocks.join('\n\n') + '\n';
  }

  private labelOf(e: EventRecord): string {
    const parts: string[] = [];
    const pod = e['k8s.podName'];
    if (typeof pod === 'string') parts.push(`pod ${String(e['k8s.namespace'] ?? '')}/${pod}/${String(e['k8s.containerName'] ?? '')}`);
    for (const f of this.keyFields) {
      const v = e[f];
      if (v !== null && v !== undefined) parts.push(`${f}=${String(v)}`);
    }
    return parts.length > 0 ? parts.join(' ') : 'all';
  }
}
