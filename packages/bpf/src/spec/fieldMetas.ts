/** Protocol field metadata for the leaves of a BTF struct, with the manifest's annotations applied. */
import type { FieldMeta, FieldType } from '@podscope/protocol';
import type { LayoutField, StructLayout } from './structLayout.ts';
import type { FieldAnnotation } from './gadgetManifest.ts';
import { isTimestamp, stripEnumPrefix } from './decoderGenerator.ts';

function defaultType(f: LayoutField): FieldType {
  switch (f.kind) {
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    case 'enum':
      return 'enum';
    case 'int':
    case 'uint':
    case 'float':
    case 'pointer':
      return 'integer';
  }
}

/** Emitted fields of one struct, in member order; hidden members are left out. */
export function fieldMetas(layout: StructLayout, annotations: Readonly<Record<string, FieldAnnotation>>): FieldMeta[] {
  const out: FieldMeta[] = [];
  for (const f of layout.fields) {
    const ann = annotations[f.name];
    if (ann?.hidden === true) continue;
    const meta: FieldMeta = {
      name: ann?.name ?? f.name,
      type: ann?.type ?? (isTimestamp(f, ann) ? 'timestamp' : defaultType(f)),
      description: ann?.description ?? `${f.name} (from struct ${layout.name === '' ? '(anonymous)' : layout.name})`,
      defaultVisible: ann?.defaultVisible ?? false,
    };
    if (ann?.unit !== undefined) meta.unit = ann.unit;
    if (f.enumValues) meta.enumValues = [...stripEnumPrefix(f.enumValues, ann?.enumPrefix).values()];
    out.push(meta);
  }
  return out;
}
