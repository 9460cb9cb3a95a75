import type { EventRecord, GadgetMeta, ResolvedParams, SortKey } from '@podscope/protocol';
import { PodscopeError, compareBySortKeys, parseSortSpec } from '@podscope/protocol';

/** The `sort` and `max-entries` of a top run, applied by the agent to each interval's rows (IG semantics). */
export class TopRanker {
  private readonly compare: ((a: EventRecord, b: EventRecord) => number) | null;
  private readonly max: number;

  constructor(keys: readonly SortKey[], maxEntries: number) {
    this.compare = keys.length > 0 ? compareBySortKeys(keys) : null;
    this.max = maxEntries > 0 ? maxEntries : Infinity;
  }

  /** From a top gadget's params; a bad `--sort` is a bad_param error naming the field. */
  static fromParams(meta: GadgetMeta, params: ResolvedParams): TopRanker {
    const spec = typeof params['sort'] === 'string' ? params['sort'] : '';
    const parsed = parseSortSpec(spec, meta.fields);
    if (!parsed.ok) {
      const { message, suggestions } = parsed.error;
      throw new PodscopeError('bad_param', `--sort: ${message}${suggestions && suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''}`, { param: 'sort', ...parsed.error });
    }
    const max = typeof params['max-entries'] === 'number' ? params['max-entries'] : 0;
    return new TopRanker(parsed.keys, max);
  }

  /**
   * Sorts and cuts each interval's rows. A gadget emits one interval per batch; rows of several intervals in one
   * batch (a slow consumer) are ranked per interval, in interval order.
   */
  rank(rows: readonly EventRecord[]): { kept: EventRecord[]; cut: number } {
    const byInterval = new Map<unknown, EventRecord[]>();
    for (const r of rows) {
      const k = r['interval'] ?? null;
      let list = byInterval.get(k);
      if (!list) byInterval.set(k, (list = []));
      list.push(r);
    }
    const kept: EventRecord[] = [];
    for (const list of byInterval.values()) {
      if (this.compare) list.sort(this.compare);
      kept.push(...(list.length > this.max ? list.slice(0, this.max) : list));
    }
    return { kept, cut: rows.length - kept.length };
  }
}
