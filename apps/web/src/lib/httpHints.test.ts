import { describe, expect, it } from 'vitest';
import { parseHttpHead, redactBytes, redactText } from './httpHints.ts';

// The backend's answer in seed 001 (Python BaseHTTPServer with the header written the wrong way round).
const SEED_RESPONSE = 'HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.3 Python/2.7.15\r\nDate: Thu, 14 Feb 2019 11:05:29 GMT\r\ntext/plain: Content-type\r\n\r\n{"ticket": 42}';
const BAD_GATEWAY = 'HTTP/1.0 502 Bad Gateway\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>502 Bad Gateway</h1>';

describe('parseHttpHead', () => {
  it('flags the seed\'s malformed header line and nothing else', () => {
    const head = parseHttpHead(new TextEncoder().encode(SEED_RESPONSE));
    expect(head).toMatchObject({ kind: 'response', startLine: 'HTTP/1.0 200 OK', status: 200 });
    expect(head?.headers.map(([k]) => k)).toEqual(['Server', 'Date', 'text/plain']);
    expect(head?.flags).toEqual([{ kind: 'malformed-header', text: 'malformed header line: text/plain: Content-type' }]);
  });
  it('flags 5xx statuses', () => {
    const head = parseHttpHead(BAD_GATEWAY);
    expect(head?.status).toBe(502);
    expect(head?.flags.map((f) => f.kind)).toEqual(['server-error']);
  });
  it('reads a request line, flags a line without a colon, ignores a line cut at the snaplen', () => {
    const head = parseHttpHead('GET /getticket HTTP/1.1\r\nHost: x\r\nbroken line\r\nAccept: */');
    expect(head).toMatchObject({ kind: 'request', startLine: 'GET /getticket HTTP/1.1' });
    expect(head?.flags).toEqual([{ kind: 'malformed-header', text: 'header line without a colon: broken line' }]);
    expect(head?.headers).toEqual([['Host', 'x']]);
  });
  it('is null for non-HTTP bytes', () => {
    expect(parseHttpHead('hello world\n')).toBeNull();
    expect(parseHttpHead(new Uint8Array([0, 1, 2]))).toBeNull();
  });
});

describe('redaction', () => {
  it('masks secret header values and password fields', () => {
    expect(redactText('GET / HTTP/1.1\r\nAuthorization: Bearer secret\r\nHost: x\r\n')).toBe('GET / HTTP/1.1\r\nAuthorization: ********\r\nHost: x\r\n');
    expect(redactText('cookie: a=1; b=2\nSet-Cookie: s=3\nProxy-Authorization: Basic Zm9v\n')).toBe('cookie: ********\nSet-Cookie: ********\nProxy-Authorization: ********\n');
    expect(redactText('user=bob&password=hunter2&x=1')).toBe('user=bob&password=********&x=1');
    expect(redactText('POST /login?password=pw HTTP/1.1')).toBe('POST /login?password=******** HTTP/1.1');
    expect(redactText('X-Authorization-Hint: keep')).toBe('X-Authorization-Hint: keep');
  });
  it('masks raw bytes too, leaving clean bytes as they are', () => {
    const out = redactBytes(new TextEncoder().encode('Authorization: Bearer secret\r\n'));
    expect(new TextDecoder().decode(out)).toBe('Authorization: ********\r\n');
    const clean = new Uint8Array([1, 2, 3]);
    expect(redactBytes(clean)).toBe(clean);
  });
});
