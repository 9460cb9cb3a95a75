import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { decodeAgentToHub, decodeClientToHub, encodeFrame } from './codec.ts';
import { PROTOCOL_VERSION } from './version.ts';
import type { AgentToHub } from './messages.ts';

describe('frame codec', () => {
  it('round-trips an event batch', () => {
    const msg: AgentToHub = {
      v: PROTOCOL_VERSION,
      type: 'events',
      runId: 'r1',
      node: 'n1',
      seq: 7,
      events: [
        { timestamp: 1_700_000_000_123_456_768, 'proc.comm': 'ls', 'proc.pid': 42, args: 'ls /', args_truncated: false, 'k8s.podName': null },
        { timestamp: 1_700_000_000_223_456_768, 'proc.comm': 'sh', 'proc.pid': 43, args: 'sh -c x', args_truncated: true, 'k8s.podName': 'web-1' },
      ],
    };
    const decoded = decodeAgentToHub(encodeFrame(msg));
    expect(decoded).toEqual({ ok: true, message: msg });
  });

  it('rejects bytes that are not MessagePack', () => {
    const r = decodeClientToHub(new Uint8Array([0xc1, 0xff, 0x00]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad_frame');
  });

  it('rejects a well-formed frame of the wrong shape and names the field', () => {
    const r = decodeClientToHub(new Packr().pack({ v: PROTOCOL_VERSION, type: 'subscribe', runId: 5 }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_frame');
      expect(r.error.message).toContain('runId');
    }
  });

  it('rejects an unknown message type', () => {
    const r = decodeClientToHub(new Packr().pack({ v: PROTOCOL_VERSION, type: 'explode' }));
    expect(r.ok).toBe(false);
  });

  it('refuses another protocol version', () => {
    const r = decodeClientToHub(new Packr().pack({ v: PROTOCOL_VERSION + 1, type: 'ping', t: 1 }));
    expect(r).toMatchObject({ ok: false, error: { code: 'version_mismatch' } });
  });
});

describe('event batches', () => {
  const batch = (events: unknown) => new Packr().pack({ v: PROTOCOL_VERSION, type: 'events', runId: 'r', node: 'n', seq: 1, events });
  it('names the event and field that is not a flat value', () => {
    const r = decodeAgentToHub(batch([{ a: 1 }, { b: { nested: true } }]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('events.1.b');
  });
  it('refuses arrays as values and non-object events', () => {
    expect(decodeAgentToHub(batch([{ a: [1, 2] }])).ok).toBe(false);
    expect(decodeAgentToHub(batch([5])).ok).toBe(false);
    expect(decodeAgentToHub(batch({ a: 1 })).ok).toBe(false);
  });
  it('accepts null, strings, numbers and booleans', () => {
    expect(decodeAgentToHub(batch([{ a: null, b: 's', c: 1.5, d: false }])).ok).toBe(true);
  });
});
