import { describe, expect, it } from 'vitest';
import { traceExecMeta } from '../../test/fakeGadget.ts';
import { columnsFor, defaultColumns } from './columnSpec.ts';

describe('--fields', () => {
  it('defaults to pod identity, pid, comm, then the gadget fields with args last', () => {
    expect(defaultColumns(traceExecMeta)).toEqual(['k8s.node', 'k8s.namespace', 'k8s.podName', 'k8s.containerName', 'proc.pid', 'proc.comm', 'error', 'args']);
    expect(columnsFor(traceExecMeta, undefined)).toEqual(defaultColumns(traceExecMeta));
  });

  it('picks and orders, or adjusts the defaults with +f/-f', () => {
    expect(columnsFor(traceExecMeta, 'k8s.podName,proc.comm,args')).toEqual(['k8s.podName', 'proc.comm', 'args']);
    expect(columnsFor(traceExecMeta, '-k8s.node,+proc.ppid')).toEqual(['k8s.namespace', 'k8s.podName', 'k8s.containerName', 'proc.pid', 'proc.comm', 'error', 'args', 'proc.ppid']);
  });

  it('refuses unknown fields with a suggestion, and mixed forms', () => {
    expect(() => columnsFor(traceExecMeta, 'k8s.podName,proc.comn')).toThrow(/--fields: unknown field "proc.comn"; did you mean proc.comm/);
    expect(() => columnsFor(traceExecMeta, 'args,-error')).toThrow(/mix of plain field names/);
  });
});
