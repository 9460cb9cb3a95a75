'use client';

import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { CaptureSummary, ErrorEnvelope } from '@podscope/protocol';
import { captureClient, captureRoutes } from '../lib/captureClient.ts';
import { captureViewPath } from '../lib/captureViewState.ts';
import { formatBytes, formatTimestampLong, formatTimestampNs } from '../lib/formatField.ts';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import { AppHeader } from './AppHeader.tsx';
import { CaptureStateBadge } from './CaptureHeader.tsx';
import { RetentionForm } from './RetentionForm.tsx';

const POLL_MS = 3000;

function lossText(c: CaptureSummary): string {
  const l = c.losses;
  const parts = (['kernel', 'agent', 'hub', 'capture'] as const).filter((k) => l[k] > 0).map((k) => `${k} ${l[k].toLocaleString()}`);
  return parts.length === 0 ? '0' : parts.join(' · ');
}

/** Every capture on this hub: search, rename, delete, export, import, and the retention settings. */
export function CapturesScreen() {
  const [user, setUser] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [captures, setCaptures] = useState<CaptureSummary[] | null>(null);
  /** The search the shown list answers (the box may be ahead of it). */
  const [listedFor, setListedFor] = useState('');
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [importError, setImportError] = useState<ErrorEnvelope | null>(null);
  const [imported, setImported] = useState<CaptureSummary | null>(null);
  const [importing, setImporting] = useState(false);

  const reload = useCallback(
    () =>
      captureClient.list(search.trim() === '' ? undefined : search.trim()).then(
        (list) => {
          setCaptures(list);
          setListedFor(search.trim());
          setError(null);
        },
        (err: unknown) => setError(errorEnvelopeOf(err)),
      ),
    [search],
  );

  useEffect(() => {
    hubClient.me().then(setUser, () => undefined);
  }, []);
  useEffect(() => {
    const first = setTimeout(() => void reload(), 150);
    const t = setInterval(() => void reload(), POLL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [reload]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorEnvelopeOf(err));
    }
    await reload();
  };

  const saveName = (id: string, name: string) => {
    setRenaming(null);
    if (name.trim() !== '') void act(() => captureClient.rename(id, name.trim()));
  };
  const renameKeys = (e: KeyboardEvent<HTMLInputElement>, id: string) => {
    if (e.key === 'Enter') saveName(id, e.currentTarget.value);
    if (e.key === 'Escape') setRenaming(null);
  };

  const importFile = async (file: File) => {
    setImporting(true);
    setImportError(null);
    setImported(null);
    try {
      setImported(await captureClient.importFile(file));
    } catch (err) {
      setImportError(errorEnvelopeOf(err));
    } finally {
      setImporting(false);
    }
    await reload();
  };

  return (
    <div className="app">
      <AppHeader user={user} active="captures" />
      <main className="main captures-page" data-testid="captures-page">
        <div className="toolbar">
          <input type="search" className="capture-search" data-testid="capture-search" aria-label="Search captures" placeholder="search name, gadget, node, creator…" value={search} onChange={(e) => setSearch(e.target.value)} />
          <div className="header-spacer" />
          <label className="btn btn-small file-button" title="Import a .podscope file from another hub, or a Wireshark .pcap/.pcapng">
            {importing ? 'Importing…' : 'Import file…'}
            <input
              type="file"
              data-testid="capture-import"
              accept=".podscope,.pcap,.pcapng"
              disabled={importing}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file !== undefined) void importFile(file);
              }}
            />
          </label>
        </div>
        {importError !== null && (
          <div className="error-box" role="alert" data-testid="import-error" data-code={importError.code}>
            <strong>Import refused:</strong> {importError.message}
          </div>
        )}
        {imported !== null && (
          <div className="ok-box" data-testid="import-result">
            Imported <a href={captureViewPath({ id: imported.id })}>{imported.name}</a> ({imported.events.toLocaleString()} events).
          </div>
        )}
        {error !== null && (
          <div className="error-box" role="alert" data-testid="captures-error">
            {error.message}
          </div>
        )}
        <div className="rows-table-scroll">
          <table className="rows-table captures-table">
            <thead>
              <tr>
                <th>name</th>
                <th>state</th>
                <th className="num">events</th>
                <th className="num">size</th>
                <th>time range</th>
                <th>gadgets</th>
                <th>nodes</th>
                <th title="Events lost per stage (kernel, agent, hub, capture writer)">losses</th>
                <th>created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {captures?.map((c) => (
                <tr key={c.id} data-testid="capture-row" data-capture-id={c.id} data-state={c.state} data-events={c.events}>
                  <td>
                    {renaming?.id === c.id ? (
                      <input data-testid="capture-rename-input" aria-label="New name" autoFocus defaultValue={renaming.name} onKeyDown={(e) => renameKeys(e, c.id)} onBlur={(e) => saveName(c.id, e.target.value)} />
                    ) : (
                      <>
                        <a href={captureViewPath({ id: c.id })} data-testid={`capture-open-${c.id}`} className="capture-link">
                          {c.name}
                        </a>{' '}
                        <button type="button" className="btn btn-small btn-quiet" data-testid="capture-rename" aria-label={`Rename ${c.name}`} title="Rename" onClick={() => setRenaming({ id: c.id, name: c.name })}>
                          ✎
                        </button>
                      </>
                    )}
                    {c.payload && (
                      <span className="chip chip-warn" title="Events carry payload bytes (packet data, I/O buffers)" data-testid="capture-payload">
                        payload
                      </span>
                    )}
                    {c.source !== 'run' && <span className="chip">{c.source}</span>}
                  </td>
                  <td>
                    <CaptureStateBadge state={c.state} />
                  </td>
                  <td className="num" data-testid="capture-events">
                    {c.events.toLocaleString()}
                  </td>
                  <td className="num">{formatBytes(c.sizeBytes)}</td>
                  <td className="mono" title={c.firstNs !== null && c.lastNs !== null ? `${formatTimestampLong(c.firstNs)} → ${formatTimestampLong(c.lastNs)}` : undefined}>
                    {c.firstNs !== null && c.lastNs !== null ? `${formatTimestampNs(c.firstNs)} → ${formatTimestampNs(c.lastNs)}` : '—'}
                  </td>
                  <td className="wrap">{c.gadgets.join(', ')}</td>
                  <td className="wrap">{c.nodes.join(', ')}</td>
                  <td className={lossText(c) !== '0' ? 'warn-text' : 'muted'} data-testid="capture-losses-cell">
                    {lossText(c)}
                  </td>
                  <td className="wrap" title={new Date(c.createdAt).toLocaleString()}>
                    {new Date(c.createdAt).toLocaleDateString()} <span className="muted">by {c.createdBy}</span>
                  </td>
                  <td className="actions">
                    <a className="btn btn-small" href={captureRoutes.export(c.id)} download data-testid={`capture-export-${c.id}`} title="Download the signed .podscope file">
                      Export
                    </a>
                    {confirmDelete === c.id ? (
                      <>
                        <button type="button" className="btn btn-small btn-danger" data-testid="capture-delete-confirm" onClick={() => void act(() => captureClient.remove(c.id)).then(() => setConfirmDelete(null))}>
                          Delete for good
                        </button>
                        <button type="button" className="btn btn-small" data-testid="capture-delete-cancel" onClick={() => setConfirmDelete(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" className="btn btn-small btn-danger" data-testid="capture-delete" onClick={() => setConfirmDelete(c.id)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {captures !== null && captures.length === 0 && <div className="muted pad">{listedFor === '' ? 'No captures yet. Record a live run (Record in the live view) or import a file.' : 'No capture matches.'}</div>}
          {captures === null && error === null && <div className="muted pad">Loading…</div>}
        </div>
        <RetentionForm />
      </main>
    </div>
  );
}
