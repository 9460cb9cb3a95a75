import { describe, expect, it } from 'vitest';
import { resolveParams, parseDurationMs, type GadgetMeta } from './gadget.ts';
import { PodscopeError } from './errors.ts';

const meta: GadgetMeta = {
  name: 'trace_exec',
  category: 'trace',
  description: 'x',
  fields: [],
  params: [
    { name: 'ignore-failed', type: 'boolean', description: '', default: true },
    { name: 'max-args', type: 'integer', description: '', default: 20, min: 1, max: 64 },
    { name: 'timeout', type: 'duration', description: '' },
  ],
};

describe('resolveParams', () => {
  it('fills defaults and coerces strings from a CLI or URL', () => {
    expect(resolveParams(meta, { 'max-args': '32', timeout: '2s' })).toEqual({ 'ignore-failed': true, 'max-args': 32, timeout: 2000 });
  });
  it('refuses an unknown parameter with the known ones', () => {
    expect(() => resolveParams(meta, { bogus: 1 })).toThrow(/no parameter --bogus/);
  });
  it('refuses a bad type with code bad_param', () => {
    try {
      resolveParams(meta, { 'max-args': 'many' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PodscopeError);
      expect((e as PodscopeError).code).toBe('bad_param');
      expect((e as PodscopeError).message).toContain('--max-args');
    }
  });
  it('enforces bounds', () => {
    expect(() => resolveParams(meta, { 'max-args': 100 })).toThrow(/above the maximum 64/);
  });
  it('parses durations', () => {
    expect(parseDurationMs('150ms')).toBe(150);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('abc')).toBeUndefined();
  });
});
