'use client';

import { useEffect, useMemo, useState } from 'react';
import type { ErrorEnvelope, RunInfo } from '@podscope/protocol';
import { defaultColumns, fieldsOf } from '../lib/columns.ts';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import { parseRowFilter } from '../lib/rowFilter.ts';
import { DEFAULT_ROW_CAPACITY } from '../lib/rowStore.ts';
import { useHubData } from '../lib/useHubData.ts';
import { useLiveRun } from '../lib/useLiveRun.ts';
import { defaultViewState, parseViewState, serializeViewState, targetOf, type ViewState } from '../lib/viewState.ts';
import { AppHeader } from './AppHeader.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { CountersBar } from './CountersBar.tsx';
import { GadgetPicker } from './GadgetPicker.tsx';
import { LiveTable } from './LiveTable.tsx';
import { ParamForm, paramsForRequest } from './ParamForm.tsx';
import { RowDetail } from './RowDetail.tsx';
import { RunControls } from './RunControls.tsx';
import { RunStatus } from './RunStatus.tsx';
import { TargetPicker, type TargetSelection } from './TargetPicker.tsx';

/** Buffer bound: `?buffer=N` overrides the build-time default. */
function rowCapacity(): number {
  if (typeof window === 'undefined') return DEFAULT_ROW_CAPACITY;
  const fromUrl = Number(new URLSearchParams(window.location.search).get('buffer'));
  return Number.isSafeInteger(fromUrl) && fromUrl > 0 ? fromUrl : DEFAULT_ROW_CAPACITY;
}

function withoutRun(v: ViewState): ViewState {
  const { run: _run, row: _row, ...rest } = v;
  return rest;
}

/** The form fields a run was started with, as the URL would hold them. */
function formOfRun(v: ViewState, run: RunInfo): ViewState {
  const { pod: _pod, container: _container, ...rest } = v;
  const t = run.request.target;
  const next: ViewState = { ...rest, gadget: run.request.gadget, namespaces: t.namespaces, host: t.host, params: Object.fromEntries(Object.entries(run.request.params).map(([k, val]) => [k, String(val)])) };
  if (t.podName !== undefined) next.pod = t.podName;
  if (t.containerName !== undefined) next.container = t.containerName;
  return next;
}

/** The main screen: pick a target and a gadget, start a run, watch its events live. */
export function MainScreen() {
  const { user, gadgets, inventory, loadError } = useHubData();
  const [capacity] = useState(rowCapacity);
  const { feed, socketStatus, watch, unwatch } = useLiveRun(user !== null, capacity);
  const [view, setView] = useState<ViewState>(defaultViewState);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [runError, setRunError] = useState<ErrorEnvelope | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [filterText, setFilterText] = useState('');

  // Restore from the URL once, then resume the run it names if that run still runs.
  useEffect(() => {
    const initial = parseViewState(window.location.search);
    setView(initial);
    setFilterText(initial.filter ?? '');
    setReady(true);
    const runId = initial.run;
    if (runId === undefined) return;
    hubClient.getRun(runId).then(
      (run) => {
        if (initial.gadget === undefined) setView((v) => formOfRun(v, run));
        if (run.state === 'running' || run.state === 'starting') {
          watch(run);
        } else {
          setView((v) => withoutRun(initial.gadget === undefined ? formOfRun(v, run) : v));
          setNotice(`Run ${runId} is ${run.state}; its settings are back in the form.`);
        }
      },
      (err: unknown) => {
        setView(withoutRun);
        setNotice(`Run ${runId} cannot be resumed: ${errorEnvelopeOf(err).message}`);
      },
    );
  }, [watch]);

  useEffect(() => {
    if (!ready) return;
    const qs = serializeViewState(view);
    const url = `${window.location.pathname}${qs === '' ? '' : `?${qs}`}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
  }, [view, ready]);

  // The filter box applies after a short pause in typing.
  useEffect(() => {
    const t = setTimeout(() => setView((v) => (v.filter ?? '') === filterText ? v : filterText === '' ? (({ filter: _f, ...rest }) => rest)(v) : { ...v, filter: filterText }), 200);
    return () => clearTimeout(t);
  }, [filterText]);

  const gadget = gadgets?.find((g) => g.name === view.gadget);
  const tableGadget = gadgets?.find((g) => g.name === (feed.run?.request.gadget ?? view.gadget));
  const fields = useMemo(() => fieldsOf(tableGadget), [tableGadget]);
  const visible = view.columns ?? defaultColumns(fields);
  const filter = useMemo(() => parseRowFilter(view.filter ?? ''), [view.filter]);

  const selectTarget = (sel: TargetSelection) =>
    setView((v) => {
      const { pod: _p, container: _c, ...rest } = v;
      const next: ViewState = { ...rest, namespaces: sel.namespaces };
      if (sel.pod !== undefined) next.pod = sel.pod;
      if (sel.container !== undefined) next.container = sel.container;
      return next;
    });

  const start = async () => {
    if (gadget === undefined) return;
    setBusy(true);
    setRunError(null);
    setNotice(null);
    try {
      const run = await hubClient.startRun({ gadget: gadget.name, target: targetOf(view), params: paramsForRequest(gadget.params, view.params) });
      watch(run);
      setView((v) => ({ ...withoutRun(v), run: run.id, follow: true }));
    } catch (err) {
      setRunError(errorEnvelopeOf(err));
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    const runId = feed.runId;
    if (runId === null) return;
    setBusy(true);
    setRunError(null);
    try {
      await hubClient.stopRun(runId);
      // The hub also pushes a `run` frame; this covers a hub that only answers the DELETE.
      feed.setRun(await hubClient.getRun(runId));
    } catch (err) {
      setRunError(errorEnvelopeOf(err));
    } finally {
      setBusy(false);
    }
  };

  const canStart = ready && gadget !== undefined && gadget.unavailable === undefined;
  return (
    <div className="app">
      <AppHeader user={user} socket={socketStatus} />
      <div className="app-body">
        <aside className="sidebar">
          <TargetPicker
            inventory={inventory}
            selection={{ namespaces: view.namespaces, ...(view.pod !== undefined ? { pod: view.pod } : {}), ...(view.container !== undefined ? { container: view.container } : {}) }}
            host={view.host}
            onSelect={selectTarget}
            onHostChange={(host) => setView((v) => ({ ...v, host }))}
          />
          <section className="panel" aria-label="Gadget">
            <header className="panel-title">Gadget</header>
            <GadgetPicker gadgets={gadgets} value={view.gadget} onChange={(name) => setView((v) => { const { columns: _c, ...rest } = v; return { ...rest, gadget: name, params: {} }; })} />
            {gadget !== undefined && (
              <ParamForm
                params={gadget.params}
                values={view.params}
                onChange={(name, value) =>
                  setView((v) => {
                    const params = { ...v.params };
                    if (value === undefined) delete params[name];
                    else params[name] = value;
                    return { ...v, params };
                  })
                }
              />
            )}
            <RunControls feed={feed} canStart={canStart} busy={busy} error={runError} onStart={() => void start()} onStop={() => void stop()} />
            {loadError !== null && <div className="error-box" role="alert">{loadError.message}</div>}
          </section>
        </aside>
        <main className="main">
          <div className="run-bar">
            <RunStatus feed={feed} />
            {notice !== null && <span className="notice" data-testid="run-notice">{notice}</span>}
            {feed.runId !== null && (
              <button type="button" className="btn btn-small" onClick={() => { unwatch(); setView(withoutRun); }} title="Stop watching (the run keeps going on the hub)">
                Detach
              </button>
            )}
          </div>
          <CountersBar feed={feed} />
          <div className="toolbar">
            <button type="button" className={`btn btn-small ${view.follow ? 'btn-accent' : ''}`} data-testid="follow-toggle" aria-pressed={view.follow} onClick={() => setView((v) => ({ ...v, follow: !v.follow }))} title="Follow keeps the newest row in view; pause freezes the view while rows keep arriving">
              {view.follow ? '⏸ Pause' : '▶ Follow'}
            </button>
            <input className={`filter-input${filter.ok ? '' : ' invalid'}`} type="search" data-testid="table-filter" aria-label="Filter rows" placeholder="filter: proc.comm==sh,args~^/bin   or any text" value={filterText} onChange={(e) => setFilterText(e.target.value)} />
            {!filter.ok && <span className="filter-error" role="alert">{filter.error}</span>}
            <div className="header-spacer" />
            <ColumnChooser fields={fields} visible={visible} onChange={(columns) => setView((v) => ({ ...v, columns }))} onReset={() => setView((v) => { const { columns: _c, ...rest } = v; return rest; })} />
          </div>
          <div className="table-area">
            <LiveTable feed={feed} fields={fields} visible={visible} predicate={filter.ok ? filter.predicate : null} follow={view.follow} onFollowChange={(follow) => setView((v) => ({ ...v, follow }))} selectedRow={view.row} onSelectRow={(row) => setView((v) => ({ ...v, row, follow: false }))} />
            {view.row !== undefined && <RowDetail feed={feed} index={view.row} fields={fields} onClose={() => setView((v) => { const { row: _r, ...rest } = v; return rest; })} />}
          </div>
        </main>
      </div>
    </div>
  );
}
