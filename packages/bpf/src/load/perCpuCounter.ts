/** A one-slot BPF per-CPU array of u64, summed over CPUs (lost_events, kernel_filtered). */
import { libbpf } from './libBpf.ts';

export class PerCpuCounter {
  private readonly key = new Uint8Array(4);
  private readonly values: Buffer;
  private readonly cpus: number;
  private frozen: number | undefined;

  constructor(private readonly fd: number) {
    this.cpus = libbpf.possibleCpus();
    this.values = Buffer.alloc(8 * this.cpus);
  }

  read(): number {
    if (this.frozen !== undefined) return this.frozen;
    if (!libbpf.lookup(this.fd, this.key, this.values)) return 0;
    let sum = 0;
    for (let cpu = 0; cpu < this.cpus; cpu++) sum += Number(this.values.readBigUint64LE(cpu * 8));
    return sum;
  }

  /** Keeps the last value readable after the map's fd is closed. */
  freeze(): void {
    this.frozen = this.read();
  }
}
