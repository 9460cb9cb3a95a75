/** A throw-away memory-limited cgroup (v1 memory controller or v2), for making real OOM kills in tests. */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  /** Write a pid here to move that process into the cgroup. */
  readonly procsFile: string;
  remove(): void;
}

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const v1 = '/sys/fs/cgroup/memory';
  let dir: string;
  if (existsSync(join(v1, 'memory.limit_in_bytes'))) {
    dir = join(v1, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    // Without swap accounting limits, the allocator would be swapped rather than killed.
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
  } else {
    const root = '/sys/fs/cgroup';
    if (!readFileSync(join(root, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) throw new Error('no memory cgroup controller');
    writeFileSync(join(root, 'cgroup.subtree_control'), '+memory');
    dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    writeFileSync(join(dir, 'memory.swap.max'), '0');
  }
  return {
    procsFile: join(dir, 'cgroup.procs'),
    remove: () => {
      // rmdir only succeeds once every member has exited; retry briefly.
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir);
          return;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
      rmdirSync(dir);
    },
  };
}
