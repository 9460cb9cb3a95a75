import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { RingReader } from './ringReader.ts';
import type { EventDecoder } from '../spec/decoderGenerator.ts';
import { BUSY, DISCARD, FakeRing } from '../../test/fakeRing.ts';

const decode: EventDecoder = (v, _b, o, n) => (n < 4 ? null : { value: v.getUint32(o, true), len: n });

let ring: FakeRing | undefined;
afterEach(() => ring?.close());

function reader(r: FakeRing, onEvents: (e: EventRecord[]) => void, maxBatch?: number): RingReader {
  return new RingReader({ fd: r.fd, size: r.size, decode, onEvents, ...(maxBatch === undefined ? {} : { maxBatch }) });
}

describe('RingReader record walk', () => {
  it('decodes committed records in one batch and advances the consumer position', () => {
    ring = new FakeRing(4096);
    const batches: EventRecord[][] = [];
    const rr = reader(ring, (e) => batches.push(e));
    ring.push(1);
    ring.push(2, 0, 12);
    ring.push(3);
    expect(rr.drain()).toBe(3);
    expect(batches).toEqual([[{ value: 1, len: 4 }, { value: 2, len: 12 }, { value: 3, len: 4 }]]);
    expect(ring.consumer()).toBe(16 + 24 + 16);
    expect(rr.drain()).toBe(0);
    rr.close();
  });

  it('skips discarded records and stops at one still being written', () => {
    ring = new FakeRing(4096);
    const seen: number[] = [];
    const rr = reader(ring, (e) => seen.push(...e.map((x) => x['value'] as number)));
    ring.push(1, DISCARD);
    ring.push(2);
    const busy = ring.push(3, BUSY);
    ring.push(4);
    rr.drain();
    expect(seen).toEqual([2]);
    expect(ring.consumer()).toBe(busy);
    ring.setFlags(busy, 4, 0);
    rr.drain();
    expect(seen).toEqual([2, 3, 4]);
    rr.close();
  });

  it('reads a record that wraps past the end of the data area', () => {
    ring = new FakeRing(4096);
    ring.seek(4096 - 8); // header fits at the end, payload lands in the wrapped copy
    const seen: number[] = [];
    const rr = reader(ring, (e) => seen.push(...e.map((x) => x['value'] as number)));
    ring.push(0xdeadbeef);
    ring.push(7);
    rr.drain();
    expect(seen).toEqual([0xdeadbeef, 7]);
    expect(ring.consumer()).toBe(4096 - 8 + 32);
    rr.close();
  });

  it('reassembles a payload split by the end of the (singly mapped) data area', () => {
    ring = new FakeRing(4096);
    ring.seek(4096 - 16); // header at 4080, 16-byte payload at 4088..4104: a u32 at payload offset 6 straddles the end
    const payload = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) payload[i] = 0x10 + i;
    ring.pushBytes(payload);
    const seen: EventRecord[] = [];
    const straddle: EventDecoder = (v, b, o, n) => ({ mid: v.getUint32(o + 6, true), last: b[o + n - 1] ?? -1, n });
    const rr = new RingReader({ fd: ring.fd, size: ring.size, decode: straddle, onEvents: (e) => seen.push(...e) });
    rr.drain();
    expect(seen).toEqual([{ mid: payload.readUInt32LE(6), last: 0x1f, n: 16 }]);
    rr.close();
  });

  it('hands over at most maxBatch events per call and counts malformed records', () => {
    ring = new FakeRing(4096);
    const sizes: number[] = [];
    const rr = reader(ring, (e) => sizes.push(e.length), 2);
    for (let i = 0; i < 5; i++) ring.push(i);
    ring.push(9, 0, 2); // shorter than the decoder accepts
    rr.drain();
    expect(sizes).toEqual([2, 2, 1]);
    expect(rr.malformed).toBe(1);
    expect(rr.delivered).toBe(5);
    rr.close();
  });

  it('survives being closed from inside onEvents', () => {
    ring = new FakeRing(4096);
    let calls = 0;
    const rr: RingReader = reader(
      ring,
      () => {
        calls++;
        rr.close();
      },
      1,
    );
    ring.push(1);
    ring.push(2);
    rr.drain();
    expect(calls).toBe(1);
    expect(rr.drain()).toBe(0);
    rr.close();
  });

  it('drains on its own timer', async () => {
    ring = new FakeRing(4096);
    const seen: number[] = [];
    const rr = reader(ring, (e) => seen.push(...e.map((x) => x['value'] as number)));
    rr.start();
    ring.push(42);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([42]);
    rr.close();
  });
});
