import { describe, expect, it } from 'vitest';
import { parseFilterSyntax } from './parser.ts';
import { describePushdown, extractPushdown } from './pushdown.ts';

const kernel = ['proc.comm', 'proc.pid', 'proc.uid'];
const push = (text: string) => extractPushdown(parseFilterSyntax(text), kernel);

describe('extractPushdown', () => {
  it('takes top-level equality clauses on kernel fields', () => {
    expect(push('proc.comm==dd,file~^model_epoch_')).toEqual([{ field: 'proc.comm', values: ['dd'] }]);
    expect(push('proc.comm in (dd, cp) and proc.uid==0')).toEqual([
      { field: 'proc.comm', values: ['dd', 'cp'] },
      { field: 'proc.uid', values: ['0'] },
    ]);
  });
  it('keeps OR, NOT, negations and other operators in user space', () => {
    expect(push('proc.comm==dd or proc.comm==cp')).toEqual([]);
    expect(push('not proc.comm==dd')).toEqual([]);
    expect(push('proc.comm!=dd')).toEqual([]);
    expect(push('proc.pid>5')).toEqual([]);
    expect(push('proc.comm not in (dd)')).toEqual([]);
    expect(push('file==x')).toEqual([]);
  });
  it('intersects clauses on one field', () => {
    expect(push('proc.comm in (dd, cp), proc.comm==dd')).toEqual([{ field: 'proc.comm', values: ['dd'] }]);
    expect(push('proc.comm==dd, proc.comm==cp')).toEqual([{ field: 'proc.comm', values: [] }]);
  });
  it('describes what was pushed', () => {
    expect(describePushdown({ field: 'proc.comm', values: ['dd'] })).toBe('proc.comm==dd');
    expect(describePushdown({ field: 'proc.pid', values: ['1', '2'] })).toBe('proc.pid in (1, 2)');
  });
});
