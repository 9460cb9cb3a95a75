import { describe, expect, it } from 'vitest';
import { overviewClause } from './captureFields.ts';

describe('overviewClause', () => {
  it('filters a pod by namespace and name', () => {
    expect(overviewClause('pod', 'demo/web-1')).toBe('k8s.namespace==demo,k8s.podName==web-1');
    expect(overviewClause('pod', '/web-1')).toBe('k8s.podName==web-1');
  });

  it('quotes values the filter language would misread', () => {
    expect(overviewClause('process', 'kworker u8,2')).toBe('proc.comm=="kworker u8,2"');
    expect(overviewClause('error', 'ENOENT')).toBe('error==ENOENT');
  });

  it('has no filter for rows without the value or for gadgets', () => {
    expect(overviewClause('pod', '(none)')).toBeNull();
    expect(overviewClause('gadget', 'trace_exec')).toBeNull();
  });
});
