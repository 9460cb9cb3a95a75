/** Reads a BTF-defined map (`struct { __uint(type, ...); __type(key, ...); } name SEC(".maps")`) from object BTF. */
import { BtfError, type BtfTypes } from './btfTypes.ts';

export const BPF_MAP_TYPE_HASH = 1;
export const BPF_MAP_TYPE_PERCPU_HASH = 5;
export const BPF_MAP_TYPE_LRU_HASH = 9;
export const BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;

export interface MapDefinition {
  readonly name: string;
  /** enum bpf_map_type value. */
  readonly type: number;
  readonly keyTypeId: number;
  readonly valueTypeId: number;
  readonly maxEntries: number;
  /** Per-CPU maps hold one value per possible CPU; the loader sums them. */
  readonly perCpu: boolean;
}

/** libbpf's __uint(name, val) is `int (*name)[val]`: the number is the array's length. */
function uintMember(btf: BtfTypes, typeId: number, what: string): number {
  const ptr = btf.resolve(typeId);
  if (ptr.kind !== 'ptr') throw new BtfError(`${what} is not a __uint() member`);
  const arr = btf.resolve(ptr.type);
  if (arr.kind !== 'array') throw new BtfError(`${what} is not a __uint() member`);
  return arr.nelems;
}

/** libbpf's __type(name, T) is `T *name`. */
function typeMember(btf: BtfTypes, typeId: number, what: string): number {
  const ptr = btf.resolve(typeId);
  if (ptr.kind !== 'ptr') throw new BtfError(`${what} is not a __type() member`);
  return ptr.type;
}

export function mapDefinition(btf: BtfTypes, name: string): MapDefinition {
  const v = btf.types.find((t) => t.kind === 'var' && t.name === name);
  if (v?.kind !== 'var') throw new BtfError(`no map ${name} in BTF`);
  const def = btf.resolve(v.type);
  if (def.kind !== 'struct') throw new BtfError(`map ${name} is not a BTF-defined map`);
  const member = (m: string): number => {
    const found = def.members.find((x) => x.name === m);
    if (!found) throw new BtfError(`map ${name} declares no ${m}`);
    return found.type;
  };
  const type = uintMember(btf, member('type'), `${name}.type`);
  const maxEntries = uintMember(btf, member('max_entries'), `${name}.max_entries`);
  return {
    name,
    type,
    keyTypeId: typeMember(btf, member('key'), `${name}.key`),
    valueTypeId: typeMember(btf, member('value'), `${name}.value`),
    maxEntries,
    perCpu: type === BPF_MAP_TYPE_PERCPU_HASH || type === BPF_MAP_TYPE_LRU_PERCPU_HASH,
  };
}
