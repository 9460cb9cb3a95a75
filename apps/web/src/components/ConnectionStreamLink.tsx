'use client';

import { useState } from 'react';
import type { EventRecord } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { currentShareToken, errorEnvelopeOf } from '../lib/hubClient.ts';
import { captureCovering, connectionFdName, connectionStreamPath } from '../lib/tcpStreamLink.ts';

/** "I/O stream" for a connection row (trace_tcp): opens the connection's stream in a saved trace_io capture covering it. */
export function ConnectionStreamLink({ row }: { row: EventRecord }) {
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A share link reaches one capture only; it cannot look through the others.
  if (currentShareToken() !== null) return null;
  const find = async () => {
    setBusy(true);
    setNote(null);
    try {
      const capture = captureCovering(await captureClient.list(), row);
      if (capture === undefined) setNote(`No saved trace_io capture covers this connection; record trace_io on ${String(row['k8s.podName'] ?? 'the pod')} to see its bytes.`);
      else window.location.assign(connectionStreamPath(capture.id, row));
    } catch (err) {
      setNote(errorEnvelopeOf(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="pad">
      <button type="button" className="btn btn-small" data-testid="find-stream" disabled={busy} onClick={() => void find()} title={`Open ${connectionFdName(row)} as an I/O stream in a trace_io capture`}>
        I/O stream
      </button>
      {note !== null && <p className="muted" data-testid="find-stream-note">{note}</p>}
    </div>
  );
}
