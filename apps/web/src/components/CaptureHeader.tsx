'use client';

import { useState } from 'react';
import type { CaptureResponse, CaptureSummary } from '@podscope/protocol';
import { captureClient, captureRoutes } from '../lib/captureClient.ts';
import type { CaptureViewState } from '../lib/captureViewState.ts';
import { formatBytes, formatTimestampLong } from '../lib/formatField.ts';
import { errorEnvelopeOf, withShareToken } from '../lib/hubClient.ts';
import { CaptureLossesBar } from './CaptureLossesBar.tsx';
import { ReplayStart } from './ReplayControls.tsx';
import { ShareDialog } from './ShareDialog.tsx';

interface Props {
  data: CaptureResponse;
  view: CaptureViewState;
  shared: boolean;
  onRenamed: (name: string) => void;
  onStopped: (capture: CaptureSummary) => void;
}

export function CaptureStateBadge({ state }: { state: CaptureSummary['state'] }) {
  return (
    <span className={`state-badge capture-state-${state}`} data-testid="capture-state" data-state={state}>
      {state}
    </span>
  );
}

/** Name, state, what was recorded, the losses, and the actions (share, export, replay). */
export function CaptureHeader({ data, view, shared, onStopped }: Props) {
  const { capture, meta } = data;
  const [sharing, setSharing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = async () => {
    try {
      onStopped(await captureClient.stopRecording(capture.id));
    } catch (err) {
      setError(errorEnvelopeOf(err).message);
    }
  };
  const t = meta.request.target;
  const target = [t.namespaces.length > 0 ? `ns ${t.namespaces.join(',')}` : 'all namespaces', t.podName !== undefined ? `pod ${t.podName}` : null, t.containerName !== undefined ? `container ${t.containerName}` : null, t.host ? 'host' : null].filter((x) => x !== null).join(' · ');
  return (
    <>
      <div className="run-bar capture-header">
        <div className="run-status">
          <strong className="capture-name" data-testid="capture-name">
            {capture.name}
          </strong>
          <CaptureStateBadge state={capture.state} />
          {capture.payload && (
            <span className="chip chip-warn" data-testid="capture-payload" title="Events carry payload bytes (packet data, I/O buffers)">
              payload
            </span>
          )}
          <span className="run-meta">
            <span data-testid="capture-event-count" data-value={capture.events}>
              {capture.events.toLocaleString()} events
            </span>{' '}
            · {formatBytes(capture.sizeBytes)} · {meta.gadgets.map((g) => g.name).join(', ') || meta.request.gadget} · {target} · nodes {capture.nodes.join(', ') || '—'}
          </span>
          {capture.firstNs !== null && capture.lastNs !== null && (
            <span className="run-meta">
              {formatTimestampLong(capture.firstNs)} → {formatTimestampLong(capture.lastNs)}
            </span>
          )}
          {meta.importedFrom !== undefined && <span className="muted">imported from {meta.importedFrom.file}{meta.importedFrom.signer !== undefined ? ` (signed by ${meta.importedFrom.signer})` : ''}</span>}
        </div>
        <div className="button-row">
          {!shared && capture.state === 'recording' && (
            <button type="button" className="btn btn-small btn-danger" data-testid="capture-stop" onClick={() => void stop()}>
              ■ Stop recording
            </button>
          )}
          {!shared && <ReplayStart captureId={capture.id} fromNs={view.from} />}
          <a className="btn btn-small" data-testid="capture-export" href={withShareToken(captureRoutes.export(capture.id))} download title="Download the signed .podscope file (another hub can import it)">
            Export
          </a>
          {!shared && (
            <button type="button" className="btn btn-small btn-accent" data-testid="share-open" onClick={() => setSharing(true)}>
              Share…
            </button>
          )}
        </div>
      </div>
      {capture.state === 'interrupted' && (
        <div className="warn-box banner" role="alert" data-testid="capture-interrupted">
          This capture was <strong>interrupted</strong>: the hub stopped while recording. It holds what was written before the stop; later events are missing.
        </div>
      )}
      {capture.state === 'recording' && (
        <div className="notice banner" data-testid="capture-recording">
          Still recording: counts grow as events arrive. Reload to see the newest.
        </div>
      )}
      {error !== null && <div className="error-box">{error}</div>}
      <CaptureLossesBar meta={meta} />
      {sharing && <ShareDialog captureId={capture.id} captureName={capture.name} payload={capture.payload} view={view} onClose={() => setSharing(false)} />}
    </>
  );
}
