import { endianness } from 'node:os';

/** One socket line of /proc/<pid>/net/{tcp,tcp6,udp,udp6}. */
export interface ProcNetSocket {
  proto: 'TCP' | 'UDP';
  src: string;
  dst: string;
  state: string;
  inode: number;
}

// include/net/tcp_states.h
const tcpStates: Readonly<Record<number, string>> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
  7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'NEW_SYN_RECV',
};
export const socketStates = [...Object.values(tcpStates), 'UNCONN'];

/** The kernel prints each 32-bit word of an address with %08X in host byte order. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? b.reverse() : b;
}

function formatV6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** `0100007F:1F90` (or the 32-digit IPv6 form) as `127.0.0.1:8080` / `[::1]:8080`; null when malformed. */
export function parseHexEndpoint(text: string, littleEndian = endianness() === 'LE'): string | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) return null;
  const addr = m[1]!;
  const port = parseInt(m[2]!, 16);
  if (addr.length === 8) return `${wordBytes(addr, littleEndian).join('.')}:${port}`;
  const bytes: number[] = [];
  for (let w = 0; w < 32; w += 8) bytes.push(...wordBytes(addr.slice(w, w + 8), littleEndian));
  return `[${formatV6(bytes)}]:${port}`;
}

/** Parses one /proc/net table; the header and malformed lines are skipped. */
export function parseProcNet(text: string, proto: 'TCP' | 'UDP', littleEndian = endianness() === 'LE'): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const src = parseHexEndpoint(f[1]!, littleEndian);
    const dst = parseHexEndpoint(f[2]!, littleEndian);
    const st = parseInt(f[3]!, 16);
    const inode = Number(f[9]);
    if (src === null || dst === null || !Number.isInteger(inode)) continue;
    // An unconnected UDP socket sits in TCP_CLOSE; ss calls that UNCONN.
    const state = proto === 'UDP' && st === 7 ? 'UNCONN' : (tcpStates[st] ?? `UNKNOWN(${st})`);
    out.push({ proto, src, dst, state, inode });
  }
  return out;
}
