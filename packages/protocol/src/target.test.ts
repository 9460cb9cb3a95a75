import { describe, expect, it } from 'vitest';
import { TargetSelector, selectorMatches, type ContainerInfo } from './target.ts';

const c = (ns: string | null, pod = 'web-1', labels: Record<string, string> = {}): ContainerInfo => ({
  id: 'abc', name: 'web', runtime: 'podman', image: 'busybox', labels, node: 'node-a',
  k8s: ns === null ? null : { namespace: ns, podName: pod, containerName: 'web' },
});

describe('selectorMatches', () => {
  it('matches by namespace and pod', () => {
    const sel = TargetSelector.parse({ namespaces: ['demo'], podName: 'web-1' });
    expect(selectorMatches(sel, c('demo'))).toBe(true);
    expect(selectorMatches(sel, c('other'))).toBe(false);
    expect(selectorMatches(sel, c('demo', 'web-2'))).toBe(false);
    expect(selectorMatches(sel, c(null))).toBe(false);
  });
  it('handles exclusions and label requirements', () => {
    const sel = TargetSelector.parse({ excludeNamespaces: ['kube-system'], labels: ['app=x', '!canary'] });
    expect(selectorMatches(sel, c('demo', 'p', { app: 'x' }))).toBe(true);
    expect(selectorMatches(sel, c('demo', 'p', { app: 'x', canary: '1' }))).toBe(false);
    expect(selectorMatches(sel, c('kube-system', 'p', { app: 'x' }))).toBe(false);
  });
  it('narrows to exact pods when the hub resolved them (cluster mode)', () => {
    const sel = TargetSelector.parse({ namespaces: ['demo'], pods: ['demo/web-1'] });
    expect(selectorMatches(sel, c('demo', 'web-1'))).toBe(true);
    expect(selectorMatches(sel, c('demo', 'web-2'))).toBe(false);
    expect(selectorMatches(sel, c(null))).toBe(false);
    expect(selectorMatches(TargetSelector.parse({ pods: [] }), c('demo', 'web-1'))).toBe(false);
    expect(selectorMatches(TargetSelector.parse({ labels: ['app in (x,y)', 'tier notin (db)'] }), c('demo', 'p', { app: 'y' }))).toBe(true);
  });
});
