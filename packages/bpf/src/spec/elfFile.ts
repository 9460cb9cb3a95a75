/** Minimal ELF64 little-endian reader: section headers, section bytes and .symtab, enough for BPF objects. */

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** Index of the section the symbol lives in. */
  readonly sectionIndex: number;
  readonly bind: number;
  readonly type: number;
}

const SHT_SYMTAB = 2;
const EM_BPF = 247;

export class ElfError extends Error {
  override readonly name = 'ElfError';
}

export class ElfFile {
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 64 || view.getUint32(0, false) !== 0x7f454c46) throw new ElfError('not an ELF file');
    if (bytes[4] !== 2) throw new ElfError('only ELF64 is supported');
    if (bytes[5] !== 1) throw new ElfError('only little-endian ELF is supported');
    const machine = view.getUint16(18, true);
    if (machine !== EM_BPF) throw new ElfError(`not a BPF object (e_machine ${machine})`);

    const shoff = Number(view.getBigUint64(40, true));
    const shentsize = view.getUint16(58, true);
    const shnum = view.getUint16(60, true);
    const shstrndx = view.getUint16(62, true);
    if (shoff + shnum * shentsize > bytes.byteLength) throw new ElfError('section headers out of bounds');

    const raw = Array.from({ length: shnum }, (_, i) => {
      const at = shoff + i * shentsize;
      return {
        nameOff: view.getUint32(at, true),
        type: view.getUint32(at + 4, true),
        offset: Number(view.getBigUint64(at + 24, true)),
        size: Number(view.getBigUint64(at + 32, true)),
        link: view.getUint32(at + 40, true),
        entsize: Number(view.getBigUint64(at + 56, true)),
      };
    });
    const shstr = raw[shstrndx];
    if (!shstr) throw new ElfError('missing section name table');
    this.sections = raw.map((s, index) => ({
      index,
      name: this.cString(shstr.offset + s.nameOff),
      type: s.type,
      offset: s.offset,
      size: s.size,
      link: s.link,
      entsize: s.entsize,
    }));
    for (const s of this.sections) {
      if (s.type !== 8 /* NOBITS */ && s.offset + s.size > bytes.byteLength) throw new ElfError(`section ${s.name} out of bounds`);
    }
    this.symbols = this.readSymbols(view);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section, without copying. */
  sectionBytes(section: ElfSection): Uint8Array {
    return this.bytes.subarray(section.offset, section.offset + section.size);
  }

  /** Symbols defined in the named section (e.g. the .rodata globals and their offsets). */
  symbolsIn(sectionName: string): ElfSymbol[] {
    const sec = this.section(sectionName);
    if (!sec) return [];
    return this.symbols.filter((s) => s.sectionIndex === sec.index && s.name !== '');
  }

  private readSymbols(view: DataView): ElfSymbol[] {
    const symtab = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (!symtab) return [];
    const strtab = this.sections[symtab.link];
    if (!strtab) throw new ElfError('.symtab has no string table');
    const entsize = symtab.entsize || 24;
    const out: ElfSymbol[] = [];
    for (let at = symtab.offset; at + entsize <= symtab.offset + symtab.size; at += entsize) {
      const info = view.getUint8(at + 4);
      out.push({
        name: this.cString(strtab.offset + view.getUint32(at, true)),
        bind: info >> 4,
        type: info & 0xf,
        sectionIndex: view.getUint16(at + 6, true),
        value: Number(view.getBigUint64(at + 8, true)),
        size: Number(view.getBigUint64(at + 16, true)),
      });
    }
    return out;
  }

  private cString(at: number): string {
    let end = at;
    while (end < this.bytes.byteLength && this.bytes[end] !== 0) end++;
    return new TextDecoder().decode(this.bytes.subarray(at, end));
  }
}
