import { commonFields, type EventRecord, type FieldMeta, type GadgetMeta } from '@podscope/protocol';

/** Every field a gadget's events can carry: the common ones first (IG's order), then the gadget's own. */
export function fieldsOf(gadget: GadgetMeta | undefined): FieldMeta[] {
  const own = gadget?.fields ?? [];
  const ownNames = new Set(own.map((f) => f.name));
  return [...commonFields.filter((f) => !ownNames.has(f.name)), ...own];
}

export function defaultColumns(fields: readonly FieldMeta[]): string[] {
  return fields.filter((f) => f.defaultVisible).map((f) => f.name);
}

/** Keys of a row in display order: known fields first, then anything the metadata does not list. */
export function orderedKeys(row: EventRecord, fields: readonly FieldMeta[]): string[] {
  const known = fields.map((f) => f.name).filter((n) => n in row);
  const knownSet = new Set(known);
  return [...known, ...Object.keys(row).filter((k) => !knownSet.has(k)).sort()];
}

const widthByName: Record<string, number> = { timestamp: 108, 'proc.pid': 72, 'proc.tid': 72, 'proc.ppid': 72, 'proc.uid': 60, 'proc.gid': 60, args: 420, error: 90 };

export function defaultColumnWidth(f: FieldMeta): number {
  const byName = widthByName[f.name];
  if (byName !== undefined) return byName;
  switch (f.type) {
    case 'integer':
    case 'boolean':
    case 'errno':
      return 80;
    case 'duration':
    case 'bytes':
    case 'timestamp':
      return 100;
    case 'string':
    case 'ip':
    case 'endpoint':
    case 'enum':
      return 140;
  }
}
