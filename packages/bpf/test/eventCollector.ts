/** Collects events from a running gadget and waits for the ones a test expects. */
import type { EventRecord } from '@podscope/protocol';

export class EventCollector {
  readonly events: EventRecord[] = [];
  batches = 0;
  readonly onEvents = (batch: EventRecord[]): void => {
    this.batches++;
    for (const e of batch) this.events.push(e);
  };

  matching(pred: (e: EventRecord) => boolean): EventRecord[] {
    return this.events.filter(pred);
  }

  async waitFor(pred: (e: EventRecord) => boolean, timeoutMs = 3000): Promise<EventRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms (${this.events.length} events seen)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Inode of a process's mount namespace, as the kernel reports it in events. */
export function mountNsOf(pid: number | 'self', readlink: (p: string) => string): number {
  const m = /^mnt:\[(\d+)\]$/.exec(readlink(`/proc/${pid}/ns/mnt`));
  if (!m?.[1]) throw new Error('cannot read mount namespace');
  return Number(m[1]);
}
