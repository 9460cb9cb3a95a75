import { describe, expect, it } from 'vitest';
import { defaultViewState, parseViewState, serializeViewState, targetOf, type ViewState } from './viewState.ts';

describe('viewState', () => {
  it('round-trips a full state through the query string', () => {
    const state: ViewState = {
      run: 'r-42',
      namespaces: ['demo', 'shop'],
      pod: 'web-1',
      container: 'nginx',
      host: true,
      gadget: 'trace_exec',
      params: { 'ignore-failed': 'false', 'max-args': '32', paths: 'a,b & c' },
      follow: false,
      row: 1234,
      fields: 'timestamp,proc.comm,args',
      filter: 'proc.comm==sh,args~^/bin',
      sfilter: 'proc.comm in (dd, "a b&c+d"),k8s.podName==web-1',
      sort: '-proc.pid',
      tab: 'streams',
      stream: 'ns|pod-1|c|haproxy|10.0.0.6:80->10.0.0.7:41234',
    };
    const text = serializeViewState(state);
    expect(parseViewState(text)).toEqual(state);
    expect(parseViewState(`?${text}`)).toEqual(state);
  });

  it('leaves defaults out of the URL and restores them', () => {
    expect(serializeViewState(defaultViewState())).toBe('');
    expect(parseViewState('')).toEqual(defaultViewState());
    expect(parseViewState(serializeViewState({ ...defaultViewState(), gadget: 'trace_exec' }))).toEqual({ ...defaultViewState(), gadget: 'trace_exec' });
  });

  it('uses the documented keys', () => {
    const text = serializeViewState({ ...defaultViewState(), run: 'x', namespaces: ['demo'], params: { timeout: '2s' }, follow: false, row: 3 });
    const q = new URLSearchParams(text);
    expect(q.get('run')).toBe('x');
    expect(q.get('ns')).toBe('demo');
    expect(q.get('p.timeout')).toBe('2s');
    expect(q.get('follow')).toBe('0');
    expect(q.get('row')).toBe('3');
  });

  it('keeps the IG forms readable in the URL and restores them', () => {
    const state: ViewState = { ...defaultViewState(), gadget: 'trace_exec', fields: '+proc.ppid,-k8s.node', filter: 'proc.comm==sh,args~^/bin', sort: '-proc.pid' };
    const text = serializeViewState(state);
    expect(text).toContain('fields=+proc.ppid,-k8s.node'.replace('+', '%2B'));
    expect(text).toContain('filter=proc.comm==sh,args~%5E/bin');
    expect(text).toContain('sort=-proc.pid');
    expect(parseViewState(text)).toEqual(state);
    expect(parseViewState('fields=k8s.podName,proc.comm,args&sfilter=proc.comm==dd').fields).toBe('k8s.podName,proc.comm,args');
    expect(parseViewState('sfilter=proc.comm==dd').sfilter).toBe('proc.comm==dd');
  });

  it('reads the older cols= key as fields', () => {
    expect(parseViewState('cols=timestamp,args').fields).toBe('timestamp,args');
  });

  it('ignores malformed values', () => {
    const s = parseViewState('row=abc&follow=maybe&ns=,,&run=');
    expect(s.row).toBeUndefined();
    expect(s.follow).toBe(true);
    expect(s.namespaces).toEqual([]);
    expect(s.run).toBeUndefined();
  });

  it('builds the target selector', () => {
    expect(targetOf({ ...defaultViewState(), namespaces: ['demo'], pod: 'web-1' })).toEqual({ namespaces: ['demo'], host: false, podName: 'web-1' });
    expect(targetOf({ ...defaultViewState(), host: true })).toEqual({ namespaces: [], host: true });
  });
});
