import type { EventValue, FieldMeta, FieldType } from '@podscope/protocol';

const pad2 = (n: number): string => String(n).padStart(2, '0');
const pad3 = (n: number): string => String(n).padStart(3, '0');

/** Nanoseconds since the Unix epoch → local wall-clock time `HH:MM:SS.mmm`. */
export function formatTimestampNs(ns: number): string {
  const d = new Date(Math.floor(ns / 1e6));
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
}

/** Local date and time with ms, for the detail panel where the day matters too. */
export function formatTimestampLong(ns: number): string {
  const d = new Date(Math.floor(ns / 1e6));
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatTimestampNs(ns)}`;
}

const nsPerUnit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };

function trimNumber(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** A duration in the field's unit (nanoseconds when none is given) → `850ns`, `1.25ms`, `3.40s`. */
export function formatDuration(value: number, unit = 'ns'): string {
  const ns = value * (nsPerUnit[unit] ?? 1);
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${trimNumber(ns)}ns`;
  if (abs < 1e6) return `${trimNumber(ns / 1e3)}µs`;
  if (abs < 1e9) return `${trimNumber(ns / 1e6)}ms`;
  if (abs < 60e9) return `${trimNumber(ns / 1e9)}s`;
  const totalS = Math.round(ns / 1e9);
  return `${Math.floor(totalS / 60)}m${pad2(totalS % 60)}s`;
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes → `512 B`, `1.50 KiB`, `12.0 MiB` (binary units, as `ls -h` and IG print them). */
export function formatBytes(value: number): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < byteUnits.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${trimNumber(v)} ${byteUnits[i]}`;
}

function formatTyped(value: string | number | boolean, type: FieldType, unit: string | undefined): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  switch (type) {
    case 'timestamp':
      return formatTimestampNs(value);
    case 'duration':
      return formatDuration(value, unit);
    case 'bytes':
      return formatBytes(value);
    case 'string':
    case 'integer':
    case 'boolean':
    case 'ip':
    case 'endpoint':
    case 'enum':
    case 'errno':
      return String(value);
  }
}

/** Formats one event value for a table cell; unknown fields (no metadata) print as they came. */
export function formatField(value: EventValue | undefined, meta: Pick<FieldMeta, 'type' | 'unit'> | undefined): string {
  if (value === undefined || value === null) return '';
  if (meta === undefined) return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  return formatTyped(value, meta.type, meta.unit);
}
