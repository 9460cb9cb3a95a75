import { describe, expect, it } from 'vitest';
import { formatLabelRequirement, labelsMatch, parseLabelSelector } from './labelSelector.ts';
import { TargetSelector } from './target.ts';

describe('parseLabelSelector', () => {
  it('parses every operator of the Kubernetes syntax', () => {
    const reqs = parseLabelSelector('app=x, !canary,tier in (web, api),env!=prod,track,k==v,zone notin ()');
    expect(reqs.map(formatLabelRequirement)).toEqual(['app=x', '!canary', 'tier in (web,api)', 'env!=prod', 'track', 'k=v', 'zone notin ()']);
    expect(parseLabelSelector('  ')).toEqual([]);
    expect(parseLabelSelector('app.kubernetes.io/name=web')[0]).toEqual({ key: 'app.kubernetes.io/name', op: 'equals', values: ['web'] });
    expect(parseLabelSelector('a=')[0]).toEqual({ key: 'a', op: 'equals', values: [''] });
  });

  it('refuses malformed selectors naming the position', () => {
    expect(() => parseLabelSelector('app=x,,b')).toThrow(/expected a label key \(at position 7\)/);
    expect(() => parseLabelSelector('tier in (a,b')).toThrow(/expected "\)"/);
    expect(() => parseLabelSelector('app=x y')).toThrow(/expected ","/);
    expect(() => parseLabelSelector('-bad=1')).toThrow(/not a valid label key/);
    expect(() => parseLabelSelector('a=b$c')).toThrow(/expected ","|not a valid label value/);
  });

  it('matches like Kubernetes: != and notin also match a missing key', () => {
    const labels = { app: 'x', tier: 'web' };
    expect(labelsMatch(['app=x,!canary'], labels)).toBe(true);
    expect(labelsMatch(['app=x,!canary'], { ...labels, canary: '' })).toBe(false);
    expect(labelsMatch(['tier in (web,api)', 'env!=prod', 'zone notin (a)'], labels)).toBe(true);
    expect(labelsMatch(['tier notin (web)'], labels)).toBe(false);
    expect(labelsMatch(['app'], labels)).toBe(true);
    expect(labelsMatch(['app=y'], labels)).toBe(false);
  });

  it('is checked when a TargetSelector is parsed', () => {
    expect(TargetSelector.safeParse({ labels: ['app=x,!canary'] }).success).toBe(true);
    const bad = TargetSelector.safeParse({ labels: ['app in (x'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/label selector "app in \(x"/);
  });
});
