'use client';

import type { EventRecord } from '@podscope/protocol';
import { base64Bytes, hexDump, packetLayers } from '../lib/packetView.ts';

/** One packet: tcpdump's summary, the decoded layers, and the captured bytes as hex + ASCII. */
export function PacketDetail({ row }: { row: EventRecord }) {
  const layers = packetLayers(row);
  const bytes = base64Bytes(typeof row['data'] === 'string' ? row['data'] : '');
  const rows = hexDump(bytes);
  return (
    <section className="packet-detail" data-testid="packet-detail">
      <div className="packet-summary" data-testid="packet-summary">{String(row['summary'] ?? '')}</div>
      <ol className="packet-layers" data-testid="packet-layers">
        {layers.map((l) => (
          <li key={l.name} data-layer={l.name} title={l.fields.map(([k, v]) => `${k}=${v}`).join('\n')}>
            <span className="packet-layer-name">{l.name}</span> <span className="packet-layer-text">{l.text}</span>
          </li>
        ))}
      </ol>
      <div className="packet-bytes-title muted">
        {bytes.length} bytes captured{typeof row['len'] === 'number' && row['len'] !== bytes.length ? ` of ${row['len']}` : ''}
      </div>
      <pre className="packet-hex" data-testid="packet-hex" aria-label="Packet bytes in hex and ASCII">
        {rows.map((r) => (
          <div key={r.offset} className="hex-row">
            <span className="hex-offset">{r.offset}</span>
            {'  '}
            <span className="hex-bytes">{r.hex.padEnd(48, ' ')}</span>
            {'  '}
            <span className="hex-ascii">{r.ascii}</span>
          </div>
        ))}
      </pre>
    </section>
  );
}
