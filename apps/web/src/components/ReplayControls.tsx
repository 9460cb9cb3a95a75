'use client';

import { useEffect, useState } from 'react';
import type { ErrorEnvelope, ReplaySpeed, ReplayStatus } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { formatTimestampNs } from '../lib/formatField.ts';
import { errorEnvelopeOf } from '../lib/hubClient.ts';

const speeds: { value: string; speed: ReplaySpeed; label: string }[] = [
  { value: '1', speed: 1, label: '1×' },
  { value: '10', speed: 10, label: '10×' },
  { value: 'max', speed: 'max', label: 'max' },
];
const speedOf = (v: string): ReplaySpeed => speeds.find((s) => s.value === v)?.speed ?? 1;
const POLL_MS = 500;
const SCRUB_STEPS = 1000;

/** On a capture: play it back into the live view at the chosen speed. */
export function ReplayStart({ captureId, fromNs }: { captureId: string; fromNs: number | undefined }) {
  const [speed, setSpeed] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await captureClient.replay(captureId, { speed: speedOf(speed), ...(fromNs !== undefined ? { from: fromNs } : {}) });
      window.location.assign(`/?run=${encodeURIComponent(res.run.id)}`);
    } catch (err) {
      setError(errorEnvelopeOf(err));
      setBusy(false);
    }
  };
  return (
    <span className="replay-start">
      <select data-testid="replay-speed" aria-label="Replay speed" value={speed} onChange={(e) => setSpeed(e.target.value)}>
        {speeds.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" data-testid="replay-start" disabled={busy} onClick={() => void start()} title={fromNs !== undefined ? 'Replay from the start of the selected range into the live view' : 'Replay into the live view'}>
        ▶ Replay
      </button>
      {error !== null && (
        <span className="error-inline" role="alert" data-testid="replay-error">
          {error.message}
        </span>
      )}
    </span>
  );
}

/** In the live view of a replay run: pause, speed and a position scrubber over the capture's time span (a finished replay's run has ended: start another). */
export function LiveReplayControls({ runId, captureId }: { runId: string; captureId: string }) {
  const [status, setStatus] = useState<ReplayStatus | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [scrub, setScrub] = useState<number | null>(null);

  useEffect(() => {
    let alive = true;
    const poll = () =>
      captureClient.replayStatus(runId).then(
        (r) => alive && setStatus(r.replay),
        (err: unknown) => alive && setError(errorEnvelopeOf(err)),
      );
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [runId]);

  const control = async (c: Parameters<typeof captureClient.controlReplay>[1]) => {
    setError(null);
    try {
      setStatus((await captureClient.controlReplay(runId, c)).replay);
    } catch (err) {
      setError(errorEnvelopeOf(err));
    }
  };

  const span = status === null ? 0 : Math.max(1, status.lastNs - status.firstNs);
  const step = status === null ? 0 : Math.round(((status.positionNs - status.firstNs) / span) * SCRUB_STEPS);
  const shown = scrub ?? step;
  const nsAt = (s: number) => (status === null ? 0 : status.firstNs + (s / SCRUB_STEPS) * span);
  return (
    <div className="replay-controls" data-testid="replay-controls" aria-label="Replay">
      <span className="chip">replay</span>
      <a href={`/capture?id=${encodeURIComponent(captureId)}`} className="muted">
        of capture {captureId}
      </a>
      <button type="button" className="btn btn-small" data-testid="replay-pause" disabled={status === null || status.done} onClick={() => void control({ action: status?.paused === true ? 'resume' : 'pause' })}>
        {status?.paused === true ? '▶ Resume' : '⏸ Pause'}
      </button>
      <select data-testid="replay-speed" aria-label="Replay speed" value={String(status?.speed ?? '1')} disabled={status === null || status.done} onChange={(e) => void control({ action: 'speed', speed: speedOf(e.target.value) })}>
        {speeds.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <input
        type="range"
        className="replay-scrubber"
        data-testid="replay-position"
        aria-label="Replay position"
        min={0}
        max={SCRUB_STEPS}
        value={shown}
        disabled={status === null || status.done}
        onChange={(e) => setScrub(Number(e.target.value))}
        onPointerUp={() => {
          if (scrub !== null) void control({ action: 'seek', position: nsAt(scrub) });
          setScrub(null);
        }}
        onKeyUp={() => {
          if (scrub !== null) void control({ action: 'seek', position: nsAt(scrub) });
          setScrub(null);
        }}
      />
      {status !== null && (
        <span className="muted mono" data-testid="replay-status" data-played={status.played} data-done={status.done}>
          {formatTimestampNs(nsAt(shown))} · {status.played.toLocaleString()} played{status.done ? ' · done' : status.paused ? ' · paused' : ''}
        </span>
      )}
      {error !== null && (
        <span className="error-inline" role="alert">
          {error.message}
        </span>
      )}
    </div>
  );
}
