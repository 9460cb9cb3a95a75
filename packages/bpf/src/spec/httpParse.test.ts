import { describe, expect, it } from 'vitest';
import { looksLikeHttp, parseHttpHead, redactPayload, redactPayloadDetailed } from './httpParse.ts';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

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

describe('redactPayload', () => {
  it('masks an Authorization bearer token keeping the length and the scheme', () => {
    const input = 'GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\nAccept: */*\r\n\r\n';
    const out = redactPayload(bytes(input));
    expect(out.length).toBe(input.length);
    expect(text(out)).toBe('GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ******\r\nAccept: */*\r\n\r\n');
    expect(text(out)).not.toContain('secret');
  });

  it('masks Cookie, Set-Cookie, Proxy-Authorization (any case) and password form fields', () => {
    const input =
      'POST /login HTTP/1.1\r\ncookie: session=abc123; theme=dark\r\nPROXY-AUTHORIZATION: Basic dXNlcjpwdw==\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nuser=bob&password=hunter2&new_password=s3cr3t&remember=1';
    const { bytes: out, count } = redactPayloadDetailed(bytes(input));
    const t = text(out);
    expect(count).toBe(4);
    expect(t).toContain(`cookie: ${'*'.repeat('session=abc123; theme=dark'.length)}\r\n`);
    expect(t).toContain('PROXY-AUTHORIZATION: Basic ************\r\n');
    expect(t).toContain('user=bob&password=*******&new_password=******&remember=1');
    expect(t.length).toBe(input.length);
    const resp = text(redactPayload(bytes('HTTP/1.1 200 OK\r\nSet-Cookie: id=42; HttpOnly\r\n\r\n'), { mode: 'mark' }));
    expect(resp).toBe('HTTP/1.1 200 OK\r\nSet-Cookie: [redacted]\r\n\r\n');
  });

  it('returns the same bytes when nothing is secret, and masks a header cut by the snaplen', () => {
    const plain = bytes('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nok');
    expect(redactPayload(plain)).toBe(plain);
    expect(text(redactPayload(bytes('GET / HTTP/1.1\r\nAuthorization: Bearer sec')))).toBe('GET / HTTP/1.1\r\nAuthorization: Bearer ***');
  });
});
