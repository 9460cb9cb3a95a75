import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfError, ElfFile } from './elfFile.ts';
import { readelfSymbols, traceExecObject } from '../../test/btfOracle.ts';

describe('ElfFile on the compiled trace_exec object', () => {
  const elf = new ElfFile(readFileSync(traceExecObject));

  it('finds the BTF, rodata and one section per tracepoint program', () => {
    const names = elf.sections.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['.BTF', '.BTF.ext', '.rodata', '.maps', 'license', 'tracepoint/syscalls/sys_enter_execve', 'tracepoint/syscalls/sys_exit_execveat']));
    // filter_by_mntns, filter_by_pid/uid/comm and ignore_failed: one byte each.
    expect(elf.section('.rodata')?.size).toBe(5);
  });

  it('reads every .symtab entry as llvm-readelf does', () => {
    const oracle = readelfSymbols(traceExecObject);
    expect(oracle.has('enter_execve')).toBe(true);
    const ours = new Map(elf.symbols.filter((s) => s.name !== '').map((s) => [s.name, s]));
    for (const [name, want] of oracle) {
      const got = ours.get(name);
      expect(got, name).toBeDefined();
      expect(got?.value, name).toBe(want.value);
      expect(got?.size, name).toBe(want.size);
    }
  });

  it('places the rodata knobs at their .symtab offsets', () => {
    const rodata = new Map(elf.symbolsIn('.rodata').map((s) => [s.name, s]));
    const oracle = readelfSymbols(traceExecObject);
    expect(rodata.get('filter_by_mntns')?.value).toBe(oracle.get('filter_by_mntns')?.value);
    expect(rodata.get('ignore_failed')?.value).toBe(oracle.get('ignore_failed')?.value);
    expect(rodata.get('ignore_failed')?.size).toBe(1);
  });

  it('refuses what is not a BPF ELF', () => {
    expect(() => new ElfFile(new Uint8Array(64))).toThrow(ElfError);
    const bytes = Uint8Array.from(readFileSync(traceExecObject));
    bytes[18] = 62; // EM_X86_64
    expect(() => new ElfFile(bytes)).toThrow(/not a BPF object/);
  });
});
