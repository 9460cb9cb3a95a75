import { describe, expect, it } from 'vitest';
import { parseHexEndpoint, parseProcNet } from './procNet.ts';

// Lines as the kernel prints them on x86 (little-endian words).
const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 123457 1 0000000000000000 20 4 30 10 -1
`;
const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0035 00000000000000000000000001000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 9002 1
   2: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000100007F:D431 06 00000000:00000000 00:00000000 00000000     0        0 0 1
`;
const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
`;

describe('/proc/net tables', () => {
  it('decodes IPv4 endpoints and TCP states', () => {
    expect(parseProcNet(tcp, 'TCP', true)).toEqual([
      { proto: 'TCP', src: '127.0.0.1:8080', dst: '0.0.0.0:0', state: 'LISTEN', inode: 123456 },
      { proto: 'TCP', src: '127.0.0.1:41394', dst: '127.0.0.1:8080', state: 'ESTABLISHED', inode: 123457 },
    ]);
  });

  it('decodes IPv6 endpoints in brackets, compressed, with v4-mapped addresses', () => {
    expect(parseProcNet(tcp6, 'TCP', true).map((s) => [s.src, s.dst, s.state])).toEqual([
      ['[::]:8080', '[::]:0', 'LISTEN'],
      ['[::1]:53', '[::1]:50000', 'ESTABLISHED'],
      ['[::ffff:127.0.0.1]:80', '[::ffff:127.0.0.1]:54321', 'TIME_WAIT'],
    ]);
    expect(parseHexEndpoint('B80D0120000000000000000001000000:0050', true)).toBe('[2001:db8::1]:80');
  });

  it('calls an unconnected UDP socket UNCONN and skips malformed lines', () => {
    expect(parseProcNet(udp + 'garbage\n  7: zz:1 00000000:0000 07 0 0 0 0 0 1\n', 'UDP', true)).toEqual([{ proto: 'UDP', src: '0.0.0.0:53', dst: '0.0.0.0:0', state: 'UNCONN', inode: 777 }]);
  });
});
