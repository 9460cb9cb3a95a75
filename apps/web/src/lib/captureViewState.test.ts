import { describe, expect, it } from 'vitest';
import { buildShareLink, parseCaptureViewState, serializeCaptureViewState, type CaptureViewState } from './captureViewState.ts';

describe('capture view state', () => {
  it('round-trips every part of the view through the URL', () => {
    const state: CaptureViewState = {
      id: 'c-1f2e',
      tab: 'streams',
      filter: 'k8s.podName==web-1,args~"^ls /"',
      fields: 'timestamp,proc.comm,args',
      sort: '-proc.pid,timestamp',
      from: 1_760_000_000_123_456_768,
      to: 1_760_000_060_000_000_000,
      row: 4711,
      at: 1234,
      group: 'node',
      stream: 'ticket-generator|ticket-balancer-7c9f|haproxy|haproxy|10.0.0.6:40000->10.0.0.5:8080',
      share: 'tok_abc-123',
    };
    const text = serializeCaptureViewState(state);
    expect(parseCaptureViewState(text)).toEqual(state);
    expect(parseCaptureViewState(`?${text}`)).toEqual(state);
  });

  it('keeps ns times as plain digits (no exponent) so the hub can parse them', () => {
    const text = serializeCaptureViewState({ id: 'x', from: 1.76e18 });
    expect(text).toContain('from=1760000000000000000');
  });

  it('needs an id and drops bad values', () => {
    expect(parseCaptureViewState('tab=events')).toBeNull();
    expect(parseCaptureViewState('id=x&tab=bogus&row=-3&from=abc&group=zz')).toEqual({ id: 'x' });
    // A range that ends before it starts keeps only its start.
    expect(parseCaptureViewState('id=x&from=20&to=10')).toEqual({ id: 'x', from: 20 });
    // A position without a selected row means nothing.
    expect(parseCaptureViewState('id=x&at=5')).toEqual({ id: 'x' });
  });

  it('writes only what differs from the defaults', () => {
    expect(serializeCaptureViewState({ id: 'abc' })).toBe('id=abc');
  });
});

describe('buildShareLink', () => {
  it('carries the whole view and the token on this origin', () => {
    const link = buildShareLink('https://hub.example:7070/', { id: 'c1', filter: 'proc.comm==sh', row: 12, share: 'old' }, 'T0K');
    const url = new URL(link);
    expect(url.origin).toBe('https://hub.example:7070');
    expect(url.pathname).toBe('/capture');
    expect(parseCaptureViewState(url.search)).toEqual({ id: 'c1', filter: 'proc.comm==sh', row: 12, share: 'T0K' });
  });

  it('escapes a token and filter that hold URL syntax', () => {
    const link = buildShareLink('http://h', { id: 'c1', filter: 'args=="a&b#c"' }, 'a+b/c=&');
    expect(parseCaptureViewState(new URL(link).search)).toEqual({ id: 'c1', filter: 'args=="a&b#c"', share: 'a+b/c=&' });
  });
});
