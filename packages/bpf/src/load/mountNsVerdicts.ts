/** Userspace side of the kernel's mntns_verdict map (u64 mount-ns inode → u8 verdict). */
import { libbpf } from './libBpf.ts';

export class MountNsVerdicts {
  private readonly key = Buffer.alloc(8);
  private readonly value = Buffer.alloc(1);

  constructor(private readonly fd: number) {}

  set(ids: readonly number[], verdict: 0 | 1): void {
    this.value[0] = verdict;
    for (const id of ids) {
      this.key.writeBigUint64LE(BigInt(id));
      libbpf.update(this.fd, this.key, this.value);
    }
  }

  forget(ids: readonly number[]): void {
    for (const id of ids) {
      this.key.writeBigUint64LE(BigInt(id));
      libbpf.remove(this.fd, this.key);
    }
  }

  get(id: number): 0 | 1 | undefined {
    this.key.writeBigUint64LE(BigInt(id));
    if (!libbpf.lookup(this.fd, this.key, this.value)) return undefined;
    return this.value[0] === 0 ? 0 : 1;
  }
}
