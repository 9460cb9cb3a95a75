'use client';

import type { EventRecord, FieldMeta } from '@podscope/protocol';
import { orderedKeys } from '../lib/columns.ts';
import { formatField, formatTimestampLong } from '../lib/formatField.ts';
import { isPacketRow } from '../lib/packetView.ts';
import { PacketDetail } from './PacketDetail.tsx';

interface Props {
  title: string;
  row: EventRecord | undefined;
  /** Shown when the row is not (or no longer) at hand. */
  missing: string;
  fields: readonly FieldMeta[];
  onClose: () => void;
}

/** Every field of one event, formatted, with the raw value where formatting changed it. */
export function EventDetail({ title, row, missing, fields, onClose }: Props) {
  const meta = new Map(fields.map((f) => [f.name, f]));
  const packet = isPacketRow(row);
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
        <dl className="detail-list">
          {orderedKeys(row, fields).filter((key) => !(packet && key === 'data')).map((key) => {
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
