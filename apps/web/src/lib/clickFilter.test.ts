import { describe, expect, it } from 'vitest';
import { commonFields, compileFilter, type EventRecord, type FieldMeta } from '@podscope/protocol';
import { appendClause, clauseFor, quoteFilterValue } from './clickFilter.ts';

const fields: FieldMeta[] = [
  ...commonFields,
  { name: 'args', type: 'string', description: '', defaultVisible: true },
  { name: 'args_truncated', type: 'boolean', description: '', defaultVisible: false },
  { name: 'error', type: 'errno', description: '', defaultVisible: true },
];

function matches(filter: string, row: EventRecord): boolean {
  const r = compileFilter(filter, fields);
  if (!r.ok) throw new Error(`${filter}: ${r.error.message} at ${r.error.position}`);
  return r.filter.matches(row);
}

describe('click-to-filter clauses', () => {
  const tricky = ['ls /', 'dd if=a,b of=c', 'say "hi"', 'back\\slash', '(paren)', 'a and b', 'or', '', 'x)', "it's", '  padded ', 'ünïcode', '-v', '!bang', 'tab\there'];
  it.each(tricky)('%j round-trips through the filter language', (value) => {
    const row: EventRecord = { args: value };
    const eq = clauseFor('args', value, false)!;
    const ne = clauseFor('args', value, true)!;
    expect(matches(eq, row)).toBe(true);
    expect(matches(eq, { args: `${value}x` })).toBe(false);
    expect(matches(ne, row)).toBe(false);
    expect(matches(ne, { args: `${value}x` })).toBe(true);
  });

  it('leaves simple values bare and quotes the rest', () => {
    expect(clauseFor('proc.comm', 'sh', false)).toBe('proc.comm==sh');
    expect(clauseFor('proc.comm', 'sh', true)).toBe('proc.comm!=sh');
    expect(clauseFor('args', 'ls /', false)).toBe('args=="ls /"');
    expect(quoteFilterValue('a,b')).toBe('"a,b"');
    expect(quoteFilterValue('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('handles numbers, booleans and missing values', () => {
    expect(clauseFor('proc.pid', 42, false)).toBe('proc.pid==42');
    expect(matches('proc.pid==42', { 'proc.pid': 42 })).toBe(true);
    const ts = 1_760_000_000_123_456_800;
    expect(matches(clauseFor('timestamp', ts, false)!, { timestamp: ts })).toBe(true);
    expect(clauseFor('args_truncated', false, false)).toBe('args_truncated==false');
    expect(matches('args_truncated==false', { args_truncated: false })).toBe(true);
    expect(clauseFor('args', null, false)).toBeNull();
    expect(clauseFor('args', undefined, false)).toBeNull();
  });

  it('ANDs onto the filter with a comma, keeping an OR filter grouped', () => {
    expect(appendClause('', 'proc.comm==sh')).toBe('proc.comm==sh');
    expect(appendClause('proc.pid>1', 'proc.comm==sh')).toBe('proc.pid>1,proc.comm==sh');
    const grouped = appendClause('proc.comm==a or proc.comm==b', 'proc.pid==1');
    expect(grouped).toBe('(proc.comm==a or proc.comm==b),proc.pid==1');
    expect(matches(grouped, { 'proc.comm': 'a', 'proc.pid': 2 })).toBe(false);
    expect(matches(grouped, { 'proc.comm': 'a', 'proc.pid': 1 })).toBe(true);
  });

  it('does not repeat a clause already there, and keeps half-typed text', () => {
    expect(appendClause('proc.comm==sh,proc.pid>1', 'proc.comm==sh')).toBe('proc.comm==sh,proc.pid>1');
    expect(appendClause('proc.comm==', 'args=="ls /"')).toBe('proc.comm==,args=="ls /"');
  });
});
