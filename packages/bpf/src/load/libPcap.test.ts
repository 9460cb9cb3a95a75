import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PodscopeError } from '@podscope/protocol';
import { compilePacketFilter, filterInsns, SOCK_FILTER_SIZE } from './libPcap.ts';

/** Parses `tcpdump -dd` output ("{ 0x28, 0, 0, 0x0000000c },") into sock_filter bytes. */
function tcpdumpDd(expr: string, snaplen: number): Buffer {
  const text = execFileSync('tcpdump', ['-y', 'EN10MB', '-s', String(snaplen), '-dd', expr], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const rows = [...text.matchAll(/\{\s*(0x[0-9a-f]+),\s*(\d+),\s*(\d+),\s*(0x[0-9a-f]+)\s*\}/gi)];
  const out = Buffer.alloc(rows.length * SOCK_FILTER_SIZE);
  rows.forEach((m, i) => {
    out.writeUInt16LE(Number(m[1]), i * 8);
    out.writeUInt8(Number(m[2]), i * 8 + 2);
    out.writeUInt8(Number(m[3]), i * 8 + 3);
    out.writeUInt32LE(Number(m[4]), i * 8 + 4);
  });
  return out;
}

describe('compilePacketFilter (libpcap through koffi)', () => {
  for (const [expr, snaplen] of [['port 80', 262144], ['udp port 53 or tcp port 53', 262144], ['tcp and host 10.200.0.2', 96], ['', 262144]] as const) {
    it(`"${expr}" (snaplen ${snaplen}) is byte-identical to tcpdump -dd`, () => {
      const mine = compilePacketFilter(expr, snaplen);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.equals(tcpdumpDd(expr, snaplen))).toBe(true);
    });
  }

  it('ends in a return of the snaplen for accepted packets', () => {
    const insns = filterInsns(compilePacketFilter('tcp', 128));
    expect(insns.some((i) => i.code === 0x06 && i.k === 128)).toBe(true);
  });

  it("refuses a bad expression with libpcap's own message", () => {
    expect(() => compilePacketFilter('port eighty')).toThrow(PodscopeError);
    expect(() => compilePacketFilter('tcp and and')).toThrow(/--pf "tcp and and": can.t parse filter expression: syntax error/);
    const err: unknown = (() => {
      try {
        compilePacketFilter('port eighty');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toMatchObject({ code: 'bad_param' });
  });
});
