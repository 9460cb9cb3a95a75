import Database from 'better-sqlite3';
import { Readable } from 'node:stream';
import { PAYLOAD_BYTES_FIELDS, PAYLOAD_TEXT_FIELDS, redactEvent, type CaptureEvent, type CaptureEventsResponse, type CaptureMeta } from '@podscope/protocol';
import { requireNoPayloadFilter } from '../accessControl.ts';
import type { RouteContext } from '../httpRouter.ts';
import { writeMetaRows } from './captureDb.ts';
import { columnValue, storedGenericColumns } from './captureFieldColumns.ts';
import type { CaptureReader } from './captureStore.ts';
import { EventBodyDecoder, EventBodyEncoder } from './eventBodyCodec.ts';

// Credentials in payload-bearing captures (trace_io buffers, packets) are masked in everything the hub
// serves unless the request asked for `?unmask=1` and its user has `payload:unmask` (audited).

/**
 * Whether to mask what this request is served of capture `id` (`what`: events, export, streams, …).
 * An unmask request is checked (and audited) even for a capture without payloads, so the answer to a
 * user without the permission is the same 403 everywhere.
 */
export async function maskPayloads(ctx: RouteContext, id: string, meta: CaptureMeta, what: string, filter = ''): Promise<boolean> {
  const raw = await ctx.access.unmask(`capture:${id}/${what}`);
  const mask = meta.payload && !raw;
  // A filter on a payload field would answer questions about the bytes the mask hides (data~"Bearer s").
  if (mask) requireNoPayloadFilter(filter, 'with unmask=1');
  return mask;
}

export function maskCaptureEvents(events: readonly CaptureEvent[]): CaptureEvent[] {
  return events.map((e) => {
    const r = redactEvent(e.event);
    return r.count === 0 ? e : { id: e.id, event: r.event };
  });
}

export function maskEventsPage(page: CaptureEventsResponse): CaptureEventsResponse {
  return { ...page, events: maskCaptureEvents(page.events) };
}

const BATCH = 2_000;

/**
 * Masks credentials in every event of a standalone capture file (an export snapshot), in place. Rewritten
 * rows keep their length; `secure_delete` zeroes whatever SQLite frees, so the old bytes do not linger.
 * Returns how many values were masked; the count is also stored in meta as `payloadMasked`.
 */
export function maskCaptureFile(file: string): number {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('secure_delete = ON');
    const decoder = new EventBodyDecoder(db);
    const select = db.prepare<[number, number], { id: number; body: Buffer }>('SELECT id, body FROM events WHERE id > ? ORDER BY id LIMIT ?');
    // Payload fields short enough to have their own column hold a copy of the value: mask it there too.
    const payloadFields = new Set([...PAYLOAD_BYTES_FIELDS, ...PAYLOAD_TEXT_FIELDS]);
    const cols = storedGenericColumns(db).filter((c) => payloadFields.has(c.field));
    const update = db.prepare(`UPDATE events SET body = ?${cols.map((c) => `, ${c.column} = ?`).join('')} WHERE id = ?`);
    let masked = 0;
    db.transaction(() => {
      const encoder = new EventBodyEncoder(db);
      for (let after = 0; ; ) {
        const rows = select.all(after, BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          const r = redactEvent(decoder.decode(row.body));
          if (r.count === 0) continue;
          masked += r.count;
          update.run(encoder.encode(r.event), ...cols.map((c) => columnValue(r.event[c.field], c.numeric)), row.id);
        }
        after = rows[rows.length - 1]?.id ?? after;
      }
      writeMetaRows(db, { payloadMasked: masked });
    })();
    return masked;
  } finally {
    db.close();
  }
}

/** A capture's events as NDJSON (`{"id":…,"event":{…}}` per line) in time order, masked unless `mask` is false. */
export function eventsNdjson(reader: CaptureReader, mask: boolean, onDone: () => void): Readable {
  async function* lines(): AsyncGenerator<string> {
    try {
      const rows = reader.db.prepare<[], { id: number; body: Buffer }>('SELECT id, body FROM events ORDER BY ts, id').iterate();
      let chunk = '';
      for (const row of rows) {
        const event = reader.decoder.decode(row.body);
        chunk += `${JSON.stringify({ id: row.id, event: mask ? redactEvent(event).event : event })}\n`;
        if (chunk.length >= 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk !== '') yield chunk;
    } finally {
      onDone();
    }
  }
  return Readable.from(lines());
}
