'use client';

import { useEffect, useState } from 'react';
import type { AuditResponse, ErrorEnvelope } from '@podscope/protocol';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { userClient } from '../lib/userClient.ts';

const SHOWN = 200;

/** `role=admin previousRole=viewer`: an entry's details on one line. */
function detailsText(details: Record<string, unknown> | undefined): string {
  if (details === undefined) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** The hub's audit log, newest first (read-only); reloads whenever `version` changes. */
export function AuditTable({ version }: { version: number }) {
  const [audit, setAudit] = useState<AuditResponse | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);

  useEffect(() => {
    let alive = true;
    userClient.audit(SHOWN).then(
      (a) => {
        if (!alive) return;
        setAudit(a);
        setError(null);
      },
      (err: unknown) => alive && setError(errorEnvelopeOf(err)),
    );
    return () => {
      alive = false;
    };
  }, [version]);

  return (
    <section className="panel" aria-label="Audit log">
      <header className="panel-title">
        Audit log
        {audit !== null && (
          <span className="panel-sub" data-testid="audit-total">
            {audit.total > audit.entries.length ? `newest ${audit.entries.length} of ${audit.total.toLocaleString()}` : `${audit.total.toLocaleString()} entries`}
          </span>
        )}
      </header>
      {error !== null && (
        <div className="error-box" role="alert" data-testid="audit-error">
          {error.message}
        </div>
      )}
      <table className="rows-table audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th>time</th>
            <th>user</th>
            <th>action</th>
            <th>target</th>
            <th>details</th>
          </tr>
        </thead>
        <tbody>
          {audit?.entries.map((e, i) => (
            <tr key={`${e.at}-${i}`} data-testid="audit-row" data-action={e.action} data-target={e.target}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.user}</td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td className="wrap muted" title={detailsText(e.details)}>
                {detailsText(e.details)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit !== null && audit.entries.length === 0 && <div className="muted pad">No entries yet.</div>}
    </section>
  );
}
