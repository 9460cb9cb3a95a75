import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ElfFile } from './elfFile.ts';
import { BtfTypes } from './btfTypes.ts';
import { structLayout, type StructLayout } from './structLayout.ts';
import { generateDecoder } from './decoderGenerator.ts';
import { manifest } from '../../gadgets/trace_exec/gadget.ts';
import { manifest as traceOpenManifest } from '../../gadgets/trace_open/gadget.ts';
import { traceExecObject } from '../../test/btfOracle.ts';

function layoutOf(object: string): StructLayout {
  const elf = new ElfFile(readFileSync(object));
  const sec = elf.section('.BTF');
  if (!sec) throw new Error('no .BTF');
  const btf = new BtfTypes(elf.sectionBytes(sec));
  const t = btf.find('struct', 'event');
  if (!t) throw new Error('no struct event');
  return structLayout(btf, t.id);
}

/** Writes values at the offsets the layout gives, the way the kernel program would. */
class RecordWriter {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(
    private readonly layout: StructLayout,
    readonly base: number,
  ) {
    this.bytes = new Uint8Array(base + layout.size + 16).fill(0xaa);
    this.view = new DataView(this.bytes.buffer);
  }
  at(name: string): number {
    const f = this.layout.fields.find((x) => x.name === name);
    if (!f) throw new Error(`no field ${name}`);
    return this.base + f.offset;
  }
  u8(name: string, v: number): this {
    this.view.setUint8(this.at(name), v);
    return this;
  }
  u16(name: string, v: number): this {
    this.view.setUint16(this.at(name), v, true);
    return this;
  }
  u32(name: string, v: number): this {
    this.view.setUint32(this.at(name), v, true);
    return this;
  }
  i32(name: string, v: number): this {
    this.view.setInt32(this.at(name), v, true);
    return this;
  }
  u64(name: string, v: bigint): this {
    this.view.setBigUint64(this.at(name), v, true);
    return this;
  }
  str(name: string, s: string, size: number): this {
    const enc = new TextEncoder().encode(s);
    this.bytes.fill(0, this.at(name), this.at(name) + size);
    this.bytes.set(enc, this.at(name));
    return this;
  }
}

describe('generated decoder for trace_exec', () => {
  const layout = layoutOf(traceExecObject);
  const boot = 1_700_000_000_000_000_000;
  const { decode, minLength } = generateDecoder(layout, { annotations: manifest.fields, derived: manifest.derived ?? [], bootOffsetNs: boot });
  const argsOffset = layout.fields.find((f) => f.name === 'args')?.offset ?? -1;

  function record(args: string, retval = 0): RecordWriter {
    const argv = args.split(' ').join('\0') + '\0';
    return new RecordWriter(layout, 24)
      .u64('timestamp', 123_456_789n)
      .u64('mntns_id', 4026531840n)
      .u32('proc.pid', 4242)
      .u32('proc.tid', 4243)
      .u32('proc.ppid', 1)
      .u32('proc.uid', 1000)
      .u32('proc.gid', 100)
      .str('proc.comm', 'true', 16)
      .str('proc.pcomm', 'bash-é', 16)
      .i32('retval', retval)
      .u8('mntns_pending', 1)
      .u8('args_truncated', 0)
      .u32('args_size', new TextEncoder().encode(argv).length)
      .str('args', argv, 64);
  }

  it('turns one record into a flat event with dotted names', () => {
    const w = record('/bin/true a b c');
    const ev = decode(w.view, w.bytes, w.base, argsOffset + 16);
    expect(ev).toEqual({
      timestamp: 123_456_789 + boot,
      mntns_id: 4026531840,
      'proc.pid': 4242,
      'proc.tid': 4243,
      'proc.ppid': 1,
      'proc.uid': 1000,
      'proc.gid': 100,
      'proc.comm': 'true',
      'proc.pcomm': 'bash-é',
      retval: 0,
      mntns_pending: true,
      args_truncated: false,
      args: '/bin/true a b c',
      error: '',
    });
    expect(ev).not.toHaveProperty('args_size');
  });

  it('names the errno of a failed exec', () => {
    const w = record('/nope', -2);
    expect(decode(w.view, w.bytes, w.base, argsOffset + 6)).toMatchObject({ retval: -2, error: 'ENOENT' });
  });

  it('never reads argv past the record, whatever args_size claims', () => {
    const w = record('/bin/echo hello world').u32('args_size', 4096);
    expect(decode(w.view, w.bytes, w.base, argsOffset + 9)?.['args']).toBe('/bin/echo');
  });

  it('refuses a record shorter than the fixed part of the struct', () => {
    const w = record('x');
    expect(minLength).toBe(argsOffset);
    expect(decode(w.view, w.bytes, w.base, minLength - 1)).toBeNull();
  });
});

describe('generated decoder for trace_open (variable-size records)', () => {
  const layout = layoutOf(fileURLToPath(new URL('../../build/trace_open.bpf.o', import.meta.url)));
  const { decode, minLength } = generateDecoder(layout, { annotations: traceOpenManifest.fields, derived: traceOpenManifest.derived ?? [], bootOffsetNs: 0 });
  const fnameOffset = layout.fields.find((f) => f.name === 'fname')?.offset ?? -1;
  const record = (fname: string, sent: number): RecordWriter =>
    new RecordWriter(layout, 8).i32('retval', 3).i32('fd', 3).u32('flags_raw', 0o2000000).str('fname', fname, 256).u16('fname_len', sent);

  it('reads a file name that ends the record, without the array behind it', () => {
    expect(minLength).toBe(fnameOffset);
    const w = record('/etc/hostname', 14);
    const ev = decode(w.view, w.bytes, w.base, fnameOffset + 14);
    expect(ev).toMatchObject({ fname: '/etc/hostname', fd: 3, flags: 'O_RDONLY|O_CLOEXEC', error: '' });
    expect(ev).not.toHaveProperty('fname_len');
  });

  it('never reads past the record, whatever fname_len claims', () => {
    const w = record('/etc/hostname', 200);
    expect(decode(w.view, w.bytes, w.base, fnameOffset + 4)?.['fname']).toBe('/etc');
    expect(decode(w.view, w.bytes, w.base, fnameOffset)?.['fname']).toBe('');
  });
});

describe('generated decoder on the layout fixture', () => {
  const layout = layoutOf(fileURLToPath(new URL('../../build/fixture_layouts.bpf.o', import.meta.url)));
  const { decode } = generateDecoder(layout, { annotations: {}, bootOffsetNs: 0 });

  it('decodes enums, anonymous unions, nested structs, bitfields, __u8 arrays and pointers', () => {
    const w = new RecordWriter(layout, 0);
    w.view.setBigInt64(w.at('delta'), -5n, true);
    w.u32('color', 0xffffffff).u32('as_u32', 0x04030201);
    w.view.setUint16(w.at('peer.port'), 8080, true);
    w.bytes.set([127, 0, 0, 1], w.at('peer.addr'));
    // flag_a=1 (bit 0), level=5 (bits 1-3) share one 32-bit unit; rest starts a new one.
    w.u32('flag_a', 1 | (5 << 1)).u32('rest', 0x0fffffff);
    w.str('name', 'fixture', 8).u64('ptr', 0xffff8880_00001000n).u8('ok', 1);
    expect(decode(w.view, w.bytes, 0, layout.size)).toEqual({
      delta: -5,
      color: 'BLUE',
      as_u32: 0x04030201,
      as_bytes: '01020304',
      'peer.port': 8080,
      'peer.addr': '7f000001',
      flag_a: 1,
      level: 5,
      rest: 0x0fffffff,
      name: 'fixture',
      ptr: 0xffff888000001000,
      ok: true,
    });
  });
});
