import { describe, expect, it } from 'vitest';
import type { CaptureSummary, RunInfo } from '@podscope/protocol';
import { age, captureTable, parseExpiry } from './capturesCommand.ts';
import { runRequestOf, summaryLine } from './runCommand.ts';

describe('run', () => {
  it("maps IG's selection flags and --node onto the run request; gadget params go as typed", () => {
    const req = runRequestOf('trace_exec', { output: 'json', namespace: 'a,!b', selector: 'app=x,!canary', podname: 'p', containername: 'c', node: 'n1, n2', filter: 'proc.comm==ls' }, { 'max-args': '5' });
    expect(req).toEqual({
      gadget: 'trace_exec',
      target: { namespaces: ['a'], excludeNamespaces: ['b'], labels: ['app=x,!canary'], podName: 'p', containerName: 'c', nodes: ['n1', 'n2'], host: false },
      params: { 'max-args': '5' },
      filter: 'proc.comm==ls',
    });
    expect(runRequestOf('trace_exec', { output: 'columns', allNamespaces: true, namespace: 'ignored' }, {}).target).toMatchObject({ namespaces: [], nodes: [] });
  });

  it('sums every stage of loss in the summary', () => {
    const node = (name: string, k: number, a: number): RunInfo['nodes'][number] => ({ node: name, state: 'stopped', kernelDrops: k, agentDrops: a, filtered: 2, events: 10 });
    const run = { nodes: [node('n1', 1, 2), node('n2', 3, 0)] } as RunInfo;
    expect(summaryLine('trace_exec', run, { events: 20, hub: 4, client: 5, badFrames: 0 })).toBe('trace_exec: 20 events from 2 nodes; lost: kernel 4, agent 2, hub 4, kubectl-podscope 5; filtered 4');
  });
});

describe('captures', () => {
  it('parses --expires durations and refuses others', () => {
    expect(parseExpiry('90')).toBe(90);
    expect(parseExpiry('30m')).toBe(1800);
    expect(parseExpiry('12h')).toBe(43200);
    expect(parseExpiry('7d')).toBe(604800);
    expect(() => parseExpiry('2y')).toThrow(/not a duration/);
    expect(() => parseExpiry('0')).toThrow(/more than 0/);
  });

  it("prints captures as kubectl prints resources, with kubectl's AGE", () => {
    const c = { id: 'abc', name: 'capture-web-1', state: 'complete', gadgets: ['trace_io'], events: 72, sizeBytes: 81920, createdAt: 0 } as CaptureSummary;
    expect(captureTable([c], 3 * 3600_000).split('\n')).toEqual(['ID    NAME            STATE      GADGETS    EVENTS   SIZE    AGE', 'abc   capture-web-1   complete   trace_io   72       81920   3h', '']);
    expect([age(5_000), age(600_000), age(3 * 86_400_000)]).toEqual(['5s', '10m', '3d']);
  });
});
