import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { PodscopeError, httpStatusOf, toErrorEnvelope } from '@podscope/protocol';
import type { RequestAccess } from './accessControl.ts';

export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A streamed (binary) body instead of JSON, e.g. a capture export; `body` is then ignored. */
  stream?: Readable;
}

/** Read-only access to one capture granted by a share token instead of a session. */
export interface ShareAccess {
  shareId: string;
  captureId: string;
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Readonly<Record<string, string>>;
  /** The session's user; empty for public routes, `share:<id>` for share-token access. */
  user: string;
  sessionToken: string | undefined;
  /** Set when the request is authorized by a share token rather than a session. */
  share: ShareAccess | undefined;
  /** The user's permissions, and `?unmask=1` checked and audited. */
  access: RequestAccess;
}

export type RouteHandler = (ctx: RouteContext) => Promise<HttpReply>;

interface Route {
  method: string;
  segments: readonly string[];
  isPublic: boolean;
  /** A share token for the capture in `:id` may stand in for a session (read-only GET routes only). */
  shareable: boolean;
  handler: RouteHandler;
}

export interface RouteOptions {
  isPublic?: boolean;
  shareable?: boolean;
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; isPublic: boolean; shareable: boolean; params: Record<string, string> }
  | { kind: 'wrongMethod'; allowed: string[] }
  | { kind: 'none' };

const split = (p: string): string[] => p.split('/').filter((s) => s !== '');

/** Method + path-pattern routing (`/api/runs/:id`); no wildcards, no regexes. */
export class HttpRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler, opts: RouteOptions = {}): this {
    if (opts.shareable === true && (method !== 'GET' || !pattern.includes(':id'))) throw new Error(`only GET routes of one capture (:id) can be shareable: ${method} ${pattern}`);
    this.routes.push({ method, segments: split(pattern), isPublic: opts.isPublic ?? false, shareable: opts.shareable ?? false, handler });
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, isPublic: route.isPublic, shareable: route.shareable, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, seg] of pattern.entries()) {
    const part = parts[i] ?? '';
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (seg !== part) {
      return undefined;
    }
  }
  return params;
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): HttpReply =>
  headers === undefined ? { status, body } : { status, body, headers };

export function sendJson(res: ServerResponse, reply: HttpReply): void {
  if (reply.stream !== undefined) return sendStream(res, reply, reply.stream);
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(text);
}

function sendStream(res: ServerResponse, reply: HttpReply, stream: Readable): void {
  res.writeHead(reply.status, { 'cache-control': 'no-store', ...reply.headers });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** The hub's one mapping from anything thrown to an HTTP error response `{error: ErrorEnvelope}`. */
export function errorReply(err: unknown, headers?: Record<string, string>): HttpReply {
  const envelope = toErrorEnvelope(err);
  return json({ error: envelope }, httpStatusOf(envelope.code), headers);
}

/** Reads and JSON-parses a request body of at most `maxBytes`. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    // Keep reading (and discarding) a moderately oversized body so the client sees our answer, not a reset.
    if (size > maxBytes * 8) {
      req.destroy();
      break;
    }
    if (size <= maxBytes) chunks.push(buf);
  }
  if (size > maxBytes) throw new PodscopeError('bad_request', `request body is larger than ${maxBytes} bytes`);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new PodscopeError('bad_request', 'request body is empty; expected JSON');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch (err) {
    throw new PodscopeError('bad_request', `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
