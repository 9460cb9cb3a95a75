import { afterEach, describe, expect, it } from 'vitest';
import { captureRoutes } from './captureClient.ts';
import { setShareToken, withShareToken } from './hubClient.ts';

describe('share token on plain links', () => {
  afterEach(() => setShareToken(null));

  it('leaves links alone without a token', () => {
    expect(withShareToken(captureRoutes.export('c1'))).toBe('/api/captures/c1/export');
  });

  it('appends the token as the hub reads it (?share=), escaped', () => {
    setShareToken('a+b/c');
    expect(withShareToken(captureRoutes.export('c1'))).toBe('/api/captures/c1/export?share=a%2Bb%2Fc');
    expect(withShareToken('/api/captures/c1/events?limit=5')).toBe('/api/captures/c1/events?limit=5&share=a%2Bb%2Fc');
  });
});
