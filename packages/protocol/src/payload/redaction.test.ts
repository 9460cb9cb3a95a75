import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, latin1Bytes, latin1Text } from './bytes.ts';
import { payloadFieldsIn, redactBase64, redactEvent, redactEvents, redactPayload, redactPayloadDetailed, redactText } from './redaction.ts';

const bytes = latin1Bytes;
const text = latin1Text;
const b64 = (s: string): string => bytesToBase64(bytes(s));

describe('base64 and Latin-1', () => {
  it('round-trips every byte value and every padding length, and matches Node', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n < 6; n++) {
      const part = all.subarray(250 - n);
      expect(bytesToBase64(part)).toBe(Buffer.from(part).toString('base64'));
      expect([...base64ToBytes(bytesToBase64(part))]).toEqual([...part]);
    }
    expect([...base64ToBytes(Buffer.from(all).toString('base64url'))]).toEqual([...all]);
    expect(text(all).length).toBe(256);
    expect([...latin1Bytes(text(all))]).toEqual([...all]);
  });
});

describe('redactPayload', () => {
  it('masks an Authorization bearer token keeping the length and the scheme', () => {
    const input = 'GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\nAccept: */*\r\n\r\n';
    const out = redactPayload(bytes(input));
    expect(out.length).toBe(input.length);
    expect(text(out)).toBe('GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ******\r\nAccept: */*\r\n\r\n');
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
    expect(redactText('HTTP/1.1 200 OK\r\nSet-Cookie: id=42; HttpOnly\r\n\r\n').text).toBe(`HTTP/1.1 200 OK\r\nSet-Cookie: ${'*'.repeat('id=42; HttpOnly'.length)}\r\n\r\n`);
    expect(redactText('POST /login?password=pw HTTP/1.1').text).toBe('POST /login?password=** HTTP/1.1');
  });

  it('leaves look-alike headers and clean bytes alone, and masks a header cut by the snaplen', () => {
    expect(redactText('X-Authorization-Hint: keep\r\n')).toEqual({ text: 'X-Authorization-Hint: keep\r\n', count: 0 });
    const plain = bytes('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nok');
    expect(redactPayload(plain)).toBe(plain);
    expect(text(redactPayload(bytes('GET / HTTP/1.1\r\nAuthorization: Bearer sec')))).toBe('GET / HTTP/1.1\r\nAuthorization: Bearer ***');
  });
});

describe('redactBase64', () => {
  it('masks standard and url-safe base64 alike and keeps clean input as it is', () => {
    const secret = 'Authorization: Bearer secret\r\n\xff\xfe';
    const masked = 'Authorization: Bearer ******\r\n\xff\xfe';
    expect(text(base64ToBytes(redactBase64(b64(secret)).base64))).toBe(masked);
    const url = Buffer.from(secret, 'latin1').toString('base64url');
    expect(url).toMatch(/[-_]/);
    expect(redactBase64(url)).toMatchObject({ count: 1 });
    expect(text(base64ToBytes(redactBase64(url).base64))).toBe(masked);
    expect(redactBase64(b64('plain'))).toEqual({ base64: b64('plain'), count: 0 });
  });
});

describe('redactEvent', () => {
  it('masks base64 payload bytes and packet text fields, copying only what changed', () => {
    const ev = { op: 'READ', data: b64('GET / HTTP/1.1\r\nAuthorization: Bearer secret\r\n\r\n'), 'http.request': 'GET /?password=abc HTTP/1.1', bytes: 45 };
    const r = redactEvent(ev);
    expect(r.count).toBe(2);
    expect(text(base64ToBytes(String(r.event['data'])))).toBe('GET / HTTP/1.1\r\nAuthorization: Bearer ******\r\n\r\n');
    expect(r.event['http.request']).toBe('GET /?password=*** HTTP/1.1');
    expect(ev.data).toBe(b64('GET / HTTP/1.1\r\nAuthorization: Bearer secret\r\n\r\n'));
    const clean = { op: 'WRITE', data: b64('HTTP/1.1 200 OK\r\n\r\n') };
    expect(redactEvent(clean).event).toBe(clean);
    const list = [clean, ev];
    const all = redactEvents(list);
    expect(all.count).toBe(2);
    expect(all.events[0]).toBe(clean);
    expect(all.events[1]).not.toBe(ev);
    expect(redactEvents([clean]).events).toEqual([clean]);
  });
});

describe('payloadFieldsIn', () => {
  it('finds payload fields anywhere in a filter, and none in a filter that does not parse', () => {
    expect(payloadFieldsIn('proc.comm==haproxy,(not data~QmVh or http.request in (a, b))')).toEqual(['data', 'http.request']);
    expect(payloadFieldsIn('summary~GET')).toEqual(['summary']);
    expect(payloadFieldsIn('proc.comm==ls,fd.name~8080')).toEqual([]);
    expect(payloadFieldsIn('')).toEqual([]);
    expect(payloadFieldsIn('data~(')).toEqual(['data']);
    expect(payloadFieldsIn('((')).toEqual([]);
  });
});
