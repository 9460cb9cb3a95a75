import type { TargetSelectorInput } from '@podscope/protocol';

/** What the main screen shows, as it is kept in the URL so a link or a reload restores it. */
export interface ViewState {
  run?: string;
  /** Empty = all namespaces. */
  namespaces: string[];
  pod?: string;
  container?: string;
  host: boolean;
  gadget?: string;
  /** Parameters the user set, as typed (strings); unset ones take the gadget's defaults. */
  params: Record<string, string>;
  follow: boolean;
  /** Absolute index of the selected row. */
  row?: number;
  /** Columns in IG's `--fields` form (`a,b,c` or `+f,-g`); absent = the gadget's defaults. */
  fields?: string;
  /** View filter over the rows on screen (the filter language). */
  filter?: string;
  /** Source filter sent with the next run (applied on the nodes, partly in the kernel). */
  sfilter?: string;
  /** Sort in IG's `--sort` form (`-field`); for live traces it applies to the rows on screen. */
  sort?: string;
  /** Which view of the run: `events`, or the gadget category's own (histogram, top, snapshot). */
  tab?: string;
  /** Open I/O stream (trace_io's Streams tab): its key from ioStreams.streamKeyOf. */
  stream?: string;
}

export const defaultViewState = (): ViewState => ({ namespaces: [], host: false, params: {}, follow: true });

const PARAM_PREFIX = 'p.';

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

function splitList(value: string | null): string[] {
  return value === null ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Reads the view state from a query string; unknown keys are ignored, bad values fall back to defaults. */
export function parseViewState(search: string | URLSearchParams): ViewState {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const state = defaultViewState();
  const run = nonEmpty(q.get('run'));
  if (run !== undefined) state.run = run;
  state.namespaces = splitList(q.get('ns'));
  const pod = nonEmpty(q.get('pod'));
  if (pod !== undefined) state.pod = pod;
  const container = nonEmpty(q.get('container'));
  if (container !== undefined) state.container = container;
  state.host = q.get('host') === '1';
  const gadget = nonEmpty(q.get('gadget'));
  if (gadget !== undefined) state.gadget = gadget;
  for (const [key, value] of q) {
    if (key.startsWith(PARAM_PREFIX) && key.length > PARAM_PREFIX.length) state.params[key.slice(PARAM_PREFIX.length)] = value;
  }
  state.follow = q.get('follow') !== '0';
  const row = q.get('row');
  if (row !== null && /^\d+$/.test(row)) state.row = Number(row);
  // `cols=` is the pre-`fields=` name of the same list.
  const fields = q.get('fields') ?? q.get('cols');
  if (fields !== null && fields.trim() !== '') state.fields = fields.trim();
  for (const key of ['filter', 'sfilter', 'sort', 'tab', 'stream'] as const) {
    const value = nonEmpty(q.get(key));
    if (value !== undefined) state[key] = value;
  }
  return state;
}

/** Writes the view state as a query string (without `?`), omitting defaults so links stay short. */
export function serializeViewState(state: ViewState): string {
  const q = new URLSearchParams();
  if (state.run !== undefined) q.set('run', state.run);
  if (state.gadget !== undefined) q.set('gadget', state.gadget);
  if (state.namespaces.length > 0) q.set('ns', state.namespaces.join(','));
  if (state.pod !== undefined) q.set('pod', state.pod);
  if (state.container !== undefined) q.set('container', state.container);
  if (state.host) q.set('host', '1');
  for (const name of Object.keys(state.params).sort()) q.set(PARAM_PREFIX + name, state.params[name] ?? '');
  if (!state.follow) q.set('follow', '0');
  if (state.row !== undefined) q.set('row', String(state.row));
  if (state.fields !== undefined) q.set('fields', state.fields);
  for (const key of ['filter', 'sfilter', 'sort', 'tab', 'stream'] as const) {
    const value = state[key];
    if (value !== undefined && value !== '') q.set(key, value);
  }
  // Separators that need no escaping in a query value stay readable: `fields=k8s.podName,proc.comm,args`.
  return q.toString().replace(/%(2C|3D|2F|3A|21|40|7E)/gi, (m) => decodeURIComponent(m));
}

/** The target selector the view state describes. */
export function targetOf(state: ViewState): TargetSelectorInput {
  const target: TargetSelectorInput = { namespaces: state.namespaces, host: state.host };
  if (state.pod !== undefined) target.podName = state.pod;
  if (state.container !== undefined) target.containerName = state.container;
  return target;
}
