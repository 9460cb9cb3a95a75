import { z } from 'zod';
import type { CaptureOverview, CountRow } from '@podscope/protocol';
import { readMetaRows, type Db, type EventColumns } from './captureDb.ts';
import type { CaptureReader } from './captureStore.ts';

const TOP = 50;
/** Distinct keys per dimension the writer counts; beyond that the overview is computed by SQL on demand. */
const MAX_KEYS = 10_000;

const dimensions = ['byGadget', 'byNode', 'byPod', 'byProcess', 'byError'] as const;
type Dimension = (typeof dimensions)[number];

const StoredOverview = z.object({
  overflow: z.boolean(),
  counts: z.record(z.string(), z.record(z.string(), z.number())),
});
type StoredOverview = z.infer<typeof StoredOverview>;

const podKey = (c: Pick<EventColumns, 'ns' | 'pod'>): string | null => (c.pod === null ? null : `${c.ns ?? ''}/${c.pod}`);

/**
 * The overview counts, kept by the writer as rows are inserted and saved in meta in the same transaction,
 * so opening a capture of any size reads them instead of scanning it.
 */
export class OverviewCounter {
  private readonly counts = new Map<Dimension, Map<string, number>>(dimensions.map((d) => [d, new Map<string, number>()]));
  private overflow = false;
  // The per-row path (one call per event written) avoids the dimension lookup and builds each pod key once.
  private readonly byGadget = this.dimension('byGadget');
  private readonly byNode = this.dimension('byNode');
  private readonly byPod = this.dimension('byPod');
  private readonly byProcess = this.dimension('byProcess');
  private readonly byError = this.dimension('byError');
  private readonly podKeys = new Map<string, Map<string, string>>();

  static load(db: Db): OverviewCounter {
    const c = new OverviewCounter();
    const rows = readMetaRows(db);
    const stored = StoredOverview.safeParse(rows.get('overview'));
    if (stored.success) {
      c.overflow = stored.data.overflow;
      for (const d of dimensions) for (const [k, n] of Object.entries(stored.data.counts[d] ?? {})) c.counts.get(d)?.set(k, n);
    } else if (rows.has('events') && rows.get('events') !== 0) c.overflow = true; // rows without counts: use SQL
    return c;
  }

  add(c: EventColumns): void {
    if (this.overflow) return;
    this.bump(this.byGadget, c.gadget);
    this.bump(this.byNode, c.node);
    this.bump(this.byPod, c.pod === null ? '(none)' : this.podKey(c.ns ?? '', c.pod));
    this.bump(this.byProcess, c.comm ?? '(none)');
    if (c.error !== null) this.bump(this.byError, c.error);
  }

  toJSON(): StoredOverview {
    if (this.overflow) return { overflow: true, counts: {} };
    return { overflow: false, counts: Object.fromEntries(dimensions.map((d) => [d, Object.fromEntries(this.counts.get(d) ?? [])])) };
  }

  private dimension(d: Dimension): Map<string, number> {
    const m = this.counts.get(d);
    if (m === undefined) throw new Error(`no overview dimension ${d}`);
    return m;
  }

  /** `namespace/pod`, as `podKey` builds it, from a cache. */
  private podKey(ns: string, pod: string): string {
    let inNs = this.podKeys.get(ns);
    if (inNs === undefined) {
      inNs = new Map();
      this.podKeys.set(ns, inNs);
    }
    let key = inNs.get(pod);
    if (key === undefined) {
      key = podKey({ ns, pod }) ?? '(none)';
      if (inNs.size < MAX_KEYS) inNs.set(pod, key);
    }
    return key;
  }

  private bump(m: Map<string, number>, key: string): void {
    const n = m.get(key);
    if (n !== undefined) {
      m.set(key, n + 1);
      return;
    }
    m.set(key, 1);
    if (m.size > MAX_KEYS) {
      this.overflow = true;
      for (const x of this.counts.values()) x.clear();
      this.podKeys.clear();
    }
  }
}

const top = (counts: Record<string, number> | undefined): CountRow[] =>
  Object.entries(counts ?? {})
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, TOP);

/** Counts per gadget, node, pod, process and error for the overview tiles (top 50 of each). */
export function captureOverview(reader: CaptureReader): CaptureOverview {
  const stored = StoredOverview.safeParse(readMetaRows(reader.db).get('overview'));
  if (stored.success && !stored.data.overflow) {
    const c = stored.data.counts;
    return { byGadget: top(c.byGadget), byNode: top(c.byNode), byPod: top(c.byPod), byProcess: top(c.byProcess), byError: top(c.byError) };
  }
  const sql = (expr: string, where = ''): CountRow[] =>
    reader.db
      .prepare<[number], { key: string | null; count: number }>(`SELECT ${expr} AS key, count(*) AS count FROM events ${where} GROUP BY key ORDER BY count DESC, key LIMIT ?`)
      .all(TOP)
      .map((r) => ({ key: r.key ?? '(none)', count: r.count }));
  return {
    byGadget: sql('gadget'),
    byNode: sql('node'),
    byPod: sql("CASE WHEN pod IS NULL THEN NULL ELSE coalesce(ns, '') || '/' || pod END"),
    byProcess: sql('comm'),
    byError: sql('error', 'WHERE error IS NOT NULL'),
  };
}
