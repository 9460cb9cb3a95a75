import { Packr, Unpackr } from 'msgpackr';
import type { z } from 'zod';
import { AgentEvents, AgentToHub, ClientToHub, HubToAgent, HubToClient } from './messages.ts';
import type { ErrorEnvelope } from './errors.ts';
import { formatZodError } from './errors.ts';
import { PROTOCOL_VERSION } from './version.ts';
import { checkEventColumns, decodeEventColumns, encodeEventColumns, encodeEventColumnsScratch, eventColumnsOf } from './eventColumns.ts';

// Frames are MessagePack; `useRecords` writes each repeated event shape once per frame, so a batch of
// same-gadget events costs little more than its values.
const packr = new Packr({ useRecords: true, moreTypes: false, int64AsType: 'number' });
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });

export interface EncodeOptions {
  /** Already-encoded columns of an events message's batch (eventColumnsOf), forwarded as they are. */
  readonly columns?: Uint8Array | undefined;
}

export function encodeFrame(message: AgentToHub | HubToAgent | ClientToHub | HubToClient, opts: EncodeOptions = {}): Uint8Array {
  // Event batches travel column-wise (eventColumns.ts): far cheaper to write and read than one map per event.
  if (message.type === 'events') return packr.pack({ ...message, events: opts.columns ?? encodeEventColumnsScratch(message.events) });
  return packr.pack(message);
}

export type Decoded<T> = { ok: true; message: T } | { ok: false; error: ErrorEnvelope };

/** The frame's MessagePack value, once its protocol version is checked. */
function unpackFrame(data: Uint8Array | ArrayBuffer): Decoded<unknown> {
  let raw: unknown;
  try {
    raw = unpackr.unpack(data instanceof Uint8Array ? data : new Uint8Array(data));
  } catch (err) {
    return { ok: false, error: { code: 'bad_frame', message: `undecodable frame: ${err instanceof Error ? err.message : String(err)}` } };
  }
  if (typeof raw === 'object' && raw !== null && 'v' in raw && raw.v !== PROTOCOL_VERSION) {
    return { ok: false, error: { code: 'version_mismatch', message: `protocol version ${String(raw.v)} is not ${PROTOCOL_VERSION}` } };
  }
  return { ok: true, message: raw };
}

/** An events message whose batch is one `bin` of encoded columns. */
function hasEncodedBatch(raw: unknown): raw is { type: 'events'; events: Uint8Array } {
  return typeof raw === 'object' && raw !== null && 'type' in raw && raw.type === 'events' && 'events' in raw && raw.events instanceof Uint8Array;
}

const badBatch = (err: unknown): Decoded<never> => ({ ok: false, error: { code: 'bad_frame', message: `malformed event batch: ${err instanceof Error ? err.message : String(err)}` } });

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Decoded<T> {
  if (hasEncodedBatch(raw)) {
    try {
      raw = { ...raw, events: decodeEventColumns(raw.events) };
    } catch (err) {
      return badBatch(err);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { code: 'bad_frame', message: `malformed message: ${formatZodError(parsed.error)}` } };
  return { ok: true, message: parsed.data };
}

function decodeWith<T>(schema: z.ZodType<T>, data: Uint8Array | ArrayBuffer): Decoded<T> {
  const frame = unpackFrame(data);
  return frame.ok ? parseWith(schema, frame.message) : frame;
}

export const decodeAgentToHub = (data: Uint8Array | ArrayBuffer): Decoded<AgentToHub> => decodeWith(AgentToHub, data);

/** An agent's event batch as a relay keeps it: checked like any batch and counted, but not turned into events. */
export interface RelayedAgentEvents {
  v: number;
  type: 'events';
  runId: string;
  node: string;
  seq: number;
  /** How many events the batch holds. */
  count: number;
  /** The batch's encoded columns, as the agent sent them (encodeFrame's `columns` forwards them). */
  columns: Uint8Array;
}
export type RelayedAgentToHub = Exclude<AgentToHub, { type: 'events' }> | RelayedAgentEvents;

/**
 * decodeAgentToHub for the hub, which only counts and forwards event batches: a batch is checked exactly as
 * decodeEventColumns checks it (a bad one is the same bad_frame) but its events are never built.
 */
export function decodeAgentToHubRelayed(data: Uint8Array | ArrayBuffer): Decoded<RelayedAgentToHub> {
  const frame = unpackFrame(data);
  if (!frame.ok) return frame;
  const raw = frame.message;
  if (!hasEncodedBatch(raw)) return relayedOf(parseWith(AgentToHub, raw));
  const columns = raw.events;
  let count: number;
  try {
    count = checkEventColumns(columns);
  } catch (err) {
    return badBatch(err);
  }
  // The envelope (v, runId, node, seq) goes through the schema as usual, with an empty batch in place of the events.
  const parsed = parseWith(AgentEvents, { ...raw, events: [] });
  if (!parsed.ok) return parsed;
  const { v, runId, node, seq } = parsed.message;
  return { ok: true, message: { v, type: 'events', runId, node, seq, count, columns } };
}

/** Any other frame as decodeAgentToHub reads it; a batch that came as plain maps is encoded to columns once. */
function relayedOf(d: Decoded<AgentToHub>): Decoded<RelayedAgentToHub> {
  if (!d.ok || d.message.type !== 'events') return d as Decoded<RelayedAgentToHub>;
  const { v, runId, node, seq, events } = d.message;
  return { ok: true, message: { v, type: 'events', runId, node, seq, count: events.length, columns: eventColumnsOf(events) ?? encodeEventColumns(events) } };
}
export const decodeHubToAgent = (data: Uint8Array | ArrayBuffer): Decoded<HubToAgent> => decodeWith(HubToAgent, data);
export const decodeClientToHub = (data: Uint8Array | ArrayBuffer): Decoded<ClientToHub> => decodeWith(ClientToHub, data);
export const decodeHubToClient = (data: Uint8Array | ArrayBuffer): Decoded<HubToClient> => decodeWith(HubToClient, data);
