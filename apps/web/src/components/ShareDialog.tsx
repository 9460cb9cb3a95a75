'use client';

import { useCallback, useEffect, useState } from 'react';
import type { ErrorEnvelope, ShareInfo } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { buildShareLink, type CaptureViewState } from '../lib/captureViewState.ts';
import { errorEnvelopeOf } from '../lib/hubClient.ts';

const DAY = 24 * 3600;
const expiries = [
  { sec: 3600, label: '1 hour' },
  { sec: DAY, label: '1 day' },
  { sec: 7 * DAY, label: '7 days' },
  { sec: 30 * DAY, label: '30 days' },
  { sec: 90 * DAY, label: '90 days' },
];

interface Props {
  captureId: string;
  captureName: string;
  payload: boolean;
  /** The view as it is now; the link reproduces it. */
  view: CaptureViewState;
  onClose: () => void;
}

const when = (ms: number) => new Date(ms).toLocaleString();

/** Makes a read-only link to this capture and this view, and lists and revokes the capture's links. */
export function ShareDialog({ captureId, captureName, payload, view, onClose }: Props) {
  const [expiry, setExpiry] = useState(7 * DAY);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [shares, setShares] = useState<ShareInfo[] | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [busy, setBusy] = useState(false);
  const [payloadAck, setPayloadAck] = useState(false);

  const reload = useCallback(() => {
    captureClient.shares(captureId).then(setShares, (err: unknown) => setError(errorEnvelopeOf(err)));
  }, [captureId]);
  useEffect(reload, [reload]);

  const create = async () => {
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const res = await captureClient.createShare(captureId, expiry);
      const { share: _old, ...rest } = view;
      setLink(buildShareLink(window.location.origin, rest, res.token));
      reload();
    } catch (err) {
      setError(errorEnvelopeOf(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (link === null) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard permission (plain http, headless): the link is selected for a manual copy instead.
      document.querySelector<HTMLInputElement>('[data-testid="share-link"]')?.select();
    }
  };

  const revoke = async (id: string) => {
    setError(null);
    try {
      await captureClient.revokeShare(captureId, id);
      reload();
    } catch (err) {
      setError(errorEnvelopeOf(err));
    }
  };

  const now = Date.now();
  return (
    <div className="dialog-backdrop" role="presentation" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label="Share capture" data-testid="share-dialog" onClick={(e) => e.stopPropagation()}>
        <header className="panel-title">
          Share “{captureName}”
          <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close" data-testid="share-close">
            ✕
          </button>
        </header>
        <p className="help">Anyone with the link sees this capture read-only, with the view you have now (filter, columns, sort, time range, selected row), until the link expires or is revoked. No login is needed.</p>
        {payload && (
          <div className="warn-box" role="alert" data-testid="share-payload-warning">
            <strong>This capture carries payload bytes</strong> (packet data or I/O buffers), which may include secrets, tokens or personal data. Everyone with the link can read them.
            <label className="checkbox">
              <input type="checkbox" data-testid="share-payload-ack" checked={payloadAck} onChange={(e) => setPayloadAck(e.target.checked)} />I understand; share it anyway
            </label>
          </div>
        )}
        <div className="form-row">
          <label className="inline-field">
            expires in
            <select data-testid="share-expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
              {expiries.map((x) => (
                <option key={x.sec} value={x.sec}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-primary" data-testid="share-create" disabled={busy || (payload && !payloadAck)} onClick={() => void create()}>
            Create link
          </button>
        </div>
        {link !== null && (
          <div className="form-row">
            <input className="share-link-input mono" readOnly data-testid="share-link" value={link} onFocus={(e) => e.target.select()} aria-label="Share link" />
            <button type="button" className="btn" data-testid="share-copy" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        )}
        {error !== null && (
          <div className="error-box" role="alert" data-testid="share-dialog-error">
            {error.message}
          </div>
        )}
        <h4 className="dialog-sub">Links to this capture</h4>
        {shares === null ? (
          <div className="muted">loading…</div>
        ) : shares.length === 0 ? (
          <div className="muted">none yet</div>
        ) : (
          <table className="rows-table">
            <thead>
              <tr>
                <th>created</th>
                <th>by</th>
                <th>expires</th>
                <th>state</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shares.map((s) => {
                const state = s.revokedAt !== undefined ? 'revoked' : s.expiresAt <= now ? 'expired' : 'active';
                return (
                  <tr key={s.id} data-testid="share-row" data-share-id={s.id} data-state={state}>
                    <td>{when(s.createdAt)}</td>
                    <td>{s.createdBy}</td>
                    <td>{when(s.expiresAt)}</td>
                    <td>{state}</td>
                    <td>
                      {state === 'active' && (
                        <button type="button" className="btn btn-small btn-danger" data-testid="share-revoke" onClick={() => void revoke(s.id)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
