import { describe, expect, it } from 'vitest';
import { commonFields, compileFilter, type FieldMeta } from '@podscope/protocol';
import { applyCompletion, completionsAt, type ValueSource } from './filterCompletion.ts';
import { filterMark, mirrorText } from './filterMark.ts';
import { topValues } from './valueStats.ts';

const fields: FieldMeta[] = [
  ...commonFields,
  { name: 'args', type: 'string', description: '', defaultVisible: true },
  { name: 'op', type: 'enum', description: '', defaultVisible: true, enumValues: ['F_OPEN', 'F_READ'] },
  { name: 'args_truncated', type: 'boolean', description: '', defaultVisible: false },
];
const rows = [
  { 'proc.comm': 'sh', args: 'ls /' },
  { 'proc.comm': 'sh', args: 'cat a' },
  { 'proc.comm': 'ls', args: 'ls /' },
  { 'proc.comm': 'dd', args: 'dd if=a,b' },
];
const values: ValueSource = (field) => topValues(rows, field);
/** `‸` marks the cursor. */
const at = (withCursor: string) => {
  const cursor = withCursor.indexOf('‸');
  const text = withCursor.replace('‸', '');
  return { text, cursor, c: completionsAt(text, cursor, fields, values) };
};
const labels = (withCursor: string) => at(withCursor).c?.items.map((i) => i.label) ?? [];

describe('filter completion candidates', () => {
  it('offers field names at the start and after each separator', () => {
    expect(labels('proc.c‸')).toEqual(['proc.comm']);
    expect(labels('comm‸')).toEqual(['proc.comm', 'proc.pcomm']);
    expect(labels('proc.comm==sh,ar‸')[0]).toBe('args');
    expect(labels('proc.comm==sh and ar‸')[0]).toBe('args');
    expect(labels('(proc.comm==sh || ar‸')[0]).toBe('args');
    expect(labels('not ar‸')[0]).toBe('args');
    expect(at('proc.c‸').c?.kind).toBe('field');
  });

  it('offers the values seen in the rows after an operator, most frequent first', () => {
    const r = at('proc.comm==‸');
    expect(r.c).toMatchObject({ kind: 'value', field: 'proc.comm', from: 11, to: 11 });
    expect(r.c?.items.map((i) => i.label)).toEqual(['sh', 'dd', 'ls']);
    expect(r.c?.items[0]?.detail).toBe('2×');
    expect(labels('proc.comm != d‸')).toEqual(['dd']);
    expect(labels('args_truncated==‸')).toEqual(['true', 'false']);
    expect(labels('op==‸')).toEqual(['F_OPEN', 'F_READ']);
    expect(labels('proc.comm in (sh, ‸')).toEqual(['sh', 'dd', 'ls']);
  });

  it('quotes values that need it, and the result parses', () => {
    const r = at('proc.comm==sh,args==‸');
    const item = r.c!.items.find((i) => i.label === 'dd if=a,b')!;
    expect(item.insert).toBe('"dd if=a,b"');
    const applied = applyCompletion(r.text, r.c!, item);
    expect(applied.text).toBe('proc.comm==sh,args=="dd if=a,b"');
    expect(applied.cursor).toBe(applied.text.length);
    expect(compileFilter(applied.text, fields).ok).toBe(true);
    expect(labels('args=="ls‸')).toEqual(['ls /']);
  });

  it('replaces the whole token under the cursor, not only the part before it', () => {
    const r = at('proc.co‸mm==sh');
    const applied = applyCompletion(r.text, r.c!, r.c!.items[0]!);
    expect(applied.text).toBe('proc.comm==sh');
  });

  it('offers nothing inside a regex, after a complete field, or for unknown text', () => {
    expect(at('args~^l‸').c).toBeNull();
    expect(at('proc.comm‸').c).toBeNull();
    expect(at('zzz‸').c).toBeNull();
    expect(at('proc.comm==zzz‸').c).toBeNull();
  });
});

describe('error caret under the faulty character', () => {
  it('marks the span the filter error names', () => {
    const text = 'proc.comm==dd,fiel~^x';
    const r = compileFilter(text, fields);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const m = filterMark(text, r.error);
    expect(m.start).toBe(14);
    expect(m.caretLine).toBe(`${' '.repeat(14)}^^^^`);
    expect(text.slice(m.start, m.start + m.length)).toBe('fiel');
  });

  it('marks one column past the end for a missing value and clamps odd positions', () => {
    const text = 'proc.comm==';
    const r = compileFilter(text, fields);
    if (r.ok) throw new Error('expected an error');
    const m = filterMark(text, r.error);
    expect(m.start).toBe(text.length);
    expect(m.caretLine).toBe(`${' '.repeat(text.length)}^`);
    expect(filterMark('abc', { position: 99, length: 5 })).toEqual({ start: 3, length: 1, caretLine: '   ^' });
    expect(filterMark('abc', { position: -4, length: 0 })).toEqual({ start: 0, length: 1, caretLine: '^' });
    expect(filterMark('abcdef', { position: 2, length: 50 }).length).toBe(4);
  });

  it('keeps columns aligned when the text has tabs', () => {
    expect(mirrorText('a\tb')).toBe('a b');
    expect(filterMark('a\tb', { position: 2, length: 1 }).caretLine).toBe('  ^');
  });
});
