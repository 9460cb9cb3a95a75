import { describe, expect, it } from 'vitest';
import { DnsPairing } from './dnsPairing.ts';

describe('DnsPairing', () => {
  it('pairs a response with its query by netns, id and client endpoint', () => {
    const p = new DnsPairing();
    p.query(DnsPairing.key(1, 7, '10.0.0.5:4000'), 1000);
    p.query(DnsPairing.key(2, 7, '10.0.0.5:4000'), 1500);
    expect(p.response(DnsPairing.key(1, 7, '10.0.0.5:4001'), 3000)).toBeNull();
    expect(p.response(DnsPairing.key(1, 7, '10.0.0.5:4000'), 3000)).toBe(2000);
    expect(p.response(DnsPairing.key(1, 7, '10.0.0.5:4000'), 3100)).toBeNull();
    expect(p.response(DnsPairing.key(2, 7, '10.0.0.5:4000'), 1600)).toBe(100);
    expect(p.pending).toBe(0);
  });

  it('keeps the first of retransmitted queries and bounds what it holds', () => {
    const p = new DnsPairing(1e9, 100);
    p.query('k', 10);
    p.query('k', 50);
    expect(p.response('k', 60)).toBe(50);
    for (let i = 0; i < 1000; i++) p.query(`q${i}`, i);
    expect(p.pending).toBeLessThanOrEqual(100);
    p.query('old', 0);
    expect(p.response('old', 5e9)).toBeNull();
  });
});
