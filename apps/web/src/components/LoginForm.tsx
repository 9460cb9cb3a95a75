'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';

/** Only same-app paths, so `?next=` cannot bounce the user to another site. */
function safeNext(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next !== null && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function LoginForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Until React has hydrated the form, a click would submit it natively: no sign-in, and the fields in the URL.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    // The inputs are uncontrolled: what was typed before the page hydrated stays in them (a controlled input's
    // empty state would overwrite it at hydration), and is read here.
    const form = new FormData(e.currentTarget);
    const typed = (name: string): string => {
      const v = form.get(name);
      return typeof v === 'string' ? v : '';
    };
    setBusy(true);
    setError(null);
    try {
      await hubClient.login(typed('username'), typed('password'));
      window.location.assign(safeNext());
    } catch (err) {
      const env = errorEnvelopeOf(err);
      setError(env.code === 'unauthorized' ? `Sign-in failed: ${env.message}` : env.message);
      setBusy(false);
    }
  };

  return (
    <form className="login-card" method="post" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <div className="brand brand-large">
        <span className="brand-mark" aria-hidden="true">◉</span> podscope
      </div>
      <p className="muted">Live eBPF tracing for Kubernetes workloads</p>
      <label className="field">
        <span>Username</span>
        <input data-testid="login-username" name="username" autoComplete="username" autoFocus required />
      </label>
      <label className="field">
        <span>Password</span>
        <input data-testid="login-password" name="password" type="password" autoComplete="current-password" required />
      </label>
      {error !== null && (
        <div className="error-box" role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      <button className="btn btn-primary" type="submit" data-testid="login-submit" disabled={busy || !hydrated}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
