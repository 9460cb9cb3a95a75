/**
 * Reads every entry of a BPF hash map into flat key/value buffers, with the batch syscalls when the
 * kernel has them (one syscall per chunk instead of two per entry) and get_next_key + lookup otherwise.
 * With `andDelete`, entries are removed as they are read, atomically per hash bucket, so an increment
 * landing between read and delete is never lost (the get_next_key fallback can lose such increments).
 */
import { libbpf } from './libBpf.ts';

const EINVAL = 22;
const ENOSPC = 28;
const ENOTSUPP = 524;
const EOPNOTSUPP = 95;

export interface MapDump {
  readonly keys: Uint8Array;
  readonly values: Uint8Array;
  readonly count: number;
}

export interface MapDumperOptions {
  readonly fd: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** Per-CPU maps return one 8-byte-aligned value image per possible CPU. */
  readonly perCpu: boolean;
  /** Force the get_next_key path (tests, kernels without batch ops). */
  readonly noBatch?: boolean;
}

export class MapDumper {
  /** Bytes between one CPU's value image and the next. */
  readonly stride: number;
  readonly entrySize: number;
  /** Value images per entry: the possible CPUs for per-CPU maps, else 1. */
  readonly cpus: number;
  private batchWorks: boolean;
  private chunk: number;
  private keys: Buffer;
  private values: Buffer;
  private readonly token: Buffer;
  private readonly nextToken: Buffer;
  private readonly count = new Uint32Array(1);

  constructor(private readonly o: MapDumperOptions) {
    this.cpus = o.perCpu ? libbpf.possibleCpus() : 1;
    this.stride = o.perCpu ? Math.ceil(o.valueSize / 8) * 8 : o.valueSize;
    this.entrySize = this.stride * this.cpus;
    this.batchWorks = o.noBatch !== true;
    this.chunk = Math.min(o.maxEntries, 1024);
    this.keys = Buffer.alloc(this.chunk * o.keySize);
    this.values = Buffer.alloc(this.chunk * this.entrySize);
    // The hash map's batch cursor is a bucket index; key-sized (at least 8 bytes) fits every map type.
    this.token = Buffer.alloc(Math.max(8, o.keySize));
    this.nextToken = Buffer.alloc(Math.max(8, o.keySize));
  }

  /** Whether the last dump used the batch syscalls. */
  get usesBatch(): boolean {
    return this.batchWorks;
  }

  dump(andDelete: boolean): MapDump {
    if (this.batchWorks) {
      const out = this.dumpBatch(andDelete);
      if (out) return out;
      this.batchWorks = false;
    }
    return this.dumpIterating(andDelete);
  }

  private grow(to: number): void {
    this.chunk = Math.min(Math.max(to, this.chunk * 2), Math.max(this.o.maxEntries, 1));
    this.keys = Buffer.alloc(this.chunk * this.o.keySize);
    this.values = Buffer.alloc(this.chunk * this.entrySize);
  }

  /** undefined when the kernel has no batch ops for this map (the caller falls back). */
  private dumpBatch(andDelete: boolean): MapDump | undefined {
    const keyParts: Buffer[] = [];
    const valueParts: Buffer[] = [];
    let total = 0;
    let first = true;
    for (;;) {
      this.count[0] = this.chunk;
      const rc = libbpf.lookupBatch(this.o.fd, first ? null : this.token, this.nextToken, this.keys, this.values, this.count, andDelete);
      if (rc === -ENOSPC) {
        // A hash bucket held more entries than the chunk: retry the same step with room for them.
        if (this.chunk >= this.o.maxEntries) throw new Error(`bpf_map_lookup_batch: ENOSPC with room for every entry`);
        this.grow(this.chunk * 2);
        continue;
      }
      if (typeof rc === 'number') {
        if (first && (rc === -EINVAL || rc === -ENOTSUPP || rc === -EOPNOTSUPP)) return undefined;
        throw new Error(`bpf_map_lookup_batch failed: errno ${-rc}`);
      }
      const n = this.count[0] ?? 0;
      if (n > 0) {
        keyParts.push(Buffer.from(this.keys.subarray(0, n * this.o.keySize)));
        valueParts.push(Buffer.from(this.values.subarray(0, n * this.entrySize)));
        total += n;
      }
      if (rc === 'done') break;
      this.nextToken.copy(this.token);
      first = false;
    }
    return { keys: Buffer.concat(keyParts), values: Buffer.concat(valueParts), count: total };
  }

  private dumpIterating(andDelete: boolean): MapDump {
    const keys: Buffer[] = [];
    let cur: Buffer | null = null;
    for (let guard = 0; guard <= this.o.maxEntries; guard++) {
      const next = Buffer.alloc(this.o.keySize);
      if (!libbpf.getNextKey(this.o.fd, cur, next)) break;
      keys.push(next);
      cur = next;
    }
    const keyOut = Buffer.alloc(keys.length * this.o.keySize);
    const valueOut = Buffer.alloc(keys.length * this.entrySize);
    let n = 0;
    for (const k of keys) {
      // An entry deleted since get_next_key (e.g. by the program) is skipped.
      if (!libbpf.lookup(this.o.fd, k, valueOut.subarray(n * this.entrySize, (n + 1) * this.entrySize))) continue;
      k.copy(keyOut, n * this.o.keySize);
      n++;
      if (andDelete) libbpf.remove(this.o.fd, k);
    }
    return { keys: keyOut.subarray(0, n * this.o.keySize), values: valueOut.subarray(0, n * this.entrySize), count: n };
  }
}
