import { z } from 'zod';
import {
  ErrorResponse,
  GadgetsResponse,
  InventoryResponse,
  MeResponse,
  RunResponse,
  toErrorEnvelope,
  type ErrorEnvelope,
  type GadgetMeta,
  type Permission,
  type RunInfo,
  type RunRequestInput,
} from '@podscope/protocol';

/** A REST call that failed, carrying the hub's error envelope (or one made up from the HTTP status). */
export class HubRequestError extends Error {
  readonly envelope: ErrorEnvelope;
  readonly status: number;
  constructor(status: number, envelope: ErrorEnvelope) {
    super(envelope.message);
    this.name = 'HubRequestError';
    this.status = status;
    this.envelope = envelope;
  }
}

/** Where the login page sends the user back to. */
export function loginUrl(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

let redirecting = false;

/** The hub takes a capture share token (a link opened without a session) as `?share=` or `Authorization: Share <token>`. */
export const SHARE_PARAM = 'share';
let shareToken: string | null = null;

/** Every later call carries this share token, and a 401 no longer sends the user to the login page. */
export function setShareToken(token: string | null): void {
  shareToken = token === '' ? null : token;
}

export function currentShareToken(): string | null {
  return shareToken;
}

/** A same-origin path with the share token appended (for plain links such as downloads, which cannot set headers). */
export function withShareToken(path: string): string {
  if (shareToken === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${SHARE_PARAM}=${encodeURIComponent(shareToken)}`;
}

function redirectToLogin(): void {
  // Several calls fail with 401 at once on a fresh page; navigating once keeps them from cancelling each other.
  if (shareToken !== null || redirecting || typeof window === 'undefined' || window.location.pathname.startsWith('/login')) return;
  redirecting = true;
  const target = loginUrl(window.location.pathname + window.location.search);
  // Let the router finish its own history writes first; they would cancel a navigation already under way.
  setTimeout(() => window.location.assign(target), 50);
}

async function envelopeOf(res: Response): Promise<ErrorEnvelope> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ErrorResponse.safeParse(body);
  if (parsed.success) return parsed.data.error;
  const code = res.status === 401 ? 'unauthorized' : res.status === 404 ? 'not_found' : res.status === 403 ? 'forbidden' : 'internal';
  return { code, message: `HTTP ${res.status} ${res.statusText}${text !== '' ? `: ${text.slice(0, 200)}` : ''}` };
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT';
  body?: unknown;
  /** Sent as is (a file upload) instead of a JSON body. */
  rawBody?: Blob;
  signal?: AbortSignal;
  /** The login call handles its own 401 (wrong password); everything else goes to the login page. */
  redirectOn401?: boolean;
}

/** One REST call: JSON in, the response parsed with its protocol schema, failures as `HubRequestError`. */
export async function request<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (shareToken !== null) headers.authorization = `Share ${shareToken}`;
  const init: RequestInit = { method: options.method ?? 'GET', credentials: 'same-origin', headers };
  if (options.signal !== undefined) init.signal = options.signal;
  if (options.rawBody !== undefined) {
    init.body = options.rawBody;
    headers['content-type'] = 'application/octet-stream';
  } else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (options.signal?.aborted === true) throw err;
    throw new HubRequestError(0, { code: 'internal', message: `hub unreachable: ${err instanceof Error ? err.message : String(err)}` });
  }
  if (!res.ok) {
    const envelope = await envelopeOf(res);
    if (res.status === 401 && options.redirectOn401 !== false) redirectToLogin();
    throw new HubRequestError(res.status, envelope);
  }
  if (res.status === 204) return schema.parse(undefined);
  const text = await res.text();
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new HubRequestError(res.status, { code: 'bad_frame', message: `${path}: response is not JSON` });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HubRequestError(res.status, { code: 'bad_frame', message: `${path}: unexpected response: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  return parsed.data;
}

const Anything = z.unknown();

export const hubClient = {
  login: async (username: string, password: string): Promise<void> => {
    await request('/api/login', Anything, { method: 'POST', body: { username, password }, redirectOn401: false });
  },
  logout: async (): Promise<void> => {
    await request('/api/logout', Anything, { method: 'POST', redirectOn401: false });
  },
  me: async (): Promise<string> => (await request('/api/me', MeResponse)).user,
  /** What the logged-in user may do (e.g. `payload:unmask`). */
  permissions: async (): Promise<Permission[]> => (await request('/api/me', MeResponse)).permissions,
  gadgets: async (): Promise<GadgetMeta[]> => (await request('/api/gadgets', GadgetsResponse)).gadgets,
  inventory: async (): Promise<InventoryResponse> => request('/api/inventory', InventoryResponse),
  startRun: async (req: RunRequestInput): Promise<RunInfo> => (await request('/api/runs', RunResponse, { method: 'POST', body: req })).run,
  getRun: async (id: string): Promise<RunInfo> => (await request(`/api/runs/${encodeURIComponent(id)}`, RunResponse)).run,
  stopRun: async (id: string): Promise<void> => {
    await request(`/api/runs/${encodeURIComponent(id)}`, Anything, { method: 'DELETE' });
  },
};

/** Turns anything a call threw into an envelope the UI can show. */
export function errorEnvelopeOf(err: unknown): ErrorEnvelope {
  return err instanceof HubRequestError ? err.envelope : toErrorEnvelope(err);
}
