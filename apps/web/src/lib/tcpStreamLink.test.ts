import { describe, expect, it } from 'vitest';
import type { CaptureSummary, EventRecord } from '@podscope/protocol';
import { captureCovering, connectionFdName, connectionStreamPath, isConnectionRow } from './tcpStreamLink.ts';
import { parseCaptureViewState } from './captureViewState.ts';
import { streamKeyOf } from './ioStreams.ts';

const tcp: EventRecord = {
  timestamp: 5_000,
  'k8s.namespace': 'ticket-generator',
  'k8s.podName': 'ticket-balancer-7c9f',
  'k8s.containerName': 'haproxy',
  'proc.comm': 'haproxy',
  type: 'connect',
  src: '10.0.0.5:40000',
  dst: '10.0.0.6:8080',
};

const capture = (id: string, gadgets: string[], firstNs: number | null, lastNs: number | null, createdAt: number, state: CaptureSummary['state'] = 'complete'): CaptureSummary => ({
  id,
  name: id,
  sizeBytes: 0,
  events: 1,
  firstNs,
  lastNs,
  gadgets,
  nodes: ['n'],
  state,
  source: 'run',
  createdBy: 'admin',
  createdAt,
  payload: true,
  losses: { kernel: 0, agent: 0, hub: 0, browser: 0, capture: 0 },
});

describe('jumping from a connection row to its I/O stream', () => {
  it('recognises connection rows and names the socket the way trace_io does', () => {
    expect(isConnectionRow(tcp)).toBe(true);
    expect(isConnectionRow({ ...tcp, 'fd.name': 'x', op: 'READ' })).toBe(false);
    expect(isConnectionRow({ timestamp: 1, args: 'ls' })).toBe(false);
    expect(connectionFdName(tcp)).toBe('10.0.0.5:40000->10.0.0.6:8080');
  });

  it('picks the newest trace_io capture covering the row', () => {
    const list = [
      capture('old', ['trace_io'], 1_000, 9_000, 1),
      capture('new', ['trace_io'], 4_000, 6_000, 2),
      capture('tcp', ['trace_tcp'], 1_000, 9_000, 3),
      capture('later', ['trace_io'], 6_000, 9_000, 4),
      capture('live', ['trace_io'], 7_000, null, 5, 'recording'),
    ];
    expect(captureCovering(list, tcp)?.id).toBe('new');
    expect(captureCovering(list, { ...tcp, timestamp: 8_000 })?.id).toBe('live');
    expect(captureCovering(list, { ...tcp, timestamp: 99 })).toBeUndefined();
  });

  it('links to the Streams tab filtered to the connection with its stream open', () => {
    const view = parseCaptureViewState(new URL(`http://x${connectionStreamPath('c1', tcp)}`).searchParams);
    expect(view).toMatchObject({ id: 'c1', tab: 'streams', filter: 'fd.name=="10.0.0.5:40000->10.0.0.6:8080",k8s.podName==ticket-balancer-7c9f' });
    expect(view?.stream).toBe(streamKeyOf({ ...tcp, op: 'READ', 'fd.name': '10.0.0.5:40000->10.0.0.6:8080' }));
  });
});
