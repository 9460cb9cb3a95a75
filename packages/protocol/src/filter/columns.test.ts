import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../fields.ts';
import { compareBySortKeys, parseSortSpec, resolveColumns } from './columns.ts';

const f = (name: string, defaultVisible: boolean): FieldMeta => ({ name, type: name === 'n' ? 'integer' : 'string', description: '', defaultVisible });
const fields = [f('k8s.podName', true), f('proc.comm', true), f('file', true), f('n', false), f('op', false)];

describe('--fields', () => {
  it('picks and orders', () => {
    expect(resolveColumns('file,k8s.podName', fields)).toEqual({ ok: true, columns: ['file', 'k8s.podName'] });
  });
  it('adds and hides relative to the defaults', () => {
    expect(resolveColumns('+n,-proc.comm', fields)).toEqual({ ok: true, columns: ['k8s.podName', 'file', 'n'] });
  });
  it('empty means defaults', () => {
    expect(resolveColumns('', fields)).toEqual({ ok: true, columns: ['k8s.podName', 'proc.comm', 'file'] });
  });
  it('names the unknown field and its position', () => {
    const r = resolveColumns('file,coom', fields);
    expect(r).toMatchObject({ ok: false, error: { position: 5, message: 'unknown field "coom"' } });
    if (!r.ok) expect(r.error.suggestions).toContain('proc.comm');
  });
  it('refuses a mix of forms', () => {
    expect(resolveColumns('+n,file', fields).ok).toBe(false);
  });
});

describe('--sort', () => {
  it('sorts ascending and descending on several keys', () => {
    const r = parseSortSpec('op,-n', fields);
    expect(r).toEqual({ ok: true, keys: [{ field: 'op', descending: false }, { field: 'n', descending: true }] });
    if (!r.ok) return;
    const rows = [{ op: 'b', n: 1 }, { op: 'a', n: 1 }, { op: 'a', n: 5 }, { op: null, n: 9 }];
    expect(rows.sort(compareBySortKeys(r.keys))).toEqual([{ op: 'a', n: 5 }, { op: 'a', n: 1 }, { op: 'b', n: 1 }, { op: null, n: 9 }]);
  });
  it('refuses unknown fields', () => {
    expect(parseSortSpec('-bogus', fields).ok).toBe(false);
  });
});
