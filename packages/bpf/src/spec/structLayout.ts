/** Flattens a BTF struct into leaf fields with byte offsets, the input of the decoder generator. */
import { BtfError, type BtfTypes } from './btfTypes.ts';

export type LeafKind = 'uint' | 'int' | 'bool' | 'float' | 'string' | 'bytes' | 'enum' | 'pointer';

export interface LayoutField {
  /** C member names from the outer struct down, e.g. ['proc', 'pid']. */
  readonly path: readonly string[];
  /** Dotted path, the default event field name. */
  readonly name: string;
  readonly kind: LeafKind;
  readonly offset: number;
  readonly size: number;
  /** Set for bitfields: bit offset within `offset` and width. */
  readonly bitOffset?: number;
  readonly bitSize?: number;
  readonly enumValues?: ReadonlyMap<number, string>;
  /** Enums: whether the stored value is read as signed (BTF kind_flag). */
  readonly signed?: boolean;
}

export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly LayoutField[];
}

/** char arrays are text; __u8/unsigned char arrays are bytes. BTF only tells them apart by name. */
function isTextElement(btf: BtfTypes, elemType: number): boolean {
  const names = btf.nameChain(elemType);
  const base = btf.resolve(elemType);
  return base.kind === 'int' && base.size === 1 && (names[0] === 'char' || names[0] === 'signed char');
}

export function structLayout(btf: BtfTypes, typeId: number): StructLayout {
  const root = btf.resolve(typeId);
  if (root.kind !== 'struct' && root.kind !== 'union') throw new BtfError(`type ${typeId} is a ${root.kind}, not a struct`);
  const fields: LayoutField[] = [];

  const walk = (id: number, path: string[], offset: number, bitOffset: number, bitSize: number): void => {
    const t = btf.resolve(id);
    const name = path.join('.');
    switch (t.kind) {
      case 'int': {
        if (bitSize > 0) {
          fields.push({ path, name, kind: t.signed ? 'int' : 'uint', offset, size: t.size, bitOffset, bitSize });
          return;
        }
        const kind: LeafKind = t.isBool ? 'bool' : t.signed ? 'int' : 'uint';
        fields.push({ path, name, kind, offset, size: t.size });
        return;
      }
      case 'enum':
        fields.push({ path, name, kind: 'enum', offset, size: t.size, signed: t.signed, enumValues: new Map(t.values.map((v) => [Number(v.value), v.name])) });
        return;
      case 'float':
        fields.push({ path, name, kind: 'float', offset, size: t.size });
        return;
      case 'ptr':
        fields.push({ path, name, kind: 'pointer', offset, size: 8 });
        return;
      case 'array': {
        const size = btf.sizeOf(t.id);
        fields.push({ path, name, kind: isTextElement(btf, t.elemType) ? 'string' : 'bytes', offset, size });
        return;
      }
      case 'struct':
      case 'union':
        for (const m of t.members) {
          // Anonymous members (unnamed unions/structs) flatten into their parent's namespace.
          const childPath = m.name === '' ? path : [...path, m.name];
          if (m.bitSize > 0) {
            walk(m.type, childPath, offset + Math.floor(m.bitOffset / 8), m.bitOffset % 8, m.bitSize);
          } else {
            if (m.bitOffset % 8 !== 0) throw new BtfError(`member ${childPath.join('.')} is not byte aligned`);
            walk(m.type, childPath, offset + m.bitOffset / 8, 0, 0);
          }
        }
        return;
      case 'void':
      case 'fwd':
      case 'func':
      case 'func_proto':
      case 'var':
      case 'datasec':
      case 'decl_tag':
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        throw new BtfError(`member ${name} has unsupported type kind ${t.kind}`);
    }
  };
  walk(root.id, [], 0, 0, 0);
  return { name: root.name, size: root.size, fields };
}
