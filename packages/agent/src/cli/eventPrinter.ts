import type { EventRecord } from '@podscope/protocol';
import type { BatchSink } from '../pipeline/batcher.ts';

export type OutputFormat = 'columns' | 'json';

const widths: Record<string, number> = { 'proc.pid': 7, 'proc.ppid': 7, 'proc.tid': 7, 'proc.uid': 6, 'proc.gid': 6, retval: 4, interval: 8 };

export function columnHeader(field: string): string {
  return (field.startsWith('proc.') ? field.slice(5) : field).toUpperCase();
}

function cell(v: EventRecord[string] | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

/** Formats events as aligned columns (the last one unpadded) or one JSON object per line. */
export class EventPrinter {
  constructor(private readonly format: OutputFormat, private readonly columns: readonly string[]) {}

  header(): string | null {
    return this.format === 'columns' ? this.row(this.columns.map(columnHeader)) : null;
  }

  line(e: EventRecord): string {
    return this.format === 'json' ? JSON.stringify(e) : this.row(this.columns.map((c) => cell(e[c])));
  }

  private row(cells: readonly string[]): string {
    return cells
      .map((text, i) => {
        if (i === cells.length - 1) return text;
        const col = this.columns[i]!;
        const w = Math.max(widths[col] ?? 16, columnHeader(col).length);
        return (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w)) + ' ';
      })
      .join('');
  }
}

/** A sink that writes to a stream and refuses batches while the stream holds more than `highWaterBytes` unwritten. */
export class StreamSink implements BatchSink {
  constructor(
    private readonly printer: EventPrinter,
    private readonly out: NodeJS.WritableStream & { writableLength: number },
    private readonly highWaterBytes = 16 * 1024 * 1024,
  ) {}

  offer(events: EventRecord[]): boolean {
    if (this.out.writableLength > this.highWaterBytes) return false;
    let text = '';
    for (const e of events) text += this.printer.line(e) + '\n';
    this.out.write(text);
    return true;
  }
}
