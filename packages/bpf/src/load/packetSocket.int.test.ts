import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePacketFilter } from './libPcap.ts';
import { PacketSocket, type CapturedPacket } from './packetSocket.ts';

// An AF_PACKET capture inside a network namespace this test creates (loopback only). Needs root; fails, never skips.
const ns = `ps-sock-${process.pid % 100000}`;
let holder: ChildProcess;
/** Sends `count` UDP datagrams of `size` bytes to 127.0.0.1:port from inside the test namespace (loopback only). */
const sendUdp = (port: number, count: number, size: number): void =>
  void execFileSync('ip', ['netns', 'exec', ns, 'python3', '-c', `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(${count}): s.sendto(bytes(${size}),('127.0.0.1',${port}))`], { stdio: 'ignore' });
const ownNetns = (): string => execFileSync('readlink', [`/proc/${process.pid}/ns/net`], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  holder = spawn('ip', ['netns', 'exec', ns, 'sleep', '120'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 200));
});

afterAll(() => {
  holder?.kill();
  execFileSync('ip', ['netns', 'del', ns]);
});

function collect(s: PacketSocket): (CapturedPacket & { bytes: Buffer; ifname: string })[] {
  const out: (CapturedPacket & { bytes: Buffer; ifname: string })[] = [];
  s.drain((p) => void out.push({ ...p, bytes: Buffer.from(p.data), ifname: s.ifname(p.ifindex) }));
  return out;
}

describe('PacketSocket in a pod-like network namespace', () => {
  it('captures only what the kernel filter accepts, with kernel wall-clock timestamps, and leaves our netns alone', async () => {
    const before = ownNetns();
    const s = PacketSocket.open({ pid: holder.pid!, filter: compilePacketFilter('udp port 9999', 128), blockTimeoutMs: 2 });
    expect(ownNetns()).toBe(before);
    const t0 = Date.now();
    // 20 matching datagrams of 300 bytes and 20 that the filter must drop in the kernel.
    sendUdp(9999, 20, 300);
    sendUdp(9998, 20, 300);
    await new Promise((r) => setTimeout(r, 50));
    const got = collect(s);
    const t1 = Date.now();
    expect(got.length).toBe(20);
    for (const p of got) {
      expect(p.ifname).toBe('lo');
      expect(p.len).toBe(14 + 20 + 8 + 300);
      expect(p.caplen).toBe(128); // snaplen applied by the filter's return value
      expect(p.bytes.readUInt16BE(14 + 20 + 2)).toBe(9999);
      const ms = p.tsSec * 1000 + p.tsNsec / 1e6;
      expect(ms).toBeGreaterThanOrEqual(t0 - 5);
      expect(ms).toBeLessThanOrEqual(t1);
    }
    expect(s.stats()).toMatchObject({ drops: 0 });
    s.close();
  });

  it('a tiny ring overflows and the kernel drops are counted', async () => {
    const s = PacketSocket.open({ pid: holder.pid!, filter: compilePacketFilter('udp port 9999'), blockSize: 4096, blockCount: 2, blockTimeoutMs: 1000 });
    sendUdp(9999, 2000, 1000);
    const st = s.stats();
    // Loopback: the kernel filter sees each datagram twice (out and in); only the incoming copy is delivered.
    expect(st.packets).toBe(4000);
    expect(st.drops).toBeGreaterThan(0);
    expect(collect(s).length).toBeLessThan(2000);
    s.close();
  });

  it('an unknown interface and a vanished process are clear errors', () => {
    expect(() => PacketSocket.open({ pid: holder.pid!, filter: compilePacketFilter(''), interface: 'nope0' })).toThrow(/no interface nope0/);
    expect(() => PacketSocket.open({ pid: 999999999, filter: compilePacketFilter('') })).toThrow(/network namespace of pid 999999999/);
  });
});
