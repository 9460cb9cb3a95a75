'use client';

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { compileFilter, resolveColumns, type CaptureEvent, type CaptureResponse, type ErrorEnvelope, type EventValue, type GadgetMeta } from '@podscope/protocol';
import { captureFieldsOf, overviewValueSource } from '../lib/captureFields.ts';
import { parseCaptureViewState, serializeCaptureViewState, type CaptureTab, type CaptureViewState } from '../lib/captureViewState.ts';
import { captureClient } from '../lib/captureClient.ts';
import { appendClause, clauseFor } from '../lib/clickFilter.ts';
import { defaultColumns } from '../lib/columns.ts';
import { errorEnvelopeOf, hubClient, setShareToken } from '../lib/hubClient.ts';
import { IO_GADGET } from '../lib/ioStreams.ts';
import { isPacketGadget, withPacketDefaults } from '../lib/packetView.ts';
import { useCapturePages } from '../lib/useCapturePages.ts';
import { AppHeader } from './AppHeader.tsx';
import { CaptureHeader } from './CaptureHeader.tsx';
import { CaptureIoStreams } from './CaptureIoStreams.tsx';
import { CaptureIntervalViews } from './CaptureIntervalViews.tsx';
import { CaptureOverviewTiles } from './CaptureOverviewTiles.tsx';
import { CaptureTable } from './CaptureTable.tsx';
import { CaptureTimeline } from './CaptureTimeline.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { EventDetail } from './EventDetail.tsx';
import { FilterBar } from './FilterBar.tsx';
import { PcapngButton } from './PcapngButton.tsx';

/** Views a capture offers: its gadget category's own first (as in the live view), then events and the overview. */
function tabsOf(gadgets: readonly GadgetMeta[]): CaptureTab[] {
  const categories = new Set(gadgets.map((g) => g.category));
  const own: CaptureTab[] = [];
  if (categories.has('profile')) own.push('histogram');
  if (categories.has('top')) own.push('top');
  return [...own, 'events', ...(gadgets.some((g) => g.name === IO_GADGET) ? (['streams'] as const) : []), 'overview'];
}

const tabTitles: Record<CaptureTab, string> = { overview: 'Overview', events: 'Events', histogram: 'Histogram', top: 'Top', streams: 'Streams' };

function without<K extends keyof CaptureViewState>(v: CaptureViewState, ...keys: K[]): CaptureViewState {
  const next = { ...v };
  for (const k of keys) delete next[k];
  return next;
}

/** A shared link that no longer works says why, instead of sending a logged-out reader to a login page. */
function shareErrorText(err: ErrorEnvelope): string {
  if (err.code === 'unauthorized' || err.code === 'forbidden') return `This share link is no longer valid: it has expired or was revoked (${err.message}). Ask the sender for a new link.`;
  if (err.code === 'not_found') return `The shared capture no longer exists on this hub (${err.message}).`;
  return err.message;
}

/** One capture: overview, timeline, paged event table and the category views; all of it in the URL. */
export function CaptureScreen() {
  const [view, setView] = useState<CaptureViewState | null>(null);
  const [missingId, setMissingId] = useState(false);
  const [data, setData] = useState<CaptureResponse | null>(null);
  const [loadError, setLoadError] = useState<ErrorEnvelope | null>(null);
  const [user, setUser] = useState<string | null>(null);
  const [filterText, setFilterText] = useState('');
  const [selected, setSelected] = useState<CaptureEvent | null>(null);
  const shared = view?.share !== undefined;

  useEffect(() => {
    const initial = parseCaptureViewState(window.location.search);
    if (initial === null) {
      setMissingId(true);
      return;
    }
    setShareToken(initial.share ?? null);
    setView(initial);
    setFilterText(initial.filter ?? '');
    const started = performance.now();
    captureClient.get(initial.id).then(
      (res) => {
        setData(res);
        document.body.dataset.captureOpenMs = String(Math.round(performance.now() - started));
      },
      (err: unknown) => setLoadError(errorEnvelopeOf(err)),
    );
    if (initial.share === undefined) hubClient.me().then(setUser, () => undefined);
  }, []);

  useEffect(() => {
    if (view === null) return;
    const url = `${window.location.pathname}?${serializeCaptureViewState(view)}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
  }, [view]);

  useEffect(() => {
    const t = setTimeout(() => setView((v) => (v === null || (v.filter ?? '') === filterText ? v : filterText.trim() === '' ? without(v, 'filter', 'row', 'at') : { ...without(v, 'row', 'at'), filter: filterText })), 250);
    return () => clearTimeout(t);
  }, [filterText]);

  const gadgets = useMemo(() => data?.meta.gadgets ?? [], [data]);
  const packetCapture = gadgets.length > 0 && gadgets.every((g) => isPacketGadget(g.name));
  const fields = useMemo(() => (packetCapture ? withPacketDefaults(captureFieldsOf(gadgets)) : captureFieldsOf(gadgets)), [gadgets, packetCapture]);
  const values = useMemo(() => overviewValueSource(data?.overview ?? null), [data]);
  const columns = useMemo(() => resolveColumns(view?.fields ?? '', fields), [view?.fields, fields]);
  const visible = columns.ok ? columns.columns : defaultColumns(fields);
  const filterOk = useMemo(() => (view?.filter ?? '').trim() === '' || compileFilter(view?.filter ?? '', fields).ok, [view?.filter, fields]);
  const query = view === null || data === null || !filterOk ? null : { filter: view.filter ?? '', sort: view.sort ?? 'timestamp', from: view.from, to: view.to };
  const pages = useCapturePages(view?.id ?? '', query);

  // A link's selected row: found where the link says it sits.
  const at = view?.at;
  const wantedRow = view?.row;
  const atRow = at !== undefined ? pages.rowAt(at) : undefined;
  useEffect(() => {
    if (wantedRow === undefined) setSelected(null);
    else if (atRow !== undefined && atRow.id === wantedRow) setSelected(atRow);
  }, [wantedRow, atRow]);

  if (missingId) return <Shell shared={false} user={null}><div className="error-box pad">No capture given: open one from the <a href="/captures">captures page</a>.</div></Shell>;
  if (view === null) return <Shell shared={false} user={null}><div className="muted pad">Loading…</div></Shell>;
  if (loadError !== null)
    return (
      <Shell shared={shared} user={user}>
        <div className="error-box capture-error" role="alert" data-testid={shared ? 'share-error' : 'capture-error'} data-code={loadError.code}>
          {shared ? shareErrorText(loadError) : loadError.message}
        </div>
      </Shell>
    );
  if (data === null) return <Shell shared={shared} user={user}><div className="muted pad" data-testid="capture-loading">Opening capture…</div></Shell>;

  const tabs = tabsOf(gadgets);
  const tab: CaptureTab = tabs.find((t) => t === view.tab) ?? tabs[0] ?? 'events';
  const setTab = (t: CaptureTab) => setView((v) => (v === null ? v : t === tabs[0] ? without(v, 'tab') : { ...v, tab: t }));
  const commitFilter = (text: string) => setView((v) => (v === null ? v : text.trim() === '' ? without(v, 'filter', 'row', 'at') : { ...without(v, 'row', 'at'), filter: text }));
  const addClause = (clause: string) => {
    const next = appendClause(filterText, clause);
    setFilterText(next);
    commitFilter(next);
  };
  const filterByCell = (field: string, value: EventValue | undefined, negate: boolean) => {
    const clause = clauseFor(field, value, negate);
    if (clause !== null) addClause(clause);
  };
  const setSort = (sort: string | undefined) => setView((v) => (v === null ? v : sort === undefined ? without(v, 'sort', 'row', 'at') : { ...without(v, 'row', 'at'), sort }));
  const setRange = (r: { from: number; to: number } | null) => setView((v) => (v === null ? v : r === null ? without(v, 'from', 'to', 'row', 'at') : { ...without(v, 'row', 'at'), from: r.from, to: r.to }));

  return (
    <Shell shared={shared} user={user}>
      <div className="capture-view" data-testid="capture-view" data-capture-id={view.id}>
        <CaptureHeader data={data} view={view} shared={shared} onRenamed={(name) => setData((d) => (d === null ? d : { ...d, capture: { ...d.capture, name }, meta: { ...d.meta, name } }))} onStopped={(capture) => setData((d) => (d === null ? d : { ...d, capture, meta: { ...d.meta, state: capture.state } }))} />
        <CaptureTimeline captureId={view.id} filter={query?.filter ?? ''} groupBy={view.group ?? 'pod'} onGroupByChange={(g) => setView((v) => (v === null ? v : g === 'pod' ? without(v, 'group') : { ...v, group: g }))} from={view.from} to={view.to} onRange={setRange} />
        <div className="toolbar">
          <div className="view-tabs" role="tablist" aria-label="View">
            {tabs.map((t) => (
              <button key={t} type="button" role="tab" aria-selected={t === tab} className={`tab${t === tab ? ' active' : ''}`} data-testid={`view-tab-${t}`} onClick={() => setTab(t)}>
                {tabTitles[t]}
              </button>
            ))}
          </div>
          <FilterBar testId="table-filter" className="view-filter" label="Filter events" value={filterText} onChange={setFilterText} onCommit={commitFilter} fields={fields} values={values} placeholder="filter on the hub: proc.comm==sh,args~^/bin   (click a cell to add it)" />
          <div className="header-spacer" />
          {isPacketGadget(data.meta.request.gadget) && <PcapngButton source={{ kind: 'capture', captureId: view.id }} />}
          <ColumnChooser fields={fields} spec={view.fields} visible={visible} onChange={(spec) => setView((v) => (v === null ? v : { ...v, fields: spec }))} onReset={() => setView((v) => (v === null ? v : without(v, 'fields')))} />
        </div>
        {pages.error !== null && (
          <div className="error-box" role="alert" data-testid="capture-query-error">
            {pages.error.message}
          </div>
        )}
        <div className="table-area">
          {tab === 'overview' && (
            <CaptureOverviewTiles
              overview={data.overview}
              onPick={(clause) => {
                if (clause !== null) addClause(clause);
                setTab('events');
              }}
            />
          )}
          {tab === 'events' && (
            <CaptureTable
              pages={pages}
              fields={fields}
              visible={visible}
              sort={view.sort}
              onSortChange={setSort}
              onCellFilter={filterByCell}
              selectedId={view.row}
              scrollTo={view.at}
              onSelect={(row, index) => {
                setSelected(row);
                setView((v) => (v === null ? v : { ...v, row: row.id, at: index }));
              }}
            />
          )}
          {(tab === 'histogram' || tab === 'top') && query !== null && <CaptureIntervalViews tab={tab} captureId={view.id} query={query} gadgets={gadgets} params={data.meta.request.params} fields={fields} visible={visible} sort={view.sort} onSortChange={setSort} onCellFilter={filterByCell} />}
          {tab === 'streams' && query !== null && (
            <CaptureIoStreams
              captureId={view.id}
              query={query}
              selected={view.stream}
              onSelect={(key) => setView((v) => (v === null ? v : key === undefined ? without(v, 'stream') : { ...v, stream: key }))}
              onRawEvents={(filter) => {
                setFilterText(filter);
                setView((v) => (v === null ? v : { ...without(v, 'row', 'at'), filter, tab: 'events' }));
              }}
            />
          )}
          {view.row !== undefined && tab === 'events' && (
            <EventDetail
              title={`Event id ${view.row}`}
              row={selected?.id === view.row ? selected.event : undefined}
              missing={pages.total === null ? 'Loading…' : `Event id ${view.row} is not among the rows of this view.`}
              fields={fields}
              onClose={() => setView((v) => (v === null ? v : without(v, 'row', 'at')))}
              onOpenStream={tabs.includes('streams') ? (key) => setView((v) => (v === null ? v : { ...v, tab: 'streams', stream: key })) : undefined}
            />
          )}
        </div>
      </div>
    </Shell>
  );
}

function Shell({ shared, user, children }: { shared: boolean; user: string | null; children: ReactNode }) {
  return (
    <div className="app">
      <AppHeader user={user} shared={shared} active="captures" />
      <main className="main capture-main">{children}</main>
    </div>
  );
}
