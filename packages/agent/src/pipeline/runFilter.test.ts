import { describe, expect, it } from 'vitest';
import { PodscopeError, commonFields, type GadgetMeta } from '@podscope/protocol';
import { planRunFilter } from './runFilter.ts';

const meta: GadgetMeta = {
  name: 'trace_open', category: 'trace', description: '', params: [],
  fields: [...commonFields, { name: 'file', type: 'string', description: '', defaultVisible: true }],
};
const kernelFields = ['proc.comm', 'proc.pid', 'proc.uid'];

describe('planRunFilter', () => {
  it('pushes the comm clause into the kernel and keeps the whole filter in the agent', () => {
    const plan = planRunFilter('proc.comm==dd,file~^model_epoch_', meta, kernelFields);
    expect(plan.kernel).toEqual({ comm: ['dd'] });
    expect(plan.pushdown).toEqual({ kernel: ['proc.comm==dd'], agent: 'proc.comm==dd,file~^model_epoch_' });
    expect(plan.predicate?.({ 'proc.comm': 'dd', file: 'model_epoch_1.pkl' })).toBe(true);
    expect(plan.predicate?.({ 'proc.comm': 'dd', file: 'other' })).toBe(false);
  });
  it('pushes nothing for a top-level or', () => {
    expect(planRunFilter('proc.comm==dd or proc.pid==1', meta, kernelFields).kernel).toBeUndefined();
  });
  it('pushes numeric sets', () => {
    expect(planRunFilter('proc.pid in (1, 2) and proc.uid==0', meta, kernelFields).kernel).toEqual({ pid: [1, 2], uid: [0] });
  });
  it('refuses a malformed filter with its position', () => {
    try {
      planRunFilter('proc.comm==dd,fiel~x', meta, kernelFields);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PodscopeError);
      expect((e as PodscopeError).code).toBe('bad_param');
      expect((e as PodscopeError).message).toMatch(/unknown field "fiel".*position 15/);
      expect((e as PodscopeError).details).toMatchObject({ position: 14, suggestions: ['file'] });
    }
  });
  it('no filter means no predicate', () => {
    expect(planRunFilter(undefined, meta, kernelFields)).toEqual({ predicate: null, kernel: undefined, pushdown: { kernel: [], agent: null } });
  });
});
