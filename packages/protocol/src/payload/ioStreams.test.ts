import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../fields.ts';
import { bytesToBase64, latin1Bytes } from './bytes.ts';
import { addToIoStream, ioDirectionOf, ioStreamKeyOf, sortIoStreams, type IoStreamSummary } from './ioStreams.ts';

const ev = (op: string, fd: string, extra: EventRecord = {}): EventRecord => ({
  timestamp: 1000,
  'k8s.namespace': 'ticket-generator',
  'k8s.podName': 'ticket-balancer-1',
  'k8s.containerName': 'haproxy',
  'proc.comm': 'haproxy',
  op,
  'fd.name': fd,
  'fd.type': 'socket',
  bytes: 0,
  error: '',
  ...extra,
});

describe('I/O stream grouping', () => {
  it('sums bytes per direction, counts ops, errors and HTTP flags per stream', () => {
    const streams = new Map<string, IoStreamSummary>();
    const backend = '10.0.0.1:40000->10.0.0.2:8080';
    addToIoStream(streams, ev('SENDTO', backend, { bytes: 40, timestamp: 5, data: bytesToBase64(latin1Bytes('GET /getticket HTTP/1.1\r\n\r\n')) }));
    addToIoStream(streams, ev('RECVFROM', backend, { bytes: 90, timestamp: 9, data: bytesToBase64(latin1Bytes('HTTP/1.0 200 OK\r\ntext/plain: Content-type\r\n\r\n')) }));
    addToIoStream(streams, ev('CONNECT', backend, { timestamp: 2, error: 'EINPROGRESS', retval: -115 }));
    addToIoStream(streams, ev('READ', '/etc/hosts', { bytes: 7, timestamp: 3 }));
    expect(streams.size).toBe(2);
    const st = streams.get(ioStreamKeyOf(ev('READ', backend)));
    expect(st).toMatchObject({ bytesIn: 90, bytesOut: 40, reads: 1, writes: 1, others: 1, errors: 1, firstSeen: 2, lastSeen: 9, httpHeads: 2, httpFlags: 1 });
    expect(sortIoStreams([...streams.values()], 'bytes').map((s) => s.fdName)).toEqual([backend, '/etc/hosts']);
    expect(sortIoStreams([...streams.values()], 'first').map((s) => s.fdName)).toEqual([backend, '/etc/hosts']);
    expect(ioDirectionOf('recvmsg')).toBe('read');
    expect(ioDirectionOf('SENDFILE')).toBe('write');
    expect(ioDirectionOf('CLOSE')).toBe('other');
  });
});
