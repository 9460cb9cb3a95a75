/**
 * Pairs DNS responses with their queries per (network namespace, id, client endpoint) to give the response a latency.
 * Bounded: queries older than the horizon or beyond the cap are forgotten (an unanswered query costs nothing forever).
 */
export class DnsPairing {
  private readonly queries = new Map<string, number>();

  constructor(
    private readonly horizonNs = 30e9,
    private readonly maxPending = 16384,
  ) {}

  static key(netns: number, id: number, client: string): string {
    return `${netns}|${id}|${client}`;
  }

  query(key: string, tsNs: number): void {
    // A retransmitted query keeps the first time: latency is what the client waited.
    if (this.queries.has(key)) return;
    if (this.queries.size >= this.maxPending) this.expire(tsNs, true);
    this.queries.set(key, tsNs);
  }

  /** The latency of the response in ns, or null when its query was not seen (or was too long ago). */
  response(key: string, tsNs: number): number | null {
    const q = this.queries.get(key);
    if (q === undefined) return null;
    this.queries.delete(key);
    const latency = tsNs - q;
    return latency >= 0 && latency <= this.horizonNs ? latency : null;
  }

  get pending(): number {
    return this.queries.size;
  }

  private expire(now: number, force: boolean): void {
    for (const [k, ts] of this.queries) {
      if (now - ts > this.horizonNs || force) this.queries.delete(k);
      if (force && this.queries.size < this.maxPending / 2) break;
    }
  }
}
