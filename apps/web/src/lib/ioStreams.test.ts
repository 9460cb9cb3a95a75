import type { EventRecord } from '@podscope/protocol';
import { describe, expect, it } from 'vitest';
import { findMatches, groupStreams, opHeader, renderBytes, sortStreams, splitMatches, streamFilter, streamKeyOf, streamOps } from './ioStreams.ts';

const b64 = (text: string): string => btoa(text);
let ts = 1000;
function ev(op: string, fdName: string, text: string, extra: EventRecord = {}): EventRecord {
  ts += 10;
  return {
    timestamp: ts,
    op,
    fd: 7,
    'fd.type': 'socket',
    'fd.name': fdName,
    raddr: fdName.includes('->') ? fdName.split('->')[1] ?? '' : '',
    bytes: text.length,
    retval: text.length,
    error: '',
    data: b64(text),
    data_len: text.length,
    data_truncated: false,
    'proc.comm': 'haproxy',
    'proc.pid': 12,
    'k8s.namespace': 'ticket-generator',
    'k8s.podName': 'ticket-balancer-7c9f',
    'k8s.containerName': 'haproxy',
    ...extra,
  };
}

const BACKEND = '10.0.0.6:40000->10.0.0.5:8080';
const CLIENT = '10.0.0.6:80->10.0.0.7:41234';

describe('groupStreams', () => {
  it('groups per connection, sums bytes per direction, counts ops and errors, keeps first/last seen', () => {
    const rows = [
      ev('ACCEPT', CLIENT, ''),
      ev('RECVFROM', CLIENT, 'GET /getticket HTTP/1.1\r\n\r\n'),
      ev('SENDTO', BACKEND, 'GET /getticket HTTP/1.1\r\n\r\n'),
      ev('RECVFROM', BACKEND, 'HTTP/1.0 200 OK\r\ntext/plain: Content-type\r\n\r\n'),
      ev('READ', BACKEND, '', { bytes: 0, retval: -11, error: 'EAGAIN', data: '' }),
      ev('SENDTO', CLIENT, 'HTTP/1.0 502 Bad Gateway\r\n\r\n'),
      { timestamp: 1, comm: 'not io' },
    ];
    const streams = groupStreams(rows);
    expect(streams).toHaveLength(2);
    const backend = streams.find((s) => s.fdName === BACKEND);
    expect(backend).toMatchObject({ bytesOut: 27, bytesIn: 45, reads: 2, writes: 1, others: 0, errors: 1, fdType: 'socket', pod: 'ticket-balancer-7c9f', comm: 'haproxy' });
    const client = streams.find((s) => s.fdName === CLIENT);
    expect(client).toMatchObject({ bytesIn: 27, bytesOut: 28, reads: 1, writes: 1, others: 1 });
    expect(client?.firstSeen).toBeLessThan(client?.lastSeen ?? 0);
    expect(streams[0]?.fdName).toBe(BACKEND);
    expect(sortStreams(streams, 'out')[0]?.fdName).toBe(CLIENT);
  });

  it('orders a stream\'s operations by time with decoded bytes and Sysdig-like headers', () => {
    const a = ev('SENDTO', BACKEND, 'req');
    const b = ev('RECVFROM', BACKEND, 'resp');
    const key = streamKeyOf(a);
    const ops = streamOps([[2, b], [1, a], [3, ev('CLOSE', BACKEND, '')]], key);
    expect(ops.map((o) => [o.ref, o.direction])).toEqual([[1, 'write'], [2, 'read']]);
    expect(new TextDecoder().decode(ops[1]?.data)).toBe('resp');
    expect(ops[0]?.header).toBe('Write 3 B to 10.0.0.5:8080 (ticket-balancer-7c9f, haproxy)');
    expect(ops[1]?.header).toBe('Read 4 B from 10.0.0.5:8080 (ticket-balancer-7c9f, haproxy)');
    expect(streamOps([[3, ev('CLOSE', BACKEND, '')]], key, true)).toHaveLength(1);
  });

  it('heads file I/O with the path and failures with the error', () => {
    expect(opHeader(ev('WRITE', '/var/log/x.log', 'abc', { 'fd.type': 'file', raddr: '' }))).toBe('Write 3 B to /var/log/x.log (ticket-balancer-7c9f, haproxy)');
    expect(opHeader(ev('READ', BACKEND, '', { error: 'EAGAIN', bytes: 0 }))).toBe('Read from 10.0.0.5:8080 failed: EAGAIN (ticket-balancer-7c9f, haproxy)');
  });

  it('builds the filter back to the raw events', () => {
    expect(streamFilter({ fdName: BACKEND, pod: 'p-1', comm: 'haproxy' })).toBe(`fd.name=="${BACKEND}",k8s.podName==p-1,proc.comm==haproxy`);
    expect(streamFilter({ fdName: 'pipe:[12]', pod: '', comm: '' })).toBe('fd.name=="pipe:[12]"');
  });
});

describe('renderBytes', () => {
  const bytes = new Uint8Array([0x48, 0x69, 0x0d, 0x0a, 0x00, 0x41, 0x09, 0xff]);
  it('printable keeps text, newlines and tabs and drops the rest', () => {
    expect(renderBytes(bytes, 'printable')).toBe('Hi\nA\t');
  });
  it('dotted shows every non-printable but the newline as a dot', () => {
    expect(renderBytes(bytes, 'dotted')).toBe('Hi.\n.A..');
  });
  it('hex is a hexdump', () => {
    expect(renderBytes(bytes, 'hex')).toBe(`0000  48 69 0d 0a 00 41 09 ff${' '.repeat(48 - 23)}  Hi...A..`);
  });
});

describe('search', () => {
  it('counts case-insensitive non-overlapping matches and splits for highlighting', () => {
    expect(findMatches('Content-type text/plain: CONTENT-TYPE', 'content-type')).toEqual([[0, 12], [25, 37]]);
    expect(findMatches('aaaa', 'aa')).toHaveLength(2);
    expect(findMatches('abc', '')).toEqual([]);
    expect(splitMatches('x502y', '502')).toEqual([{ text: 'x', match: false }, { text: '502', match: true }, { text: 'y', match: false }]);
  });
});

describe('HTTP at a glance', () => {
  it('counts HTTP heads and their flags per stream', () => {
    const streams = groupStreams([
      ev('SENDTO', BACKEND, 'GET /getticket HTTP/1.1\r\nHost: x\r\n\r\n'),
      ev('RECVFROM', BACKEND, 'HTTP/1.0 200 OK\r\ntext/plain: Content-type\r\n\r\n'),
      ev('SENDTO', CLIENT, 'HTTP/1.0 502 Bad Gateway\r\n\r\n'),
      ev('WRITE', '/tmp/x', 'plain bytes here'),
    ]);
    const by = new Map(streams.map((st) => [st.fdName, st]));
    expect(by.get(BACKEND)).toMatchObject({ httpHeads: 2, httpFlags: 1 });
    expect(by.get(CLIENT)).toMatchObject({ httpHeads: 1, httpFlags: 1 });
    expect(by.get('/tmp/x')).toMatchObject({ httpHeads: 0, httpFlags: 0 });
  });
});
