import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatField, formatTimestampLong, formatTimestampNs } from './formatField.ts';

describe('formatField', () => {
  it('prints a nanosecond timestamp as local HH:MM:SS.mmm', () => {
    const d = new Date(2025, 0, 2, 3, 4, 5, 678);
    const ns = d.getTime() * 1e6 + 123_456;
    expect(formatTimestampNs(ns)).toBe('03:04:05.678');
    expect(formatField(ns, { type: 'timestamp', unit: 'ns' })).toBe('03:04:05.678');
    expect(formatTimestampLong(ns)).toBe('2025-01-02 03:04:05.678');
  });

  it('scales durations from the field unit', () => {
    expect(formatDuration(850)).toBe('850ns');
    expect(formatDuration(1250, 'us')).toBe('1.25ms');
    expect(formatDuration(3400, 'ms')).toBe('3.40s');
    expect(formatDuration(125, 's')).toBe('2m05s');
    expect(formatField(15_000, { type: 'duration', unit: 'ns' })).toBe('15.0µs');
  });

  it('prints bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatField(12 * 1024 * 1024, { type: 'bytes' })).toBe('12.0 MiB');
  });

  it('prints booleans, nulls and unknown fields plainly', () => {
    expect(formatField(true, { type: 'boolean' })).toBe('true');
    expect(formatField(false, undefined)).toBe('false');
    expect(formatField(null, { type: 'string' })).toBe('');
    expect(formatField(undefined, { type: 'integer' })).toBe('');
    expect(formatField(42, { type: 'integer' })).toBe('42');
    expect(formatField('ENOENT', { type: 'errno' })).toBe('ENOENT');
  });
});
