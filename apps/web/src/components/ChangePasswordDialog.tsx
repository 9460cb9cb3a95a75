'use client';

import { useState, type FormEvent } from 'react';
import type { ErrorEnvelope } from '@podscope/protocol';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { userClient } from '../lib/userClient.ts';

interface Props {
  user: string | null;
  onClose: () => void;
}

/** The logged-in user changes their own password (the hub checks the current one). */
export function ChangePasswordDialog({ user, onClose }: Props) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) {
      setError({ code: 'bad_request', message: 'The new password and its repetition differ.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await userClient.changeMyPassword({ currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setError(errorEnvelopeOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop" role="presentation" onClick={onClose}>
      <form className="dialog password-dialog" role="dialog" aria-modal="true" aria-label="Change my password" data-testid="password-dialog" onClick={(e) => e.stopPropagation()} onSubmit={(e) => void submit(e)}>
        <header className="panel-title">
          Change my password{user !== null && <span className="panel-sub">{user}</span>}
          <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close" data-testid="password-close">
            ✕
          </button>
        </header>
        <p className="help">Other browsers logged in as you are logged out; this one stays logged in.</p>
        <label className="field">
          <span>Current password</span>
          <input type="password" autoComplete="current-password" required data-testid="password-current" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          <span>New password (at least 8 characters)</span>
          <input type="password" autoComplete="new-password" required minLength={8} data-testid="password-new" value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label className="field">
          <span>New password again</span>
          <input type="password" autoComplete="new-password" required minLength={8} data-testid="password-repeat" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {error !== null && (
          <div className="error-box" role="alert" data-testid="password-error" data-code={error.code}>
            {error.message}
          </div>
        )}
        {done && (
          <div className="ok-text" role="status" data-testid="password-done">
            Password changed.
          </div>
        )}
        <div className="form-row">
          <button type="submit" className="btn btn-primary" data-testid="password-submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </div>
  );
}
