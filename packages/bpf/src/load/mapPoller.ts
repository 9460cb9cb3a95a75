/**
 * Polls a profile/top gadget's map every map-fetch-interval and hands the agent one batch of rows
 * per fetch (docs/architecture.md, "Gadget categories"): every row carries the fetch's wall-clock
 * `timestamp` and its 1-based `interval`.
 */
import type { EventRecord } from '@podscope/protocol';
import type { PolledMapSpec, PolledRowDecoder } from '../spec/polledMapSpec.ts';
import { MapDumper } from './mapDumper.ts';

export interface MapPollerOptions {
  readonly fd: number;
  readonly spec: PolledMapSpec;
  readonly keySize: number;
  readonly valueSize: number;
  readonly intervalMs: number;
  readonly bootOffsetNs: number;
  readonly onEvents: (events: EventRecord[]) => void;
  readonly onError: (err: unknown) => void;
  /** Mount namespaces the agent denied after their counts were taken (verdict came late): their rows are dropped. */
  readonly isDenied: (mntns: number) => boolean;
  readonly noBatch?: boolean;
}

export class MapPoller {
  private readonly dumper: MapDumper;
  private readonly decodeRows: PolledRowDecoder;
  private timer: NodeJS.Timeout | undefined;
  private interval = 0;
  private closed = false;

  constructor(private readonly o: MapPollerOptions) {
    this.dumper = new MapDumper({ fd: o.fd, keySize: o.keySize, valueSize: o.valueSize, maxEntries: o.spec.map.maxEntries, perCpu: o.spec.map.perCpu, ...(o.noBatch === true ? { noBatch: true } : {}) });
    this.decodeRows = o.spec.rowDecoder(o.bootOffsetNs);
  }

  get usesBatch(): boolean {
    return this.dumper.usesBatch;
  }

  start(): void {
    this.timer = setInterval(() => this.fetchAndDeliver(), Math.max(1, this.o.intervalMs));
  }

  /** Reads the map once and returns the rows (clearing it for top gadgets). */
  fetch(): EventRecord[] {
    const dump = this.dumper.dump(this.o.spec.clearEachFetch);
    this.interval++;
    const timestamp = Date.now() * 1_000_000;
    const { keySize } = this.o;
    const { entrySize, stride, cpus } = this.dumper;
    const kv = new DataView(dump.keys.buffer, dump.keys.byteOffset, dump.keys.byteLength);
    const vv = new DataView(dump.values.buffer, dump.values.byteOffset, dump.values.byteLength);
    const rows: EventRecord[] = [];
    for (let i = 0; i < dump.count; i++) {
      for (const row of this.decodeRows(kv, dump.keys, i * keySize, vv, dump.values, i * entrySize, cpus, stride)) {
        const mntns = row['mntns_id'];
        if (typeof mntns === 'number' && this.o.isDenied(mntns)) continue;
        row['timestamp'] = timestamp;
        row['interval'] = this.interval;
        rows.push(row);
      }
    }
    return rows;
  }

  /** One batch per fetch, empty ones included: an empty top interval means "nothing happened", which a view must show. */
  private fetchAndDeliver(): void {
    if (this.closed) return;
    let rows: EventRecord[];
    try {
      rows = this.fetch();
    } catch (err) {
      this.o.onError(err);
      return;
    }
    try {
      this.o.onEvents(rows);
    } catch (err) {
      this.o.onError(err);
    }
  }

  /** Stops the timer after a last fetch, so nothing counted since the previous one is lost. */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.fetchAndDeliver();
    this.closed = true;
  }
}
