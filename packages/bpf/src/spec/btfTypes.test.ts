import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from './elfFile.ts';
import { BtfError, BtfTypes } from './btfTypes.ts';
import { bpftoolTypes, traceExecObject } from '../../test/btfOracle.ts';

function loadBtf(): BtfTypes {
  const elf = new ElfFile(readFileSync(traceExecObject));
  const sec = elf.section('.BTF');
  if (!sec) throw new Error('no .BTF');
  return new BtfTypes(elf.sectionBytes(sec));
}

describe('BtfTypes against bpftool', () => {
  const btf = loadBtf();
  const oracle = bpftoolTypes(traceExecObject);

  it('parses every type with the kind, name and size bpftool reports', () => {
    expect(btf.types.length - 1).toBe(oracle.length);
    for (const want of oracle) {
      const got = btf.get(want.id);
      expect(got.kind.toUpperCase(), `type ${want.id}`).toBe(want.kind);
      expect(got.name === '' ? '(anon)' : got.name, `type ${want.id}`).toBe(want.name);
      if (want.size !== undefined && 'size' in got) expect(got.size, `type ${want.id}`).toBe(want.size);
      if (want.kind === 'ARRAY' && got.kind === 'array') {
        expect(got.elemType).toBe(want.type_id);
        expect(got.nelems).toBe(want.nr_elems);
      }
    }
  });

  it('reads struct members (names, types, bit offsets) like bpftool', () => {
    for (const want of oracle.filter((t) => t.kind === 'STRUCT' || t.kind === 'UNION')) {
      const got = btf.get(want.id);
      if (got.kind !== 'struct' && got.kind !== 'union') throw new Error(`type ${want.id} is ${got.kind}`);
      expect(got.members.map((m) => [m.name === '' ? '(anon)' : m.name, m.type, m.bitOffset])).toEqual(
        (want.members ?? []).map((m) => [m.name, m.type_id, m.bits_offset]),
      );
    }
  });

  it('resolves typedefs and keeps the names that tell char from __u8', () => {
    const event = btf.find('struct', 'event');
    if (event?.kind !== 'struct') throw new Error('no struct event');
    const args = event.members.find((m) => m.name === 'args');
    const size = event.members.find((m) => m.name === 'args_size');
    if (!args || !size) throw new Error('missing members');
    const arr = btf.resolve(args.type);
    if (arr.kind !== 'array') throw new Error('args is not an array');
    expect(btf.nameChain(arr.elemType)).toEqual(['char']);
    expect(btf.nameChain(size.type)).toEqual(['__u32', 'unsigned int']);
    expect(btf.sizeOf(event.id)).toBe(event.size);
  });

  it('rejects bytes that are not BTF', () => {
    expect(() => new BtfTypes(new Uint8Array(32))).toThrow(BtfError);
  });
});
