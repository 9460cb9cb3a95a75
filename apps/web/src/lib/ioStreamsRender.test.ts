import type { EventRecord } from '@podscope/protocol';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { IoStreamsView } from '../components/IoStreamsView.tsx';
import { groupStreams, streamKeyOf } from './ioStreams.ts';

const row = (timestamp: number, op: string, text: string): EventRecord => ({
  timestamp,
  op,
  'fd.type': 'socket',
  'fd.name': '10.0.0.6:40000->10.0.0.5:8080',
  raddr: '10.0.0.5:8080',
  bytes: text.length,
  error: '',
  data: btoa(text),
  'proc.comm': 'haproxy',
  'k8s.namespace': 'ticket-generator',
  'k8s.podName': 'ticket-balancer-7c9f',
  'k8s.containerName': 'haproxy',
});

describe('IoStreamsView (server-rendered)', () => {
  const rows: [number, EventRecord][] = [
    [1, row(10, 'SENDTO', 'GET /getticket HTTP/1.1\r\nAuthorization: Bearer secret\r\n\r\n')],
    [2, row(20, 'RECVFROM', 'HTTP/1.0 200 OK\r\ntext/plain: Content-type\r\n\r\nok')],
  ];
  const noop = () => undefined;
  const streams = groupStreams(rows.map(([, r]) => r));
  const common = { streams, sort: 'bytes' as const, onSort: noop, onSelect: noop, onRawEvents: noop, empty: 'none' };

  it('lists the stream', () => {
    const html = renderToStaticMarkup(createElement(IoStreamsView, { ...common, selected: undefined, open: undefined }));
    expect(html).toContain('data-testid="io-stream-row"');
    expect(html).toContain('HTTP ⚠ 1');
  });

  it('shows an open stream in order, coloured by direction, flagged and masked', () => {
    const key = streamKeyOf(rows[0]?.[1] ?? {});
    const html = renderToStaticMarkup(createElement(IoStreamsView, { ...common, selected: key, open: { stream: streams[0]!, rows } }));
    expect(html.indexOf('data-op="write"')).toBeLessThan(html.indexOf('data-op="read"'));
    expect(html).toContain('Write 57 B to 10.0.0.5:8080 (ticket-balancer-7c9f, haproxy)');
    expect(html).toContain('data-testid="io-http-flag"');
    expect(html).toContain('text/plain: Content-type');
    expect(html).toContain('Authorization: Bearer ******');
    expect(html).not.toContain('Bearer secret');
  });
});

describe('IoStreamsView while the open stream loads', () => {
  it('says so instead of claiming the stream is empty', () => {
    const ev = row(10, 'SENDTO', 'x');
    const [stream] = groupStreams([ev]);
    const html = renderToStaticMarkup(
      createElement(IoStreamsView, { streams: [stream!], sort: 'bytes', onSort: () => undefined, onSelect: () => undefined, onRawEvents: () => undefined, empty: 'none', selected: stream!.key, open: { stream: stream!, rows: null } }),
    );
    expect(html).toContain('data-testid="io-ops-loading"');
    expect(html).not.toContain('No reads or writes');
  });
});
