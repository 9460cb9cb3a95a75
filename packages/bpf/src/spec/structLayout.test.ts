import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfFile } from './elfFile.ts';
import { BtfTypes } from './btfTypes.ts';
import { structLayout } from './structLayout.ts';
import { bpftoolTypes, traceExecObject, type OracleType } from '../../test/btfOracle.ts';

/** Byte offsets of struct event's members computed from bpftool's raw dump (nested structs flattened). */
function oracleOffsets(types: OracleType[]): Map<string, number> {
  const byId = new Map(types.map((t) => [t.id, t]));
  const out = new Map<string, number>();
  const strip = (id: number): OracleType | undefined => {
    let t = byId.get(id);
    while (t && (t.kind === 'TYPEDEF' || t.kind === 'CONST' || t.kind === 'VOLATILE') && t.type_id !== undefined) t = byId.get(t.type_id);
    return t;
  };
  const walk = (t: OracleType, prefix: string, base: number): void => {
    for (const m of t.members ?? []) {
      const inner = strip(m.type_id);
      const name = prefix + m.name;
      if (inner?.kind === 'STRUCT') walk(inner, `${name}.`, base + m.bits_offset / 8);
      else out.set(name, base + m.bits_offset / 8);
    }
  };
  const event = types.find((t) => t.kind === 'STRUCT' && t.name === 'event');
  if (!event) throw new Error('bpftool shows no struct event');
  walk(event, '', 0);
  return out;
}

describe('structLayout(struct event)', () => {
  const elf = new ElfFile(readFileSync(traceExecObject));
  const sec = elf.section('.BTF');
  if (!sec) throw new Error('no .BTF');
  const btf = new BtfTypes(elf.sectionBytes(sec));
  const event = btf.find('struct', 'event');
  if (!event) throw new Error('no struct event');
  const layout = structLayout(btf, event.id);
  const byName = new Map(layout.fields.map((f) => [f.name, f]));

  it('puts every leaf at the offset clang chose', () => {
    const oracle = oracleOffsets(bpftoolTypes(traceExecObject));
    expect([...byName.keys()].sort()).toEqual([...oracle.keys()].sort());
    for (const [name, offset] of oracle) expect(byName.get(name)?.offset, name).toBe(offset);
  });

  it('classifies fields from BTF types', () => {
    expect(byName.get('timestamp')).toMatchObject({ kind: 'uint', size: 8, offset: 0 });
    expect(byName.get('proc.pid')).toMatchObject({ kind: 'uint', size: 4 });
    expect(byName.get('proc.comm')).toMatchObject({ kind: 'string', size: 16 });
    expect(byName.get('proc.pcomm')).toMatchObject({ kind: 'string', size: 16 });
    expect(byName.get('retval')).toMatchObject({ kind: 'int', size: 4 });
    expect(byName.get('mntns_pending')).toMatchObject({ kind: 'bool', size: 1 });
    expect(byName.get('args_truncated')).toMatchObject({ kind: 'bool', size: 1 });
    expect(byName.get('args')).toMatchObject({ kind: 'string', size: 8192 });
    expect(layout.size).toBe(event.kind === 'struct' ? event.size : -1);
  });
});
