import { describe, expect, it } from 'vitest';
import { KernelFilterPlan, kernelFilterableFields } from './kernelFilter.ts';

const all = new Set(['filter_by_pid', 'filter_by_uid', 'filter_by_comm']);

describe('KernelFilterPlan', () => {
  it('enables only the lists the user gave, and reports where each went', () => {
    const plan = new KernelFilterPlan('trace_exec', { comm: ['dd', 'true'], uid: [0] }, all);
    expect([...plan.rodataFlags().keys()].sort()).toEqual(['filter_by_comm', 'filter_by_uid']);
    expect(plan.placements().map((p) => [p.field, p.values])).toEqual([
      ['proc.uid', 1],
      ['proc.comm', 2],
    ]);
    expect(kernelFilterableFields).toEqual(['proc.comm', 'proc.pid', 'proc.uid']);
  });

  it('pushes nothing without a filter', () => {
    const plan = new KernelFilterPlan('trace_exec', undefined, all);
    expect(plan.rodataFlags().size).toBe(0);
    expect(plan.placements()).toEqual([]);
  });

  it('refuses values that are not u32 and gadgets without the knobs', () => {
    expect(() => new KernelFilterPlan('trace_exec', { pid: [-1] }, all)).toThrow(/not a u32/);
    expect(() => new KernelFilterPlan('trace_x', { pid: [1] }, new Set())).toThrow(/cannot filter proc.pid/);
  });
});
