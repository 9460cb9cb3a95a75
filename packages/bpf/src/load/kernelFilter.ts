/**
 * Push-down of simple predicates into the gadget's kernel maps (common header: filter_pid,
 * filter_uid, filter_comm + their .rodata flags), so filtered-out events never reach the ring.
 */
import { PodscopeError } from '@podscope/protocol';
import { libbpf, type BpfObjectHandle } from './libBpf.ts';

/** Each present list: the event must match one of its values. Present lists AND together. */
export interface KernelFilter {
  comm?: readonly string[];
  pid?: readonly number[];
  uid?: readonly number[];
}

/** Where one pushed-down predicate lives, for the run's metadata. */
export interface KernelFilterPlacement {
  /** Event field the predicate tests, e.g. proc.comm. */
  readonly field: string;
  /** e.g. "kernel map filter_comm (2 values)". */
  readonly where: string;
  readonly values: number;
}

/** Event fields a KernelFilter may test; anything else stays in the agent's userspace filter. */
export const kernelFilterableFields: readonly string[] = ['proc.comm', 'proc.pid', 'proc.uid'];

const COMM_LEN = 16;

interface FilterList {
  readonly field: string;
  readonly flag: string;
  readonly map: string;
  readonly keys: readonly Uint8Array[];
}

function u32Key(field: string, n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new PodscopeError('bad_param', `${field} filter value ${n} is not a u32`, { field, value: n });
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The kernel keeps 15 bytes of comm; a longer value matches its truncation (userspace still compares exactly). */
function commKey(value: string): Uint8Array {
  const b = Buffer.alloc(COMM_LEN);
  b.write(value, 0, COMM_LEN - 1, 'utf8');
  return b;
}

function listsOf(filter: KernelFilter | undefined): FilterList[] {
  const out: FilterList[] = [];
  if (!filter) return out;
  if (filter.pid) out.push({ field: 'proc.pid', flag: 'filter_by_pid', map: 'filter_pid', keys: filter.pid.map((n) => u32Key('proc.pid', n)) });
  if (filter.uid) out.push({ field: 'proc.uid', flag: 'filter_by_uid', map: 'filter_uid', keys: filter.uid.map((n) => u32Key('proc.uid', n)) });
  if (filter.comm) out.push({ field: 'proc.comm', flag: 'filter_by_comm', map: 'filter_comm', keys: filter.comm.map(commKey) });
  return out;
}

/** Set up before load: .rodata flags (returned for the caller's rodata image) and map sizes. */
export class KernelFilterPlan {
  private readonly lists: FilterList[];

  constructor(
    readonly gadget: string,
    filter: KernelFilter | undefined,
    rodataNames: ReadonlySet<string>,
  ) {
    this.lists = listsOf(filter);
    for (const l of this.lists) {
      if (!rodataNames.has(l.flag)) throw new PodscopeError('bad_param', `${gadget} cannot filter ${l.field} in the kernel`, { gadget, field: l.field });
    }
  }

  rodataFlags(): Map<string, boolean> {
    return new Map(this.lists.map((l) => [l.flag, true]));
  }

  /** Hash maps need max_entries >= 1; an empty list keeps one slot and matches nothing. */
  sizeMaps(obj: BpfObjectHandle): void {
    for (const l of this.lists) libbpf.setMaxEntries(libbpf.findMap(obj, l.map), Math.max(1, new Set(l.keys.map((k) => Buffer.from(k).toString('hex'))).size));
  }

  /** After load, before attach. */
  fillMaps(obj: BpfObjectHandle): void {
    const one = Uint8Array.of(1);
    for (const l of this.lists) {
      const fd = libbpf.mapFd(libbpf.findMap(obj, l.map));
      for (const k of l.keys) libbpf.update(fd, k, one);
    }
  }

  placements(): KernelFilterPlacement[] {
    return this.lists.map((l) => ({ field: l.field, where: `kernel map ${l.map} (${l.keys.length} values, enabled by .rodata ${l.flag})`, values: l.keys.length }));
  }
}
