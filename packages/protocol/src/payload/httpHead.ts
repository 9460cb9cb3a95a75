/**
 * HTTP triage on captured stream bytes (trace_io data, packet payloads): the head of a request or
 * response (start line + header block) parsed leniently, with what a strict proxy such as HAProxy
 * would refuse flagged. Pure functions over bytes; a head cut short by the snaplen parses as far as it goes.
 */
import { latin1Text } from './bytes.ts';

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

export type HttpProblemKind = 'malformed-header' | 'obsolete-line-folding' | 'server-error';

export interface HttpProblem {
  readonly kind: HttpProblemKind;
  /** The offending line as captured (for server-error: the status line). */
  readonly line: string;
  readonly message: string;
}

export interface HttpHead {
  readonly kind: 'request' | 'response';
  readonly startLine: string;
  /** "HTTP/1.1" */
  readonly version: string;
  readonly method?: string;
  readonly target?: string;
  readonly status?: number;
  readonly reason?: string;
  /** Well-formed header lines, in order (malformed ones are only in `problems`). */
  readonly headers: readonly HttpHeader[];
  /** The blank line ending the head was captured. */
  readonly complete: boolean;
  /** Bytes of the head (start line to the blank line inclusive), or of what was captured of it. */
  readonly headLength: number;
  readonly problems: readonly HttpProblem[];
}

const REQUEST_LINE = /^([A-Z][A-Z0-9_-]*) (\S+) (HTTP\/\d(?:\.\d)?)$/;
const STATUS_LINE = /^(HTTP\/\d(?:\.\d)?) (\d{3})(?: (.*))?$/;
// RFC 9110 token: the only characters a field name may have.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MEDIA_TYPE = /^[a-z]+\/[\w.+-]+$/i;

/** True when the bytes start like an HTTP request or response (cheap check for stream lists). */
export function looksLikeHttp(bytes: Uint8Array | string): boolean {
  const text = latin1Text(typeof bytes === 'string' ? bytes : bytes.subarray(0, 64)).slice(0, 64);
  const eol = text.search(/\r?\n/);
  const first = eol < 0 ? text : text.slice(0, eol);
  return /^HTTP\/\d/.test(first) || /^[A-Z][A-Z0-9_-]* \S+ HTTP\/\d/.test(first) || /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) /.test(first);
}

function headerProblem(line: string): HttpProblem | null {
  if (/^[ \t]/.test(line)) return { kind: 'obsolete-line-folding', line, message: 'header line starts with whitespace (obsolete line folding, refused by strict parsers)' };
  const colon = line.indexOf(':');
  if (colon < 0) return { kind: 'malformed-header', line, message: 'header line has no ":" after a field name' };
  const name = line.slice(0, colon);
  if (name === '') return { kind: 'malformed-header', line, message: 'header line has an empty field name' };
  if (TOKEN.test(name)) return null;
  const value = line.slice(colon + 1).trim();
  if (MEDIA_TYPE.test(name) && TOKEN.test(value)) {
    return { kind: 'malformed-header', line, message: `field name "${name}" is not a token: name and value look swapped (did you mean "${value}: ${name}"?)` };
  }
  const bad = [...name].find((c) => !TOKEN.test(c)) ?? '';
  return { kind: 'malformed-header', line, message: `field name "${name}" is not a token (contains ${JSON.stringify(bad)})` };
}

/** Parses the head at the start of `bytes`; null when they do not start with an HTTP start line. */
export function parseHttpHead(bytes: Uint8Array | string): HttpHead | null {
  const text = latin1Text(bytes);
  const lines: string[] = [];
  let at = 0;
  let complete = false;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) {
      lines.push(text.slice(at)); // cut by the snaplen
      at = text.length;
      break;
    }
    const line = text.slice(at, nl).replace(/\r$/, '');
    at = nl + 1;
    if (line === '' && lines.length > 0) {
      complete = true;
      break;
    }
    lines.push(line);
  }
  const startLine = lines[0] ?? '';
  const req = REQUEST_LINE.exec(startLine);
  const res = req ? null : STATUS_LINE.exec(startLine);
  if (!req && !res) return null;

  const headers: HttpHeader[] = [];
  const problems: HttpProblem[] = [];
  const headerLines = lines.slice(1);
  headerLines.forEach((line, i) => {
    // The last line of a head cut short may be a partial header: judge only what is certainly whole.
    if (!complete && i === headerLines.length - 1 && !text.endsWith('\n')) return;
    const problem = headerProblem(line);
    if (problem) {
      problems.push(problem);
      return;
    }
    const colon = line.indexOf(':');
    headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
  });

  if (req) {
    return { kind: 'request', startLine, method: req[1]!, target: req[2]!, version: req[3]!, headers, complete, headLength: at, problems };
  }
  const status = Number(res![2]);
  if (status >= 500) problems.unshift({ kind: 'server-error', line: startLine, message: `server error status ${status}` });
  const reason = res![3];
  return { kind: 'response', startLine, version: res![1]!, status, ...(reason !== undefined ? { reason } : {}), headers, complete, headLength: at, problems };
}
