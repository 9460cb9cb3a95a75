import { describe, expect, it } from 'vitest';
import { latin1Bytes } from './bytes.ts';
import { looksLikeHttp, parseHttpHead } from './httpHead.ts';

const bytes = latin1Bytes;

// Seed 001: what the balancer read from the backend, and what it answered the client.
const backendResponse = 'HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.7.2\r\nDate: Thu, 14 Feb 2019 11:05:29 GMT\r\ntext/plain: Content-type\r\n\r\nticket-42\n';
const balancer502 =
  'HTTP/1.1 502 Bad Gateway\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n</body></html>\n';

describe('parseHttpHead', () => {
  it("flags the seed's swapped header line text/plain: Content-type and parses the rest", () => {
    const head = parseHttpHead(bytes(backendResponse));
    expect(head).toMatchObject({ kind: 'response', version: 'HTTP/1.0', status: 200, reason: 'OK', complete: true, startLine: 'HTTP/1.0 200 OK' });
    expect(head?.headers.map((h) => h.name)).toEqual(['Server', 'Date']);
    expect(head?.problems).toHaveLength(1);
    expect(head?.problems[0]).toMatchObject({ kind: 'malformed-header', line: 'text/plain: Content-type' });
    expect(head?.problems[0]?.message).toContain('did you mean "Content-type: text/plain"');
    expect(head?.headLength).toBe(backendResponse.indexOf('\r\n\r\n') + 4);
  });

  it("flags the balancer's 502 as a server error, with well-formed headers", () => {
    const head = parseHttpHead(bytes(balancer502));
    expect(head).toMatchObject({ kind: 'response', status: 502, reason: 'Bad Gateway', complete: true });
    expect(head?.problems.map((p) => p.kind)).toEqual(['server-error']);
    expect(head?.headers).toContainEqual({ name: 'content-type', value: 'text/html' });
  });

  it('parses a request line and headers; flags a line without a colon, a space in a name and folding', () => {
    const head = parseHttpHead('GET /getticket HTTP/1.1\r\nHost: ticket-balancer\r\nUser-Agent: curl/7.64.0\r\nnot a header\r\nX Bad: 1\r\n folded\r\n\r\n');
    expect(head).toMatchObject({ kind: 'request', method: 'GET', target: '/getticket', version: 'HTTP/1.1', complete: true });
    expect(head?.headers).toEqual([
      { name: 'Host', value: 'ticket-balancer' },
      { name: 'User-Agent', value: 'curl/7.64.0' },
    ]);
    expect(head?.problems.map((p) => [p.kind, p.line])).toEqual([
      ['malformed-header', 'not a header'],
      ['malformed-header', 'X Bad: 1'],
      ['obsolete-line-folding', ' folded'],
    ]);
  });

  it('parses a head cut by the snaplen without judging the partial last line; refuses non-HTTP', () => {
    const cut = backendResponse.slice(0, backendResponse.indexOf('text/plain') + 6);
    const head = parseHttpHead(bytes(cut));
    expect(head).toMatchObject({ status: 200, complete: false, problems: [] });
    expect(head?.headers.map((h) => h.name)).toEqual(['Server', 'Date']);
    expect(parseHttpHead(bytes('\x16\x03\x01\x02\x00\x01\x00'))).toBeNull();
    expect(parseHttpHead('SSH-2.0-OpenSSH_9.2\r\n')).toBeNull();
    expect(looksLikeHttp(bytes(backendResponse))).toBe(true);
    expect(looksLikeHttp('GET / HTTP/1.1\r\n')).toBe(true);
    expect(looksLikeHttp('hello')).toBe(false);
  });
});
