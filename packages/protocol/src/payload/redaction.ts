/**
 * Redaction of credentials in payload bytes (trace_io buffers, packet data) before the hub serves them:
 * values of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers and password form/query
 * fields are masked with '*', keeping every length and offset (an auth scheme such as "Bearer" stays).
 * The hub masks what it serves; the web UI runs the same code over anything it renders.
 */
import type { EventRecord } from '../fields.ts';
import { parseFilterSyntax, type FilterNode } from '../filter/index.ts';
import { base64Latin1, latin1Bytes, latin1Text } from './bytes.ts';

/** Headers whose values are credentials. */
export const REDACTED_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

// Header lines (at the start of the buffer or of a line): keep an auth scheme ("Bearer"), mask the rest of the line.
const HEADER_VALUE = /(^|\n)((?:proxy-)?authorization|set-cookie|cookie)([ \t]*:[ \t]*)(?:((?:Basic|Bearer|Digest|Negotiate|NTLM|AWS4-HMAC-SHA256|Token)[ \t]+))?([^\r\n]*)/gi;
// Form / query fields named like a password: password=, passwd=, new_password=, pwd=.
const PASSWORD_FIELD = /(^|[&?;\s"{,])([\w.-]*(?:password|passwd)|pwd)(=)([^&\s"]*)/gi;
// Cheap pre-check: text without any of these words has nothing to mask.
const MAYBE_SECRET = /authorization|cookie|passw|pwd=/i;

export interface RedactedText {
  readonly text: string;
  /** How many values were masked. */
  readonly count: number;
}

/** Masks credentials in text read as Latin-1 (one character per byte). */
export function redactText(text: string): RedactedText {
  if (!MAYBE_SECRET.test(text)) return { text, count: 0 };
  let count = 0;
  const hide = (secret: string): string => {
    if (secret === '') return secret;
    count++;
    return '*'.repeat(secret.length);
  };
  const out = text
    .replace(HEADER_VALUE, (_m, pre: string, name: string, sep: string, scheme: string | undefined, value: string) => `${pre}${name}${sep}${scheme ?? ''}${hide(value)}`)
    .replace(PASSWORD_FIELD, (_m, pre: string, name: string, eq: string, value: string) => `${pre}${name}${eq}${hide(value)}`);
  return { text: count === 0 ? text : out, count };
}

export interface Redaction {
  /** The same array when nothing was masked. */
  readonly bytes: Uint8Array;
  readonly count: number;
}

/** Masks credentials in a captured buffer (HTTP headers and password form fields), same length. */
export function redactPayloadDetailed(bytes: Uint8Array): Redaction {
  const { text, count } = redactText(latin1Text(bytes));
  return count === 0 ? { bytes, count } : { bytes: latin1Bytes(text), count };
}

/** redactPayloadDetailed without the count: the same bytes when nothing was secret. */
export function redactPayload(bytes: Uint8Array): Uint8Array {
  return redactPayloadDetailed(bytes).bytes;
}

/** Masks credentials in base64-encoded bytes; the same string when nothing was masked. */
export function redactBase64(base64: string): { base64: string; count: number } {
  // Native atob/btoa give the bytes as Latin-1 text directly: the hot path of live masking.
  const r = redactText(base64Latin1(base64));
  return r.count === 0 ? { base64, count: 0 } : { base64: btoa(r.text), count: r.count };
}

/** Event fields carrying payload bytes as base64 (trace_io buffers, packet data). */
export const PAYLOAD_BYTES_FIELDS: readonly string[] = ['data'];
/** Event fields carrying payload text decoded from packets (an HTTP request line may hold `?password=`). */
export const PAYLOAD_TEXT_FIELDS: readonly string[] = ['http.request', 'summary'];

export interface RedactedEvent {
  /** The same object when nothing was masked, else a copy. */
  readonly event: EventRecord;
  readonly count: number;
}

/** Masks credentials in an event's payload fields. */
export function redactEvent(event: EventRecord): RedactedEvent {
  let out: EventRecord | undefined;
  let count = 0;
  const mask = (field: string, redact: (v: string) => { text: string; count: number }): void => {
    const v = event[field];
    if (typeof v !== 'string' || v === '') return;
    const r = redact(v);
    if (r.count === 0) return;
    out ??= { ...event };
    out[field] = r.text;
    count += r.count;
  };
  for (const field of PAYLOAD_BYTES_FIELDS) mask(field, (v) => {
    const r = redactBase64(v);
    return { text: r.base64, count: r.count };
  });
  for (const field of PAYLOAD_TEXT_FIELDS) mask(field, redactText);
  return { event: out ?? event, count };
}

/** Masks a list of events; the same array when nothing was masked. */
export function redactEvents(events: readonly EventRecord[]): { events: readonly EventRecord[]; count: number } {
  let out: EventRecord[] | undefined;
  let count = 0;
  events.forEach((e, i) => {
    const r = redactEvent(e);
    if (r.count === 0) return;
    out ??= [...events];
    out[i] = r.event;
    count += r.count;
  });
  return { events: out ?? events, count };
}

const PAYLOAD_FIELDS: ReadonlySet<string> = new Set([...PAYLOAD_BYTES_FIELDS, ...PAYLOAD_TEXT_FIELDS]);

/**
 * Payload fields a filter reads (none when it does not parse: whoever runs the filter reports that). A filter on
 * them answers questions about masked bytes (`data~"Bearer s"`), so it needs the right to see them.
 */
export function payloadFieldsIn(filter: string): string[] {
  let root: FilterNode | null;
  try {
    root = parseFilterSyntax(filter);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.items.forEach(walk);
        return;
      case 'not':
        walk(n.item);
        return;
      case 'compare':
      case 'in':
        if (PAYLOAD_FIELDS.has(n.field.name)) found.add(n.field.name);
        return;
    }
  };
  if (root !== null) walk(root);
  return [...found];
}
