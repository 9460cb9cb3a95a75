import type { EventRecord } from '@podscope/protocol';
import type { BatchSink } from '../pipeline/batcher.ts';
import type { EventPrinter } from './eventPrinter.ts';

const clock = (ns: unknown): string => (typeof ns === 'number' ? new Date(ns / 1e6).toISOString().slice(11, 19) : '--:--:--');

/**
 * `-o columns` for top gadgets: like IG, a fresh table per interval (already sorted and cut by the pipeline),
 * headed by a line naming the interval.
 */
export class TopTableSink implements BatchSink {
  constructor(
    private readonly printer: EventPrinter,
    private readonly out: NodeJS.WritableStream & { writableLength: number },
    private readonly everyMs: number,
    private readonly highWaterBytes = 16 * 1024 * 1024,
  ) {}

  offer(events: EventRecord[]): boolean {
    if (this.out.writableLength > this.highWaterBytes) return false;
    this.out.write(this.render(events));
    return true;
  }

  render(events: readonly EventRecord[]): string {
    const groups = new Map<EventRecord[string] | undefined, EventRecord[]>();
    for (const e of events) {
      const k = e['interval'] ?? null;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(e);
    }
    let text = '';
    for (const [interval, rows] of groups) {
      text += `\n--- interval ${interval === null || interval === undefined ? '?' : String(interval)} at ${clock(rows[0]?.['timestamp'])} UTC (every ${formatEvery(this.everyMs)}, ${rows.length} row${rows.length === 1 ? '' : 's'}) ---\n`;
      const header = this.printer.header();
      if (header !== null) text += header + '\n';
      for (const e of rows) text += this.printer.line(e) + '\n';
    }
    return text;
  }
}

function formatEvery(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
