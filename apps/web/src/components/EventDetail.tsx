'use client';

import { redactPayload, type EventRecord, type FieldMeta } from '@podscope/protocol';
import { orderedKeys } from '../lib/columns.ts';
import { formatField, formatTimestampLong } from '../lib/formatField.ts';
import { isIoRow, renderBytes, streamKeyOf } from '../lib/ioStreams.ts';
import { base64Bytes, isPacketRow } from '../lib/packetView.ts';
import { isConnectionRow } from '../lib/tcpStreamLink.ts';
import { ConnectionStreamLink } from './ConnectionStreamLink.tsx';
import { PacketDetail } from './PacketDetail.tsx';

interface Props {
  title: string;
  row: EventRecord | undefined;
  /** Shown when the row is not (or no longer) at hand. */
  missing: string;
  fields: readonly FieldMeta[];
  onClose: () => void;
  /** Given for trace_io events: opens the I/O stream the event belongs to. */
  onOpenStream?: ((key: string) => void) | undefined;
}

/** Every field of one event, formatted, with the raw value where formatting changed it. */
export function EventDetail({ title, row, missing, fields, onClose, onOpenStream }: Props) {
  const meta = new Map(fields.map((f) => [f.name, f]));
  const packet = isPacketRow(row);
  // trace_io bytes are shown decoded and redacted, never as raw base64.
  const io = isIoRow(row);
  return (
    <aside className={`row-detail${packet ? ' row-detail-packet' : ''}`} data-testid="row-detail" aria-label="Event detail">
      <header className="panel-title">
        {title}
        <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close detail" data-testid="row-detail-close">
          ✕
        </button>
      </header>
      {row === undefined ? (
        <p className="muted pad">{missing}</p>
      ) : (
        <>
        {packet && <PacketDetail row={row} />}
        {onOpenStream !== undefined && isIoRow(row) && (
          <div className="pad">
            <button type="button" className="btn btn-small" data-testid="open-stream" onClick={() => onOpenStream(streamKeyOf(row))} title="Show this event's connection or file as an I/O stream">
              Open stream
            </button>
          </div>
        )}
        {isConnectionRow(row) && <ConnectionStreamLink row={row} />}
        {io && typeof row['data'] === 'string' && row['data'] !== '' && (
          <pre className="io-op-data io-detail-data" data-testid="io-detail-data" aria-label="Captured bytes (secrets masked)">
            {renderBytes(redactPayload(base64Bytes(row['data'])), 'dotted')}
          </pre>
        )}
        <dl className="detail-list">
          {orderedKeys(row, fields).filter((key) => !((packet || io) && key === 'data')).map((key) => {
            const m = meta.get(key);
            const value = row[key];
            const shown = m?.type === 'timestamp' && typeof value === 'number' ? formatTimestampLong(value) : formatField(value, m);
            const raw = value === null || value === undefined ? '' : String(value);
            return (
              <div key={key} className="detail-row" title={m?.description}>
                <dt>{key}</dt>
                <dd data-field={key}>
                  {shown === '' ? <span className="muted">—</span> : shown}
                  {raw !== shown && raw !== '' && <span className="raw">{raw}</span>}
                </dd>
              </div>
            );
          })}
        </dl>
        </>
      )}
    </aside>
  );
}
