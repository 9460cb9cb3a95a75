/**
 * Layout of a profile/top gadget's map as rows: key fields + value fields (+ one row per non-empty
 * histogram slot). Everything comes from the map's BTF key/value types; nothing mirrors a C struct.
 */
import type { EventRecord, FieldMeta, GadgetCategory } from '@podscope/protocol';
import { BtfError, type BtfTypes } from './btfTypes.ts';
import { structLayout, type StructLayout } from './structLayout.ts';
import { generateDecoder, type EventDecoder } from './decoderGenerator.ts';
import { fieldMetas } from './fieldMetas.ts';
import { mapDefinition, type MapDefinition } from './mapDefinition.ts';
import { log2Bucket } from './log2Histogram.ts';
import type { DerivedField, FieldAnnotation, PolledMapManifest } from './gadgetManifest.ts';

export interface HistogramLayout {
  /** Byte offset of slot 0 within the value. */
  readonly offset: number;
  readonly elemSize: 4 | 8;
  readonly slots: number;
  readonly unit: string;
}

/** Turns one map entry (key + one value image per CPU) into rows; timestamp/interval are the poller's. */
export type PolledRowDecoder = (key: DataView, keyBytes: Uint8Array, keyOffset: number, values: DataView, valueBytes: Uint8Array, valueOffset: number, cpus: number, stride: number) => EventRecord[];

export interface PolledMapSpec {
  readonly map: MapDefinition;
  readonly key: StructLayout;
  readonly value: StructLayout;
  readonly histogram?: HistogramLayout;
  /** top: counters are per interval, so the map is emptied by each fetch; profile: cumulative, never cleared. */
  readonly clearEachFetch: boolean;
  /** Row fields: interval, key fields, value fields, then bucket.lo / bucket.hi / count for histograms. */
  readonly fields: readonly FieldMeta[];
  rowDecoder(bootOffsetNs: number): PolledRowDecoder;
}

export const intervalField: FieldMeta = {
  name: 'interval',
  type: 'integer',
  description: 'Fetch number (1-based): rows of one map-fetch-interval share it and the timestamp',
  defaultVisible: false,
};

const timeUnits = new Set(['ns', 'us', 'ms', 's']);

function histogramFields(unit: string, what: string): FieldMeta[] {
  const type = timeUnits.has(unit) ? 'duration' : 'integer';
  return [
    { name: 'bucket.lo', type, unit, description: `Lower bound (inclusive) of the ${what} bucket`, defaultVisible: true },
    { name: 'bucket.hi', type, unit, description: `Upper bound (exclusive) of the ${what} bucket; buckets are powers of two`, defaultVisible: true },
    { name: 'count', type: 'integer', description: `How many ${what} samples fell in the bucket since the run started (cumulative)`, defaultVisible: true },
  ];
}

function histogramLayout(btf: BtfTypes, value: StructLayout, valueTypeId: number, m: PolledMapManifest): HistogramLayout | undefined {
  if (!m.histogram) return undefined;
  const field = value.fields.find((f) => f.name === m.histogram?.slots);
  if (!field || field.kind !== 'bytes') throw new BtfError(`map ${m.name}: histogram slots ${m.histogram.slots} is not an integer array of the value`);
  const root = btf.resolve(valueTypeId);
  const member = root.kind === 'struct' ? root.members.find((x) => x.name === m.histogram?.slots) : undefined;
  const arr = member ? btf.resolve(member.type) : undefined;
  if (arr?.kind !== 'array') throw new BtfError(`map ${m.name}: histogram slots must be a top-level array member`);
  const elemSize = btf.sizeOf(arr.elemType);
  if (elemSize !== 4 && elemSize !== 8) throw new BtfError(`map ${m.name}: histogram slots must be __u32 or __u64`);
  return { offset: field.offset, elemSize, slots: arr.nelems, unit: m.histogram.unit };
}

function numberAt(v: DataView, at: number, size: 4 | 8): number {
  return size === 4 ? v.getUint32(at, true) : v.getUint32(at, true) + v.getUint32(at + 4, true) * 4294967296;
}

/** Per-CPU images: numbers add up, anything else (comm, file name) is taken from the first CPU that set it. */
function mergeCpu(into: EventRecord, other: EventRecord): void {
  for (const [k, v] of Object.entries(other)) {
    const cur = into[k];
    if (typeof v === 'number' && typeof cur === 'number') into[k] = cur + v;
    else if ((cur === '' || cur === undefined) && v !== '') into[k] = v;
  }
}

/** `derived` fields are computed from key members (e.g. endpoints from an address and a port). */
export function parsePolledMapSpec(
  btf: BtfTypes,
  m: PolledMapManifest,
  category: GadgetCategory,
  annotations: Readonly<Record<string, FieldAnnotation>>,
  gadget: string,
  derived: readonly DerivedField[] = [],
): PolledMapSpec {
  const map = mapDefinition(btf, m.name);
  const key = structLayout(btf, map.keyTypeId);
  const fullValue = structLayout(btf, map.valueTypeId);
  const histogram = histogramLayout(btf, fullValue, map.valueTypeId, m);
  // The slots are read by the histogram expansion, not the generic decoder (no hex of 256 bytes per row).
  const value: StructLayout = { ...fullValue, fields: fullValue.fields.filter((f) => f.name !== m.histogram?.slots) };

  const keyNames = new Set(key.fields.map((f) => f.name));
  for (const f of value.fields) if (keyNames.has(f.name)) throw new BtfError(`${gadget}: ${f.name} is in both the key and the value of map ${m.name}`);
  const known = new Set([...keyNames, ...value.fields.map((f) => f.name)]);
  for (const path of Object.keys(annotations)) {
    if (!known.has(path)) throw new BtfError(`${gadget}: manifest annotates ${path}, which map ${m.name}'s key and value lack`);
  }

  const fields = [intervalField, ...fieldMetas(key, annotations), ...fieldMetas(value, annotations)];
  if (m.histogram) fields.push(...histogramFields(m.histogram.unit, m.histogram.what));

  const rowDecoder = (bootOffsetNs: number): PolledRowDecoder => {
    const decodeKey: EventDecoder = generateDecoder(key, { annotations, bootOffsetNs, derived }).decode;
    const decodeValue: EventDecoder = generateDecoder(value, { annotations, bootOffsetNs }).decode;
    const slotsSum = new Array<number>(histogram?.slots ?? 0);
    return (kv, kb, ko, vv, vb, vo, cpus, stride) => {
      const row = decodeKey(kv, kb, ko, key.size);
      if (!row) return [];
      const own = decodeValue(vv, vb, vo, fullValue.size) ?? {};
      for (let cpu = 1; cpu < cpus; cpu++) mergeCpu(own, decodeValue(vv, vb, vo + cpu * stride, fullValue.size) ?? {});
      Object.assign(row, own);
      if (!histogram) return [row];
      slotsSum.fill(0);
      for (let cpu = 0; cpu < cpus; cpu++) {
        const base = vo + cpu * stride + histogram.offset;
        for (let i = 0; i < histogram.slots; i++) slotsSum[i] = (slotsSum[i] ?? 0) + numberAt(vv, base + i * histogram.elemSize, histogram.elemSize);
      }
      const rows: EventRecord[] = [];
      for (let i = 0; i < histogram.slots; i++) {
        const count = slotsSum[i] ?? 0;
        if (count === 0) continue;
        const b = log2Bucket(i);
        rows.push({ ...row, 'bucket.lo': b.lo, 'bucket.hi': b.hi, count });
      }
      return rows;
    };
  };

  return { map, key, value, ...(histogram ? { histogram } : {}), clearEachFetch: category === 'top', fields, rowDecoder };
}
