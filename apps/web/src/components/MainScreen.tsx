'use client';

import { useEffect, useMemo, useState } from 'react';
import { compileFilter, resolveColumns, type ErrorEnvelope, type EventValue, type GadgetMeta, type RunInfo } from '@podscope/protocol';
import { appendClause, clauseFor } from '../lib/clickFilter.ts';
import { defaultColumns, fieldsOf } from '../lib/columns.ts';
import { valueSourceOf } from '../lib/filterValueSource.ts';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import { DEFAULT_ROW_CAPACITY } from '../lib/rowStore.ts';
import { useHubData } from '../lib/useHubData.ts';
import { useLiveRun } from '../lib/useLiveRun.ts';
import { IO_GADGET } from '../lib/ioStreams.ts';
import { isPacketGadget, withPacketDefaults } from '../lib/packetView.ts';
import { defaultViewState, parseViewState, serializeViewState, targetOf, type ViewState } from '../lib/viewState.ts';
import { AppHeader } from './AppHeader.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { CountersBar } from './CountersBar.tsx';
import { FilterBar } from './FilterBar.tsx';
import { GadgetPicker } from './GadgetPicker.tsx';
import { HistogramView } from './HistogramView.tsx';
import { LiveIoStreams } from './LiveIoStreams.tsx';
import { LiveTable } from './LiveTable.tsx';
import { ParamForm, paramsForRequest } from './ParamForm.tsx';
import { PcapngButton } from './PcapngButton.tsx';
import { RecordPanel } from './RecordPanel.tsx';
import { ReplayBar } from './ReplayBar.tsx';
import { RowDetail } from './RowDetail.tsx';
import { RunControls } from './RunControls.tsx';
import { RunStatus } from './RunStatus.tsx';
import { SnapshotView } from './SnapshotView.tsx';
import { TargetPicker, type TargetSelection } from './TargetPicker.tsx';
import { TopView } from './TopView.tsx';

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
  if (run.request.filter !== undefined && run.request.filter !== '') next.sfilter = run.request.filter;
  return next;
}

type ViewTab = 'events' | 'histogram' | 'top' | 'snapshot' | 'streams';

/** The views a gadget category offers; the first is the default, the raw events are always there. */
function tabsOf(gadget: GadgetMeta | undefined): ViewTab[] {
  switch (gadget?.category) {
    case 'profile':
      return ['histogram', 'events'];
    case 'top':
      return ['top', 'events'];
    case 'snapshot':
      return ['snapshot', 'events'];
    case 'trace':
      return gadget.name === IO_GADGET ? ['events', 'streams'] : ['events'];
    case undefined:
      return ['events'];
  }
}

const tabTitles: Record<ViewTab, string> = { events: 'Events', histogram: 'Histogram', top: 'Top', snapshot: 'Snapshot', streams: 'Streams' };

/** A run's param as the agent applied it: the request's value, else the gadget's default. */
function runParam(run: RunInfo | null, gadget: GadgetMeta | undefined, name: string): string | number | boolean | undefined {
  return run?.request.params[name] ?? gadget?.params.find((p) => p.name === name)?.default;
}

function without<K extends keyof ViewState>(v: ViewState, ...keys: K[]): ViewState {
  const next = { ...v };
  for (const k of keys) delete next[k];
  return next;
}

/** The main screen: pick a target and a gadget, start a run, watch its events live. */
export function MainScreen() {
  const { user, gadgets, inventory, loadError } = useHubData();
  const [capacity] = useState(rowCapacity);
  const { feed, socketStatus, watch, unwatch, unmasked, setUnmasked } = useLiveRun(user !== null, capacity);
  const [canUnmask, setCanUnmask] = useState(false);
  useEffect(() => {
    if (user === null) return;
    hubClient.permissions().then((p) => setCanUnmask(p.includes('payload:unmask')), () => setCanUnmask(false));
  }, [user]);
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
  const fields = useMemo(() => (isPacketGadget(tableGadget?.name) ? withPacketDefaults(fieldsOf(tableGadget)) : fieldsOf(tableGadget)), [tableGadget]);
  const sourceFields = useMemo(() => fieldsOf(gadget), [gadget]);
  const columns = useMemo(() => resolveColumns(view.fields ?? '', fields), [view.fields, fields]);
  const visible = columns.ok ? columns.columns : defaultColumns(fields);
  const viewFilter = useMemo(() => compileFilter(view.filter ?? '', fields), [view.filter, fields]);
  const predicate = viewFilter.ok && viewFilter.filter.ast !== null ? viewFilter.filter.matches : null;
  const sourceFilterOk = useMemo(() => (view.sfilter ?? '').trim() === '' || compileFilter(view.sfilter ?? '', sourceFields).ok, [view.sfilter, sourceFields]);
  const values = useMemo(() => valueSourceOf(feed.store, inventory?.containers ?? []), [feed, inventory]);
  const tabs = tabsOf(tableGadget);
  const tab: ViewTab = tabs.find((t) => t === view.tab) ?? tabs[0] ?? 'events';

  const commitFilter = (text: string) => setView((v) => (text.trim() === '' ? without(v, 'filter') : { ...v, filter: text }));
  const filterByCell = (field: string, value: EventValue | undefined, negate: boolean) => {
    const clause = clauseFor(field, value, negate);
    if (clause === null) return;
    const next = appendClause(filterText, clause);
    setFilterText(next);
    commitFilter(next);
  };
  const setSort = (sort: string | undefined) => setView((v) => (sort === undefined ? without(v, 'sort') : { ...v, sort }));

  const selectTarget = (sel: TargetSelection) =>
    setView((v) => {
      const { pod: _p, container: _c, ...rest } = v;
      const next: ViewState = { ...rest, namespaces: sel.namespaces };
      if (sel.pod !== undefined) next.pod = sel.pod;
      if (sel.container !== undefined) next.container = sel.container;
      return next;
    });

  const sfilter = view.sfilter?.trim() ?? '';
  const formRequest = gadget === undefined ? null : { gadget: gadget.name, target: targetOf(view), params: paramsForRequest(gadget.params, view.params), ...(sfilter !== '' ? { filter: sfilter } : {}) };
  const showRun = (run: RunInfo) => {
    watch(run);
    setView((v) => ({ ...withoutRun(v), run: run.id, follow: true }));
  };

  const start = async () => {
    if (formRequest === null) return;
    setBusy(true);
    setRunError(null);
    setNotice(null);
    try {
      showRun(await hubClient.startRun(formRequest));
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

  const canStart = ready && gadget !== undefined && gadget.unavailable === undefined && sourceFilterOk;
  return (
    <div className="app">
      <AppHeader user={user} socket={socketStatus} active="live" />
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
            <GadgetPicker gadgets={gadgets} value={view.gadget} onChange={(name) => setView((v) => ({ ...without(v, 'fields', 'sort', 'tab', 'stream'), gadget: name, params: {} }))} />
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
            <div className="source-filter">
              <span className="param-name" title="Applied on the nodes before events are sent; simple clauses (proc.comm, proc.pid, proc.uid ==/in) run in the kernel">
                --filter (source)
              </span>
              <FilterBar
                testId="run-filter"
                label="Source filter for the next run"
                value={view.sfilter ?? ''}
                onChange={(text) => setView((v) => (text === '' ? without(v, 'sfilter') : { ...v, sfilter: text }))}
                fields={sourceFields}
                values={values}
                placeholder="proc.comm==dd,k8s.podName==web-1"
              />
            </div>
            <RunControls feed={feed} canStart={canStart} busy={busy} error={runError} onStart={() => void start()} onStop={() => void stop()} />
            {loadError !== null && <div className="error-box" role="alert">{loadError.message}</div>}
          </section>
          <RecordPanel feed={feed} request={canStart ? formRequest : null} onRun={showRun} />
        </aside>
        <main className="main">
          <div className="run-bar">
            <RunStatus feed={feed} />
            {notice !== null && <span className="notice" data-testid="run-notice">{notice}</span>}
            {feed.runId !== null && isPacketGadget(tableGadget?.name) && <PcapngButton source={feed.run?.replayOf !== undefined ? { kind: 'capture', captureId: feed.run.replayOf } : { kind: 'run', runId: feed.runId }} />}
            {feed.runId !== null && (
              <button type="button" className="btn btn-small" onClick={() => { unwatch(); setView(withoutRun); }} title="Stop watching (the run keeps going on the hub)">
                Detach
              </button>
            )}
          </div>
          <ReplayBar feed={feed} />
          <CountersBar feed={feed} />
          <div className="toolbar">
            {tabs.length > 1 && (
              <div className="view-tabs" role="tablist" aria-label="View">
                {tabs.map((t) => (
                  <button key={t} type="button" role="tab" aria-selected={t === tab} className={`tab${t === tab ? ' active' : ''}`} data-testid={`view-tab-${t}`} onClick={() => setView((v) => (t === tabs[0] ? without(v, 'tab') : { ...v, tab: t }))}>
                    {tabTitles[t]}
                  </button>
                ))}
              </div>
            )}
            {tab === 'events' && <button type="button" className={`btn btn-small ${view.follow ? 'btn-accent' : ''}`} data-testid="follow-toggle" aria-pressed={view.follow} onClick={() => setView((v) => ({ ...v, follow: !v.follow }))} title="Follow keeps the newest row in view; pause freezes the view while rows keep arriving">
              {view.follow ? '⏸ Pause' : '▶ Follow'}
            </button>}
            <FilterBar
              testId="table-filter"
              className="view-filter"
              label="Filter rows"
              value={filterText}
              onChange={setFilterText}
              onCommit={commitFilter}
              fields={fields}
              values={values}
              placeholder="filter: proc.comm==sh,args~^/bin   (click a cell to add it)"
            />
            <div className="header-spacer" />
            <ColumnChooser fields={fields} spec={view.fields} visible={visible} onChange={(spec) => setView((v) => ({ ...v, fields: spec }))} onReset={() => setView((v) => without(v, 'fields'))} />
          </div>
          <div className="table-area">
            {tab === 'events' && (
              <LiveTable
                feed={feed}
                fields={fields}
                visible={visible}
                predicate={predicate}
                sort={view.sort}
                onSortChange={setSort}
                onCellFilter={filterByCell}
                follow={view.follow}
                onFollowChange={(follow) => setView((v) => ({ ...v, follow }))}
                selectedRow={view.row}
                onSelectRow={(row) => setView((v) => ({ ...v, row, follow: false }))}
              />
            )}
            {tab === 'histogram' && <HistogramView feed={feed} gadgetFields={tableGadget?.fields ?? []} predicate={predicate} />}
            {tab === 'top' && (
              <TopView
                feed={feed}
                fields={fields}
                visible={visible}
                predicate={predicate}
                sort={view.sort}
                runSort={String(runParam(feed.run, tableGadget, 'sort') ?? '') || undefined}
                maxEntries={Number(runParam(feed.run, tableGadget, 'max-entries')) || undefined}
                onSortChange={setSort}
                onCellFilter={filterByCell}
              />
            )}
            {tab === 'snapshot' && <SnapshotView feed={feed} fields={fields} visible={visible} predicate={predicate} sort={view.sort} onSortChange={setSort} onCellFilter={filterByCell} />}
            {tab === 'streams' && (
              <LiveIoStreams
                feed={feed}
                predicate={predicate}
                canUnmask={canUnmask}
                unmasked={unmasked}
                onUnmaskChange={setUnmasked}
                selected={view.stream}
                onSelect={(key) => setView((v) => (key === undefined ? without(v, 'stream') : { ...v, stream: key }))}
                onRawEvents={(filter) => {
                  setFilterText(filter);
                  setView((v) => ({ ...without(v, 'tab', 'row'), filter, follow: false }));
                }}
              />
            )}
            {view.row !== undefined && tab === 'events' && (
              <RowDetail
                feed={feed}
                index={view.row}
                fields={fields}
                onClose={() => setView((v) => without(v, 'row'))}
                onOpenStream={tabs.includes('streams') ? (key) => setView((v) => ({ ...v, tab: 'streams', stream: key })) : undefined}
              />
            )}
          </div>
        </main>
      </div>
    </div>
  );
}
