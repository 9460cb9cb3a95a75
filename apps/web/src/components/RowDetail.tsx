'use client';

import type { FieldMeta } from '@podscope/protocol';
import { orderedKeys } from '../lib/columns.ts';
import { formatField, formatTimestampLong } from '../lib/formatField.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';

interface Props {
  feed: LiveRunFeed;
  /** Absolute row index in the feed's store. */
  index: number;
  fields: readonly FieldMeta[];
  onClose: () => void;
}

/** Every field of the selected event, formatted, with the raw value where formatting changed it. */
export function RowDetail({ feed, index, fields, onClose }: Props) {
  useFeedVersion(feed, 1000);
  const row = feed.store.get(index);
  const meta = new Map(fields.map((f) => [f.name, f]));
  return (
    <aside className="row-detail" data-testid="row-detail" aria-label="Event detail">
      <header className="panel-title">
        Event #{index}
        <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close detail" data-testid="row-detail-close">
          ✕
        </button>
      </header>
      {row === undefined ? (
        <p className="muted pad">This row is no longer in the browser buffer.</p>
      ) : (
        <dl className="detail-list">
          {orderedKeys(row, fields).map((key) => {
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
      )}
    </aside>
  );
}
