/** One encoded `events` frame as it was fanned out. */
export interface HistoryFrame {
  bytes: Uint8Array;
  events: number;
}

export interface RunHistoryLimits {
  maxEvents: number;
  maxBytes: number;
}

/**
 * A live run's frames since its start, bounded by events and bytes (oldest cut first), so a recording
 * can start "from the start" of a run that is already going. What was cut is counted, never hidden.
 */
export class RunHistory {
  // Slots before `head` are cleared so cut frames can be collected before the next compaction.
  private frames: (HistoryFrame | undefined)[] = [];
  private head = 0;
  private events = 0;
  private bytes = 0;
  /** Events cut from the front to stay within the limits. */
  cutEvents = 0;

  constructor(private readonly limits: RunHistoryLimits) {}

  push(bytes: Uint8Array, events: number): void {
    if (this.limits.maxEvents <= 0 || this.limits.maxBytes <= 0) {
      this.cutEvents += events;
      return;
    }
    this.frames.push({ bytes, events });
    this.events += events;
    this.bytes += bytes.length;
    while ((this.events > this.limits.maxEvents || this.bytes > this.limits.maxBytes) && this.head < this.frames.length) {
      const f = this.frames[this.head];
      this.frames[this.head] = undefined;
      this.head++;
      if (f === undefined) break;
      this.events -= f.events;
      this.bytes -= f.bytes.length;
      this.cutEvents += f.events;
    }
    if (this.head >= 1024 && this.head * 2 >= this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }

  /** The frames still held, oldest first. */
  snapshot(): HistoryFrame[] {
    return this.frames.slice(this.head).filter((f): f is HistoryFrame => f !== undefined);
  }

  clear(): void {
    this.cutEvents += this.events;
    this.frames = [];
    this.head = 0;
    this.events = 0;
    this.bytes = 0;
  }
}
