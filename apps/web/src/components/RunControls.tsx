'use client';

import type { ErrorEnvelope } from '@podscope/protocol';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';

interface Props {
  feed: LiveRunFeed;
  canStart: boolean;
  busy: boolean;
  /** A failed REST call (start/stop); socket errors come from the feed. */
  error: ErrorEnvelope | null;
  onStart: () => void;
  onStop: () => void;
}

function detailsText(details: Record<string, unknown> | undefined): string | null {
  if (details === undefined) return null;
  const parts = Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** Start and Stop, plus the reason when the hub refused or a run failed. */
export function RunControls({ feed, canStart, busy, error, onStart, onStop }: Props) {
  useFeedVersion(feed, 1000);
  const state = feed.run?.state;
  const active = feed.runId !== null && (state === undefined || state === 'starting' || state === 'running');
  const shown = error ?? feed.lastError;
  const nodeErrors = feed.run?.nodes.filter((n) => n.error !== undefined) ?? [];
  return (
    <div className="run-controls">
      <div className="button-row">
        <button type="button" className="btn btn-primary" data-testid="run-start" disabled={!canStart || busy} onClick={onStart}>
          Start
        </button>
        <button type="button" className="btn btn-danger" data-testid="run-stop" disabled={!active || busy} onClick={onStop}>
          Stop
        </button>
      </div>
      {shown !== null && (
        <div className="error-box" role="alert" data-testid="run-error" data-code={shown.code}>
          <strong>{shown.code}</strong>: {shown.message}
          {detailsText(shown.details) !== null && <div className="error-details">{detailsText(shown.details)}</div>}
        </div>
      )}
      {shown === null && state === 'failed' && (
        <div className="error-box" role="alert" data-testid="run-error" data-code="failed">
          The run failed{nodeErrors.length > 0 ? `: ${nodeErrors.map((n) => `${n.node}: ${n.error?.message ?? ''}`).join('; ')}` : '.'}
        </div>
      )}
    </div>
  );
}
