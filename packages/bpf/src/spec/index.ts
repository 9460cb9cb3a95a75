export { ElfFile, ElfError, type ElfSection, type ElfSymbol } from './elfFile.ts';
export { BtfTypes, BtfError, type BtfType, type BtfKind, type BtfMember } from './btfTypes.ts';
export { structLayout, type StructLayout, type LayoutField, type LeafKind } from './structLayout.ts';
export { generateDecoder, type EventDecoder, type GeneratedDecoder, type DecoderOptions } from './decoderGenerator.ts';
export { parseGadgetSpec, readGadgetSpec, gadgetMeta, type GadgetSpec, type RodataVariable } from './gadgetSpec.ts';
export type { GadgetManifest, FieldAnnotation, DerivedField } from './gadgetManifest.ts';
export { errnoName } from './errnoNames.ts';
