/** Everything userspace needs to know about a compiled gadget, read from its ELF/BTF alone. */
import { readFileSync } from 'node:fs';
import { commonFields, type FieldMeta, type FieldType, type GadgetMeta } from '@podscope/protocol';
import { ElfFile } from './elfFile.ts';
import { BtfError, BtfTypes } from './btfTypes.ts';
import { structLayout, type StructLayout } from './structLayout.ts';
import { generateDecoder, type GeneratedDecoder } from './decoderGenerator.ts';
import { fieldMetas } from './fieldMetas.ts';
import { parsePolledMapSpec, type PolledMapSpec } from './polledMapSpec.ts';
import type { DerivedKind, GadgetManifest } from './gadgetManifest.ts';

/** Protocol type of a derived field. */
export function derivedFieldType(kind: DerivedKind): FieldType {
  switch (kind) {
    case 'errno':
      return 'errno';
    case 'endpoint':
      return 'endpoint';
    case 'openFlags':
    case 'octalMode':
    case 'signal':
      return 'string';
  }
}

export interface RodataVariable {
  readonly offset: number;
  readonly size: number;
}

export interface GadgetSpec {
  readonly manifest: GadgetManifest;
  readonly btf: BtfTypes;
  readonly event: StructLayout;
  /** Emitted event fields (own fields only, in struct order, then derived ones). */
  readonly fields: readonly FieldMeta[];
  /** `const volatile` globals by name; offsets come from .symtab because clang 14 leaves DATASEC offsets at 0. */
  readonly rodata: ReadonlyMap<string, RodataVariable>;
  readonly programs: readonly string[];
  /** Trace/snapshot: decodes one `struct event` record (for profile/top gadgets: one map key). */
  decoder(bootOffsetNs: number): GeneratedDecoder;
  /** profile/top gadgets: the polled map's layout and row decoder; `event` is then its key struct. */
  readonly polled?: PolledMapSpec;
}

export function parseGadgetSpec(object: Uint8Array, manifest: GadgetManifest): GadgetSpec {
  const elf = new ElfFile(object);
  const btfSection = elf.section('.BTF');
  if (!btfSection) throw new BtfError(`${manifest.name}: object has no .BTF section (compile with -g)`);
  const btf = new BtfTypes(elf.sectionBytes(btfSection));
  const polled = manifest.map ? parsePolledMapSpec(btf, manifest.map, manifest.category, manifest.fields, manifest.name, manifest.derived) : undefined;
  let event: StructLayout;
  let fields: FieldMeta[];
  if (polled) {
    event = polled.key;
    fields = [...polled.fields];
  } else {
    const structName = manifest.eventStruct ?? 'event';
    const eventType = btf.find('struct', structName);
    if (!eventType) throw new BtfError(`${manifest.name}: no struct ${structName} in BTF`);
    event = structLayout(btf, eventType.id);
    const known = new Set(event.fields.map((f) => f.name));
    for (const path of Object.keys(manifest.fields)) {
      if (!known.has(path)) throw new BtfError(`${manifest.name}: manifest annotates ${path}, which struct ${structName} lacks`);
    }
    fields = fieldMetas(event, manifest.fields);
  }
  for (const d of manifest.derived ?? []) {
    fields.push({ name: d.name, type: derivedFieldType(d.kind), description: d.description, defaultVisible: d.defaultVisible });
  }

  const rodata = new Map<string, RodataVariable>();
  for (const sym of elf.symbolsIn('.rodata')) {
    if (sym.type === 1 /* STT_OBJECT */) rodata.set(sym.name, { offset: sym.value, size: sym.size });
  }
  for (const [param, variable] of Object.entries(manifest.rodataParams ?? {})) {
    if (!rodata.has(variable)) throw new BtfError(`${manifest.name}: param ${param} maps to ${variable}, which is not in .rodata`);
  }

  const programs = elf.symbols
    .filter((s) => s.type === 2 /* STT_FUNC */ && s.bind === 1 /* GLOBAL */)
    .map((s) => s.name);
  for (const name of manifest.optionalPrograms ?? []) {
    if (!programs.includes(name)) throw new BtfError(`${manifest.name}: optional program ${name} is not in the object`);
  }

  return {
    manifest,
    btf,
    event,
    fields,
    rodata,
    programs,
    ...(polled ? { polled } : {}),
    decoder: (bootOffsetNs) => {
      const generated = generateDecoder(event, { annotations: manifest.fields, bootOffsetNs, ...(manifest.derived ? { derived: manifest.derived } : {}) });
      const finish = manifest.finish;
      if (!finish) return generated;
      const inner = generated.decode;
      return {
        ...generated,
        decode: (view, bytes, offset, length) => {
          const ev = inner(view, bytes, offset, length);
          if (ev) finish(ev);
          return ev;
        },
      };
    },
  };
}

export function readGadgetSpec(objectPath: string, manifest: GadgetManifest): GadgetSpec {
  return parseGadgetSpec(readFileSync(objectPath), manifest);
}

/** The protocol metadata: the gadget's own fields plus the common ones, each name once. */
export function gadgetMeta(manifest: GadgetManifest, ownFields: readonly FieldMeta[], unavailable?: string): GadgetMeta {
  const common = new Set(commonFields.map((f) => f.name));
  const meta: GadgetMeta = {
    name: manifest.name,
    category: manifest.category,
    description: manifest.description,
    params: [...manifest.params],
    fields: [...commonFields, ...ownFields.filter((f) => !common.has(f.name))],
  };
  if (manifest.payload === true) meta.payload = true;
  if (unavailable !== undefined) meta.unavailable = unavailable;
  return meta;
}
