/**
 * The log2 bucket convention shared by the C side (podscope.h gadget_log2_slot) and the rows:
 * slot 0 holds 0, slot i >= 1 holds [2^(i-1), 2^i). Half-open bounds leave no gap and no overlap.
 */
export interface Log2Bucket {
  /** Inclusive. */
  readonly lo: number;
  /** Exclusive. */
  readonly hi: number;
}

export function log2Bucket(slot: number): Log2Bucket {
  if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`bad histogram slot ${slot}`);
  return slot === 0 ? { lo: 0, hi: 1 } : { lo: 2 ** (slot - 1), hi: 2 ** slot };
}

/** The slot a value falls in; mirrors the kernel side, used by tests and by any userspace histogramming. */
export function log2Slot(value: number): number {
  if (value < 1) return 0;
  return Math.floor(Math.log2(value)) + 1;
}
