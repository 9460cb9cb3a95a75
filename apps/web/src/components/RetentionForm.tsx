'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { captureClient } from '../lib/captureClient.ts';

const MB = 1024 * 1024;

/** The hub's retention settings: captures older than the max age, and the oldest beyond the max total size, are deleted. */
export function RetentionForm() {
  const [maxAgeDays, setMaxAgeDays] = useState('');
  const [maxSizeMb, setMaxSizeMb] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    captureClient.retention().then(
      (r) => {
        setMaxAgeDays(String(r.maxAgeDays));
        setMaxSizeMb(String(Math.round(r.maxTotalBytes / MB)));
      },
      (err: unknown) => setStatus({ ok: false, text: errorEnvelopeOf(err).message }),
    );
  }, []);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const age = Number(maxAgeDays);
    const size = Number(maxSizeMb);
    if (!(age > 0) || !(size > 0)) {
      setStatus({ ok: false, text: 'Both limits must be positive numbers.' });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const r = await captureClient.setRetention({ maxAgeDays: age, maxTotalBytes: Math.round(size * MB) });
      setStatus({ ok: true, text: `Saved: captures are kept ${r.maxAgeDays} days, ${Math.round(r.maxTotalBytes / MB).toLocaleString()} MB in all.` });
    } catch (err) {
      setStatus({ ok: false, text: errorEnvelopeOf(err).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel retention-form" onSubmit={(e) => void save(e)} aria-label="Retention">
      <header className="panel-title">Retention</header>
      <div className="form-row">
        <label className="inline-field">
          delete captures older than
          <input type="number" min="0" step="any" data-testid="retention-max-age" value={maxAgeDays} onChange={(e) => setMaxAgeDays(e.target.value)} style={{ width: 90 }} />
          days
        </label>
        <label className="inline-field">
          and the oldest while all exceed
          <input type="number" min="0" step="any" data-testid="retention-max-size" value={maxSizeMb} onChange={(e) => setMaxSizeMb(e.target.value)} style={{ width: 110 }} />
          MB
        </label>
        <button type="submit" className="btn btn-small btn-primary" data-testid="retention-save" disabled={busy}>
          Save
        </button>
        {status !== null && (
          <span className={status.ok ? 'ok-text' : 'error-inline'} role={status.ok ? 'status' : 'alert'} data-testid="retention-status">
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
