/** Parser for the .BTF section: every type kind the kernel defines, as a discriminated union. */

export interface BtfMember {
  readonly name: string;
  readonly type: number;
  readonly bitOffset: number;
  /** Non-zero for bitfields. */
  readonly bitSize: number;
}

export interface BtfEnumValue {
  readonly name: string;
  readonly value: bigint;
}

export type BtfType =
  | { readonly kind: 'void'; readonly id: 0; readonly name: '' }
  | { readonly kind: 'int'; readonly id: number; readonly name: string; readonly size: number; readonly signed: boolean; readonly isChar: boolean; readonly isBool: boolean; readonly bits: number; readonly bitOffset: number }
  | { readonly kind: 'ptr'; readonly id: number; readonly name: string; readonly type: number }
  | { readonly kind: 'array'; readonly id: number; readonly name: string; readonly elemType: number; readonly indexType: number; readonly nelems: number }
  | { readonly kind: 'struct' | 'union'; readonly id: number; readonly name: string; readonly size: number; readonly members: readonly BtfMember[] }
  | { readonly kind: 'enum'; readonly id: number; readonly name: string; readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumValue[] }
  | { readonly kind: 'fwd'; readonly id: number; readonly name: string; readonly isUnion: boolean }
  | { readonly kind: 'typedef' | 'volatile' | 'const' | 'restrict' | 'type_tag'; readonly id: number; readonly name: string; readonly type: number }
  | { readonly kind: 'func'; readonly id: number; readonly name: string; readonly type: number; readonly linkage: number }
  | { readonly kind: 'func_proto'; readonly id: number; readonly name: string; readonly returnType: number; readonly params: readonly { name: string; type: number }[] }
  | { readonly kind: 'var'; readonly id: number; readonly name: string; readonly type: number; readonly linkage: number }
  | { readonly kind: 'datasec'; readonly id: number; readonly name: string; readonly size: number; readonly vars: readonly { type: number; offset: number; size: number }[] }
  | { readonly kind: 'float'; readonly id: number; readonly name: string; readonly size: number }
  | { readonly kind: 'decl_tag'; readonly id: number; readonly name: string; readonly type: number; readonly componentIdx: number };

export type BtfKind = BtfType['kind'];

export class BtfError extends Error {
  override readonly name = 'BtfError';
}

const BTF_MAGIC = 0xeb9f;
const MODIFIERS = new Set<BtfKind>(['typedef', 'volatile', 'const', 'restrict', 'type_tag']);

export class BtfTypes {
  /** Indexed by type id; id 0 is void. */
  readonly types: readonly BtfType[];

  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 24 || view.getUint16(0, true) !== BTF_MAGIC) throw new BtfError('bad BTF magic (big-endian BTF is not supported)');
    const hdrLen = view.getUint32(4, true);
    const typeOff = view.getUint32(8, true);
    const typeLen = view.getUint32(12, true);
    const strOff = view.getUint32(16, true);
    const strLen = view.getUint32(20, true);
    const typesStart = hdrLen + typeOff;
    const stringsStart = hdrLen + strOff;
    if (typesStart + typeLen > bytes.byteLength || stringsStart + strLen > bytes.byteLength) throw new BtfError('BTF sections out of bounds');

    const decoder = new TextDecoder();
    const str = (off: number): string => {
      if (off >= strLen) throw new BtfError(`string offset ${off} out of bounds`);
      let end = stringsStart + off;
      while (end < stringsStart + strLen && bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(stringsStart + off, end));
    };

    const types: BtfType[] = [{ kind: 'void', id: 0, name: '' }];
    let at = typesStart;
    const end = typesStart + typeLen;
    const u32 = (): number => {
      const v = view.getUint32(at, true);
      at += 4;
      return v;
    };
    while (at < end) {
      const id = types.length;
      const name = str(u32());
      const info = u32();
      const sizeOrType = u32();
      const vlen = info & 0xffff;
      const kindNum = (info >>> 24) & 0x1f;
      const kindFlag = info >>> 31 === 1;
      switch (kindNum) {
        case 1: {
          const enc = u32();
          const encoding = (enc >>> 24) & 0xf;
          types.push({ kind: 'int', id, name, size: sizeOrType, signed: (encoding & 1) !== 0, isChar: (encoding & 2) !== 0, isBool: (encoding & 4) !== 0, bits: enc & 0xff, bitOffset: (enc >>> 16) & 0xff });
          break;
        }
        case 2:
          types.push({ kind: 'ptr', id, name, type: sizeOrType });
          break;
        case 3:
          types.push({ kind: 'array', id, name, elemType: u32(), indexType: u32(), nelems: u32() });
          break;
        case 4:
        case 5: {
          const members: BtfMember[] = [];
          for (let i = 0; i < vlen; i++) {
            const mName = str(u32());
            const mType = u32();
            const off = u32();
            members.push(kindFlag ? { name: mName, type: mType, bitOffset: off & 0xffffff, bitSize: off >>> 24 } : { name: mName, type: mType, bitOffset: off, bitSize: 0 });
          }
          types.push({ kind: kindNum === 4 ? 'struct' : 'union', id, name, size: sizeOrType, members });
          break;
        }
        case 6: {
          const values: BtfEnumValue[] = [];
          for (let i = 0; i < vlen; i++) {
            const vName = str(u32());
            const raw = u32();
            values.push({ name: vName, value: BigInt(kindFlag ? raw | 0 : raw) });
          }
          types.push({ kind: 'enum', id, name, size: sizeOrType, signed: kindFlag, values });
          break;
        }
        case 7:
          types.push({ kind: 'fwd', id, name, isUnion: kindFlag });
          break;
        case 8:
        case 9:
        case 10:
        case 11:
        case 18: {
          const kind = ({ 8: 'typedef', 9: 'volatile', 10: 'const', 11: 'restrict', 18: 'type_tag' } as const)[kindNum];
          types.push({ kind, id, name, type: sizeOrType });
          break;
        }
        case 12:
          types.push({ kind: 'func', id, name, type: sizeOrType, linkage: vlen });
          break;
        case 13: {
          const params: { name: string; type: number }[] = [];
          for (let i = 0; i < vlen; i++) params.push({ name: str(u32()), type: u32() });
          types.push({ kind: 'func_proto', id, name, returnType: sizeOrType, params });
          break;
        }
        case 14:
          types.push({ kind: 'var', id, name, type: sizeOrType, linkage: u32() });
          break;
        case 15: {
          const vars: { type: number; offset: number; size: number }[] = [];
          for (let i = 0; i < vlen; i++) vars.push({ type: u32(), offset: u32(), size: u32() });
          types.push({ kind: 'datasec', id, name, size: sizeOrType, vars });
          break;
        }
        case 16:
          types.push({ kind: 'float', id, name, size: sizeOrType });
          break;
        case 17:
          types.push({ kind: 'decl_tag', id, name, type: sizeOrType, componentIdx: u32() });
          break;
        case 19: {
          const values: BtfEnumValue[] = [];
          for (let i = 0; i < vlen; i++) {
            const vName = str(u32());
            const lo = BigInt(u32());
            const hi = BigInt(u32());
            const raw = (hi << 32n) | lo;
            values.push({ name: vName, value: kindFlag ? BigInt.asIntN(64, raw) : raw });
          }
          types.push({ kind: 'enum', id, name, size: sizeOrType, signed: kindFlag, values });
          break;
        }
        default:
          throw new BtfError(`unknown BTF kind ${kindNum} for type ${id}`);
      }
    }
    this.types = types;
  }

  get(id: number): BtfType {
    const t = this.types[id];
    if (!t) throw new BtfError(`no BTF type ${id}`);
    return t;
  }

  /** Skips typedefs and qualifiers, which carry no layout of their own. */
  resolve(id: number): BtfType {
    let t = this.get(id);
    for (let hops = 0; MODIFIERS.has(t.kind) && 'type' in t; hops++) {
      if (hops > 64) throw new BtfError(`typedef loop at type ${id}`);
      t = this.get(t.type);
    }
    return t;
  }

  /** The first type of the given kind and name, e.g. ('struct', 'event'). */
  find(kind: BtfKind, name: string): BtfType | undefined {
    return this.types.find((t) => t.kind === kind && t.name === name);
  }

  /** Size in bytes of a type, as the C compiler laid it out. */
  sizeOf(id: number): number {
    const t = this.resolve(id);
    switch (t.kind) {
      case 'int':
      case 'struct':
      case 'union':
      case 'enum':
      case 'float':
      case 'datasec':
        return t.size;
      case 'ptr':
        return 8;
      case 'array':
        return this.sizeOf(t.elemType) * t.nelems;
      case 'void':
      case 'fwd':
      case 'func':
      case 'func_proto':
      case 'decl_tag':
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        throw new BtfError(`type ${id} (${t.kind}) has no size`);
      case 'var':
        return this.sizeOf(t.type);
    }
  }

  /** The name of a type including typedef names, used to tell char[] from __u8[]. */
  nameChain(id: number): string[] {
    const names: string[] = [];
    let t = this.get(id);
    for (let hops = 0; hops < 64; hops++) {
      if (t.name !== '') names.push(t.name);
      if (!MODIFIERS.has(t.kind) || !('type' in t)) break;
      t = this.get(t.type);
    }
    return names;
  }
}
