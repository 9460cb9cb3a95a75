/** HTTP/1.x heads spotted in captured I/O bytes, and masking of secrets in them. */

export interface HttpFlag {
  kind: 'malformed-header' | 'server-error';
  text: string;
}

export interface HttpHead {
  kind: 'request' | 'response';
  /** `GET /getticket HTTP/1.1` or `HTTP/1.0 200 OK`. */
  startLine: string;
  status?: number;
  headers: [string, string][];
  flags: HttpFlag[];
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/\d(\.\d)?$/;
const STATUS_LINE = /^HTTP\/\d(\.\d)? (\d{3})(?: .*)?$/;
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const latin1 = (bytes: Uint8Array): string => {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
};

/**
 * The HTTP head at the start of `bytes`, or null. Only complete lines (ended by LF) are judged, so a head
 * cut at the snaplen is not flagged for its last, partial line.
 */
export function parseHttpHead(bytes: Uint8Array | string): HttpHead | null {
  const text = typeof bytes === 'string' ? bytes : latin1(bytes);
  const firstEnd = text.indexOf('\n');
  const first = (firstEnd < 0 ? text : text.slice(0, firstEnd)).replace(/\r$/, '');
  const req = REQUEST_LINE.exec(first);
  const res = req === null ? STATUS_LINE.exec(first) : null;
  if (req === null && res === null) return null;
  const head: HttpHead = { kind: req !== null ? 'request' : 'response', startLine: first, headers: [], flags: [] };
  if (res !== null) {
    head.status = Number(res[2]);
    if (head.status >= 500) head.flags.push({ kind: 'server-error', text: `${head.status} server error: ${first}` });
  }
  if (firstEnd < 0) return head;
  let at = firstEnd + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0) break;
    const line = text.slice(at, end).replace(/\r$/, '');
    at = end + 1;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon < 0) {
      head.flags.push({ kind: 'malformed-header', text: `header line without a colon: ${line}` });
      continue;
    }
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    head.headers.push([name, value]);
    if (!TOKEN.test(name)) head.flags.push({ kind: 'malformed-header', text: `malformed header line: ${line}` });
  }
  return head;
}

export const REDACTED = '********';
const SECRET_HEADER = /^((?:authorization|proxy-authorization|cookie|set-cookie)[ \t]*:[ \t]*)([^\r\n]*)/gim;
const PASSWORD_FIELD = /(^|[?&\s])(password=)([^&\s]*)/gi;

/** Masks Authorization, Proxy-Authorization, Cookie and Set-Cookie values and `password=` fields. */
export function redactText(text: string): string {
  return text
    .replace(SECRET_HEADER, (_m, name: string, value: string) => (value === '' ? name : `${name}${REDACTED}`))
    .replace(PASSWORD_FIELD, (_m, pre: string, key: string, value: string) => (value === '' ? `${pre}${key}` : `${pre}${key}${REDACTED}`));
}

/** The same masking on raw bytes (read as Latin-1), so every rendering (text or hex) shows it. */
export function redactBytes(bytes: Uint8Array): Uint8Array {
  const text = latin1(bytes);
  const masked = redactText(text);
  if (masked === text) return bytes;
  const out = new Uint8Array(masked.length);
  for (let i = 0; i < masked.length; i++) out[i] = masked.charCodeAt(i) & 0xff;
  return out;
}
