/** Formatting of kernel values that are numbers or bytes in C but names or text to users. */
import { constants } from 'node:os';
import { formatIpv4, formatIpv6 } from './ipText.ts';

/** IPv4 dotted quad, or IPv6 in RFC 5952 form (longest zero run compressed, v4-mapped kept readable). */
export function ipString(bytes: Uint8Array, start: number, version: number): string {
  if (start < 0 || start + (version === 4 ? 4 : 16) > bytes.length) return '';
  if (version === 4) return formatIpv4(bytes, start);
  return version === 6 ? formatIpv6(bytes, start) : '';
}

/** "addr:port", with IPv6 addresses in brackets; "" when the address is unknown. */
export function endpointString(addr: string, port: number): string {
  if (addr === '') return '';
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

// Linux generic open(2) flag bits (x86, arm64 and most others share these).
const openFlagBits: readonly (readonly [number, string])[] = [
  [0o100, 'O_CREAT'],
  [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o10000, 'O_DSYNC'],
  [0o20000, 'O_ASYNC'],
  [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'],
  [0o4000000, 'O_SYNC'],
  [0o10000000, 'O_PATH'],
  [0o20000000, 'O_TMPFILE'],
];
const accessModes = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];

/** A process opens with few distinct flag/mode values: strings are built once per value (bounded). */
function memo(build: (v: number) => string): (v: number) => string {
  const cache = new Map<number, string>();
  return (v) => {
    let s = cache.get(v);
    if (s === undefined) {
      s = build(v);
      if (cache.size >= 4096) cache.clear();
      cache.set(v, s);
    }
    return s;
  };
}

/** e.g. "O_WRONLY|O_CREAT|O_TRUNC"; unknown bits are kept as hex. */
export const openFlagsString = memo(buildOpenFlags);

function buildOpenFlags(flags: number): string {
  const parts = [accessModes[flags & 3] ?? ''];
  let rest = flags & ~3;
  for (const [bit, name] of openFlagBits) {
    if ((rest & bit) !== 0) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) parts.push(`0x${(rest >>> 0).toString(16)}`);
  return parts.join('|');
}

/** Permission bits as "0644". */
export const octalMode = memo((mode) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`);

const signalNames = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals)) {
  // SIGIOT/SIGABRT and SIGPOLL/SIGIO share numbers; Node lists the usual name first.
  if (!signalNames.has(num)) signalNames.set(num, name);
}
const SIGRTMIN = 34;

/** "SIGKILL", "SIGRTMIN+3", or the number when unknown. */
export function signalName(sig: number): string {
  const known = signalNames.get(sig);
  if (known !== undefined) return known;
  if (sig >= SIGRTMIN && sig <= 64) return sig === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${sig - SIGRTMIN}`;
  return String(sig);
}
