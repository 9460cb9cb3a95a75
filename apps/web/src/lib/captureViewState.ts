import type { TimelineGroupBy } from '@podscope/protocol';

/** Views of a capture; histogram and top only for their gadget categories. */
export const captureTabs = ['overview', 'events', 'histogram', 'top', 'streams'] as const;
export type CaptureTab = (typeof captureTabs)[number];

const groupBys: readonly TimelineGroupBy[] = ['none', 'pod', 'node', 'gadget', 'comm'];

/** What the capture screen shows, all of it in the URL so a link (or a share link) reproduces the screen. */
export interface CaptureViewState {
  id: string;
  /** Absent = the capture's default view (the gadget category's own, else events). */
  tab?: CaptureTab;
  filter?: string;
  /** IG `--fields` form. */
  fields?: string;
  /** IG `--sort` form, applied by the hub. */
  sort?: string;
  /** Brushed time range, ns since the epoch (inclusive). */
  from?: number;
  to?: number;
  /** Stored row id of the selected event (stable within the capture). */
  row?: number;
  /** Where the selected row sits in this view (0-based), so the link scrolls to it without a search. */
  at?: number;
  /** Timeline series; absent = per pod. */
  group?: TimelineGroupBy;
  /** Open I/O stream of the Streams tab (ioStreams.streamKeyOf). */
  stream?: string;
  /** Share token, when the page was opened from a share link. */
  share?: string;
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value.trim() === '' ? undefined : value;
}

function nsOf(value: string | null): number | undefined {
  if (value === null || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads `/capture?id=...`; null when there is no capture id. Bad values fall back to defaults. */
export function parseCaptureViewState(search: string | URLSearchParams): CaptureViewState | null {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const id = nonEmpty(q.get('id'));
  if (id === undefined) return null;
  const state: CaptureViewState = { id };
  const tab = q.get('tab');
  if (captureTabs.some((t) => t === tab)) state.tab = tab as CaptureTab;
  for (const key of ['filter', 'fields', 'sort', 'stream', 'share'] as const) {
    const value = nonEmpty(q.get(key));
    if (value !== undefined) state[key] = value;
  }
  const from = nsOf(q.get('from'));
  const to = nsOf(q.get('to'));
  if (from !== undefined) state.from = from;
  if (to !== undefined && (from === undefined || to >= from)) state.to = to;
  const row = q.get('row');
  if (row !== null && /^\d+$/.test(row) && Number(row) > 0) state.row = Number(row);
  const at = q.get('at');
  if (state.row !== undefined && at !== null && /^\d+$/.test(at)) state.at = Number(at);
  const group = q.get('group');
  if (groupBys.some((g) => g === group)) state.group = group as TimelineGroupBy;
  return state;
}

/** Writes the state as a query string (no `?`); the share token goes last so a reader sees the view first. */
export function serializeCaptureViewState(state: CaptureViewState): string {
  const q = new URLSearchParams();
  q.set('id', state.id);
  if (state.tab !== undefined) q.set('tab', state.tab);
  if (state.filter !== undefined && state.filter !== '') q.set('filter', state.filter);
  if (state.fields !== undefined && state.fields !== '') q.set('fields', state.fields);
  if (state.sort !== undefined && state.sort !== '') q.set('sort', state.sort);
  // Integral ns beyond 2^53 print as plain digits; toFixed avoids an exponent for any value.
  if (state.from !== undefined) q.set('from', state.from.toFixed(0));
  if (state.to !== undefined) q.set('to', state.to.toFixed(0));
  if (state.row !== undefined) q.set('row', String(state.row));
  if (state.row !== undefined && state.at !== undefined) q.set('at', String(state.at));
  if (state.group !== undefined) q.set('group', state.group);
  if (state.stream !== undefined && state.stream !== '') q.set('stream', state.stream);
  if (state.share !== undefined && state.share !== '') q.set('share', state.share);
  return q.toString().replace(/%(2C|3D|2F|3A|21|40|7E)/gi, (m) => decodeURIComponent(m));
}

/** Same-origin path of a capture screen. */
export function captureViewPath(state: CaptureViewState): string {
  return `/capture?${serializeCaptureViewState(state)}`;
}

/**
 * The link a share hands out: the sender's whole view plus the token. Absolute, because it is pasted into chats;
 * built from this page's origin, so it works on whichever hub the sender uses.
 */
export function buildShareLink(origin: string, view: CaptureViewState, token: string): string {
  return `${origin.replace(/\/+$/, '')}${captureViewPath({ ...view, share: token })}`;
}
