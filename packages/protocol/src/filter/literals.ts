import type { FieldType } from '../fields.ts';

const durationNs: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const byteUnits: Record<string, number> = {
  b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** Converts a literal to the field's numeric unit; `5ms` against a field in us gives 5000. */
export function parseDurationLiteral(text: string, fieldUnit: string | undefined): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  if (m[2] === undefined) return value;
  const unitNs = durationNs[fieldUnit ?? 'ns'] ?? 1;
  return (value * durationNs[m[2]]!) / unitNs;
}

export function parseBytesLiteral(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === undefined ? 1 : byteUnits[m[2].toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function parseIntegerLiteral(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  return undefined;
}

export function parseNumberFor(type: FieldType, unit: string | undefined, text: string): number | undefined {
  switch (type) {
    case 'duration':
      return parseDurationLiteral(text, unit);
    case 'bytes':
      return parseBytesLiteral(text);
    case 'integer':
    case 'timestamp':
      return parseIntegerLiteral(text) ?? (/^-?\d+\.\d+$/.test(text.trim()) ? Number(text) : undefined);
    case 'string':
    case 'boolean':
    case 'ip':
    case 'endpoint':
    case 'enum':
    case 'errno':
      return undefined;
  }
}

/** An IPv4 or IPv6 address as a bigint with its width, or undefined. */
export function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  const t = text.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
  }
  if (!t.includes(':') || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { value, bits: 128 };
}

export interface Cidr {
  base: bigint;
  prefix: number;
  bits: 32 | 128;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const prefix = len === undefined ? ip.bits : /^\d+$/.test(len) ? Number(len) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) return undefined;
  const shift = BigInt(ip.bits - prefix);
  return { base: (ip.value >> shift) << shift, prefix, bits: ip.bits };
}

/** Strips a port or brackets from an endpoint-like value so `10.0.0.5:80` matches `10.0.0.0/8`. */
export function addressPart(value: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracket) return bracket[1]!;
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(value);
  return v4port ? v4port[1]! : value;
}

export function cidrContains(c: Cidr, text: string): boolean {
  const ip = parseIp(addressPart(text));
  if (!ip || ip.bits !== c.bits) return false;
  const shift = BigInt(c.bits - c.prefix);
  return (ip.value >> shift) << shift === c.base;
}
