'use client';

import { useEffect, useState } from 'react';
import type { CaptureSummary, ErrorEnvelope, RunInfo, RunRequestInput } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { captureViewPath } from '../lib/captureViewState.ts';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { CaptureStateBadge } from './CaptureHeader.tsx';

const POLL_MS = 2000;

interface Props {
  feed: LiveRunFeed;
  /** The run the form describes (for a timed capture); null while the form is incomplete. */
  request: RunRequestInput | null;
  /** A timed capture started its own run: watch it like any run. */
  onRun: (run: RunInfo) => void;
}

/** Record the watched run (from its start or from now), or start a run that records for a duration (`kubectl capture -M 30`). */
export function RecordPanel({ feed, request, onRun }: Props) {
  useFeedVersion(feed, 1000);
  const [name, setName] = useState('');
  const [from, setFrom] = useState<'start' | 'now'>('start');
  const [duration, setDuration] = useState('30');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [capture, setCapture] = useState<CaptureSummary | null>(null);
  // The run a timed capture started: it ends with the capture, even while this page watches it.
  const [ownedRun, setOwnedRun] = useState<string | null>(null);

  const state = feed.run?.state;
  const runActive = feed.runId !== null && (state === undefined || state === 'starting' || state === 'running');
  const isReplay = feed.run?.replayOf !== undefined;
  const recording = capture?.state === 'recording';
  const captureId = capture?.id;

  // Follows the capture's state and size while it records (a timed capture completes on its own).
  useEffect(() => {
    if (captureId === undefined || !recording) return;
    const t = setInterval(() => {
      captureClient.get(captureId).then(
        (r) => setCapture(r.capture),
        () => undefined,
      );
    }, POLL_MS);
    return () => clearInterval(t);
  }, [captureId, recording]);

  useEffect(() => {
    if (ownedRun === null || capture === null || capture.state === 'recording') return;
    setOwnedRun(null);
    hubClient.stopRun(ownedRun).then(
      () => undefined,
      () => undefined,
    );
  }, [ownedRun, capture]);

  const run = async (fn: () => Promise<CaptureSummary>) => {
    setBusy(true);
    setError(null);
    try {
      setCapture(await fn());
    } catch (err) {
      setError(errorEnvelopeOf(err));
    } finally {
      setBusy(false);
    }
  };
  const named = name.trim() === '' ? {} : { name: name.trim() };
  const record = () => run(() => captureClient.record(feed.runId ?? '', { from, ...named }));
  const timed = () =>
    run(async () => {
      if (request === null) throw new Error('pick a target and a gadget first');
      const res = await captureClient.create({ request, durationSec: Number(duration), ...named });
      if (res.run !== undefined) {
        setOwnedRun(res.run.id);
        onRun(res.run);
      }
      return res.capture;
    });
  const stop = () => run(() => captureClient.stopRecording(captureId ?? ''));
  const durationOk = Number(duration) > 0;

  return (
    <section className="panel record-panel" aria-label="Capture">
      <header className="panel-title">Capture</header>
      <label className="field">
        <span>name (optional)</span>
        <input data-testid="record-name" value={name} placeholder="incident-1234" onChange={(e) => setName(e.target.value)} />
      </label>
      <div className="form-row">
        <select data-testid="record-from" aria-label="Record from" value={from} onChange={(e) => setFrom(e.target.value === 'now' ? 'now' : 'start')}>
          <option value="start">from the run&apos;s start</option>
          <option value="now">from now on</option>
        </select>
        <button type="button" className="btn btn-small btn-danger" data-testid="record-start" disabled={!runActive || isReplay || busy || recording} onClick={() => void record()} title={runActive ? 'Record the watched run into a capture until it stops' : 'Start a run first'}>
          ● Record
        </button>
      </div>
      <div className="form-row">
        <label className="inline-field">
          or run for
          <input type="number" min="1" data-testid="capture-duration" value={duration} onChange={(e) => setDuration(e.target.value)} style={{ width: 70 }} />s
        </label>
        <button type="button" className="btn btn-small" data-testid="capture-start" disabled={request === null || !durationOk || busy || recording} onClick={() => void timed()} title="Start the gadget above on the target above, record it, and stop after the duration (like kubectl capture -M)">
          Capture
        </button>
      </div>
      {capture !== null && (
        <div className="record-status" data-testid="record-status" data-state={capture.state}>
          <CaptureStateBadge state={capture.state} />{' '}
          <a href={captureViewPath({ id: capture.id })} data-testid="record-link" target="_blank" rel="noreferrer">
            {capture.name}
          </a>{' '}
          <span className="muted">{capture.events.toLocaleString()} events</span>
          {recording && (
            <button type="button" className="btn btn-small" data-testid="record-stop" disabled={busy} onClick={() => void stop()}>
              Stop recording
            </button>
          )}
        </div>
      )}
      {error !== null && (
        <div className="error-box" role="alert" data-testid="record-error">
          {error.message}
        </div>
      )}
    </section>
  );
}
