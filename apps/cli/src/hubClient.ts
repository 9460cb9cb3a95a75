import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ErrorResponse, PodscopeError, formatZodError } from '@podscope/protocol';
import type { CliConfig } from './cliConfig.ts';

const SESSION_COOKIE = 'podscope_session';

/** The hub's REST API and `/ws` as the plugin uses them: every answer parsed with its protocol schema. */
export class HubClient {
  private constructor(
    readonly config: CliConfig,
    private readonly authHeaders: Record<string, string>,
  ) {}

  /** With a token, every request carries it; with a user and password, logs in once and reuses the session cookie. */
  static async connect(config: CliConfig): Promise<HubClient> {
    if (config.auth.kind === 'token') return new HubClient(config, { authorization: `Bearer ${config.auth.token}` });
    const res = await reach(config.hub, '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: config.auth.user, password: config.auth.password }),
    });
    if (!res.ok) throw await errorOf(res, 'POST /api/login');
    const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? '']).map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (cookie === undefined) throw new PodscopeError('unauthorized', `the hub at ${config.hub} accepted the login but set no ${SESSION_COOKIE} cookie`);
    return new HubClient(config, { cookie });
  }

  get hub(): string {
    return this.config.hub;
  }

  /** A page of the web UI on the same hub. */
  webUrl(pathAndQuery: string): string {
    return `${this.config.hub}${pathAndQuery}`;
  }

  async request<S extends z.ZodType>(method: string, route: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const init: RequestInit = { method, headers: { ...this.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await reach(this.config.hub, route, init);
    if (!res.ok) throw await errorOf(res, `${method} ${route}`);
    const json: unknown = await res.json().catch(() => {
      throw new PodscopeError('bad_frame', `${method} ${route}: the hub answered ${res.status} with a body that is not JSON`);
    });
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new PodscopeError('bad_frame', `${method} ${route}: unexpected answer from the hub: ${formatZodError(parsed.error)}`);
    return parsed.data;
  }

  /** Streams a GET to `file`; returns the bytes written. */
  async download(route: string, file: string): Promise<number> {
    const res = await reach(this.config.hub, route, { headers: this.authHeaders });
    if (!res.ok) throw await errorOf(res, `GET ${route}`);
    if (res.body === null) throw new PodscopeError('bad_frame', `GET ${route}: the hub sent no body`);
    const out = createWriteStream(file, { mode: 0o600 });
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), out);
    return out.bytesWritten;
  }

  /** The hub's client WebSocket with this client's credentials; resolves once open. */
  async openSocket(): Promise<WebSocket> {
    const url = `${this.config.hub.replace(/^http/, 'ws')}/ws`;
    const ws = new WebSocket(url, { headers: this.authHeaders, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => reject(envelopeOf(text, res.statusCode ?? 0, `WebSocket ${url}`)));
      });
      ws.once('error', (err) => reject(unreachable(this.config.hub, err)));
    });
    return ws;
  }
}

async function reach(hub: string, route: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${hub}${route}`, init);
  } catch (err) {
    throw unreachable(hub, err);
  }
}

/** kubectl's "The connection to the server … was refused" in podscope's words. */
function unreachable(hub: string, err: unknown): PodscopeError {
  const inner: unknown = err instanceof Error ? err.cause : undefined;
  const cause = inner instanceof Error ? (('code' in inner && typeof inner.code === 'string' ? inner.code : '') || inner.message) : err instanceof Error ? err.message : String(err);
  return new PodscopeError('internal', `could not reach the podscope hub at ${hub} (${cause}) - is it running, and is the hub URL right?`, { hub });
}

async function errorOf(res: Response, what: string): Promise<PodscopeError> {
  return envelopeOf(await res.text().catch(() => ''), res.status, what);
}

/** The hub's `{error: {code, message, details}}`, or a plain description of an answer that is not one. */
function envelopeOf(text: string, status: number, what: string): PodscopeError {
  try {
    const parsed = ErrorResponse.safeParse(JSON.parse(text));
    if (parsed.success) return new PodscopeError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  } catch {
    // not JSON: fall through
  }
  const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'internal';
  return new PodscopeError(code, `${what}: the hub answered ${status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`}`);
}
