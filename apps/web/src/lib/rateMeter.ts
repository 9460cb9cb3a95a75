/** Events per second over a sliding window, kept in fixed time buckets so recording is O(1). */
export class RateMeter {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;
  constructor(
    private readonly windowMs = 2000,
    private readonly bucketMs = 100,
  ) {
    const n = Math.ceil(windowMs / bucketMs);
    this.buckets = new Float64Array(n);
    this.stamps = new Float64Array(n).fill(-1);
  }

  record(count: number, now: number): void {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
  }

  /** Rate over the window ending now. */
  perSecond(now: number): number {
    const newest = Math.floor(now / this.bucketMs);
    const oldest = newest - this.buckets.length + 1;
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const stamp = this.stamps[i] ?? -1;
      if (stamp >= oldest && stamp <= newest) sum += this.buckets[i] ?? 0;
    }
    return (sum * 1000) / this.windowMs;
  }

  reset(): void {
    this.buckets.fill(0);
    this.stamps.fill(-1);
  }
}
