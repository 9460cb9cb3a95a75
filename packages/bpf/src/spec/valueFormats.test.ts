import { describe, expect, it } from 'vitest';
import { endpointString, ipString, octalMode, openFlagsString, signalName } from './valueFormats.ts';

const v6 = (text: string): Uint8Array => {
  // Test helper: expand a full 8-group address (no "::") into bytes.
  const out = new Uint8Array(16);
  text.split(':').forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
};

describe('value formats', () => {
  it('prints IPv4 and RFC 5952 IPv6', () => {
    expect(ipString(Uint8Array.of(9, 127, 0, 0, 1), 1, 4)).toBe('127.0.0.1');
    expect(ipString(v6('0:0:0:0:0:0:0:1'), 0, 6)).toBe('::1');
    expect(ipString(v6('0:0:0:0:0:0:0:0'), 0, 6)).toBe('::');
    expect(ipString(v6('2001:db8:0:0:1:0:0:1'), 0, 6)).toBe('2001:db8::1:0:0:1');
    expect(ipString(v6('2001:db8:0:1:1:1:1:1'), 0, 6)).toBe('2001:db8:0:1:1:1:1:1');
    expect(ipString(v6('fe80:0:0:0:0:0:0:0'), 0, 6)).toBe('fe80::');
    expect(ipString(v6('0:0:0:0:0:ffff:a00:1'), 0, 6)).toBe('::ffff:10.0.0.1');
    expect(ipString(new Uint8Array(16), 0, 0)).toBe('');
  });

  it('joins endpoints, bracketing IPv6', () => {
    expect(endpointString('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(endpointString('::1', 443)).toBe('[::1]:443');
    expect(endpointString('', 0)).toBe('');
  });

  it('names open flags and modes', () => {
    expect(openFlagsString(0)).toBe('O_RDONLY');
    expect(openFlagsString(0o1 | 0o100 | 0o1000 | 0o2000000)).toBe('O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC');
    expect(openFlagsString(0o2 | 0o40000000)).toBe('O_RDWR|0x800000');
    expect(octalMode(0o644)).toBe('0644');
    expect(octalMode(0o4755)).toBe('04755');
  });

  it('names signals, including real-time ones', () => {
    expect(signalName(9)).toBe('SIGKILL');
    expect(signalName(15)).toBe('SIGTERM');
    expect(signalName(6)).toBe('SIGABRT');
    expect(signalName(34)).toBe('SIGRTMIN');
    expect(signalName(37)).toBe('SIGRTMIN+3');
    expect(signalName(0)).toBe('0');
  });
});
