import type { IncomingMessage, ServerResponse } from 'node:http';
import { PodscopeError } from '@podscope/protocol';
import { noAccess, type AccessControl } from './accessControl.ts';
import { sessionTokenOf } from './cookies.ts';
import { errorReply, sendJson, type HttpReply, type HttpRouter, type ShareAccess } from './httpRouter.ts';
import type { Logger } from './logger.ts';
import type { SessionStore } from './sessionStore.ts';
import type { StaticFiles } from './staticFiles.ts';

export interface HttpHandlerDeps {
  router: HttpRouter;
  sessions: SessionStore;
  statics: StaticFiles;
  allowedOrigins: readonly string[];
  logger: Logger;
  /** Checks a share token (throws with the reason when it is not valid). */
  verifyShare: (token: string) => ShareAccess;
  /** The user of an `Authorization: Bearer` API token (undefined without one; throws when it is not valid). */
  apiTokenUser?: (req: IncomingMessage) => Promise<string | undefined>;
  /** Permissions and unmask checks of a request's user; without it nobody may unmask. */
  access?: AccessControl;
}

/** A share token from `?share=` or `Authorization: Share <token>`. */
export function shareTokenOf(req: IncomingMessage, url: URL): string | undefined {
  const m = /^Share\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? url.searchParams.get('share') ?? undefined;
}

/** Whether a browser request comes from the hub's own origin (or one configured as allowed). */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser cross-origin request
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** API routes (with session check) first, then the web UI's static files. */
export function createHttpHandler(deps: HttpHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.warn(`${req.method ?? '?'} ${req.url ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, errorReply(err));
      else res.destroy();
    });
  };
}

async function handle(deps: HttpHandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://hub.invalid');
  const match = deps.router.match(method, url.pathname);
  if (match.kind === 'none' && !isApiPath(url.pathname)) return deps.statics.serve(req, res, url.pathname);
  sendJson(res, await apiReply(deps, req, url, match));
}

const isApiPath = (p: string): boolean => p === '/api' || p.startsWith('/api/') || p === '/healthz';

async function apiReply(deps: HttpHandlerDeps, req: IncomingMessage, url: URL, match: ReturnType<HttpRouter['match']>): Promise<HttpReply> {
  try {
    if (match.kind === 'none') throw new PodscopeError('not_found', `no API route ${req.method ?? ''} ${url.pathname}`);
    if (match.kind === 'wrongMethod') {
      throw new PodscopeError('not_found', `${url.pathname} does not take ${req.method ?? ''}; it takes ${match.allowed.join(', ')}`, { allowed: match.allowed });
    }
    if (!SAFE_METHODS.has(req.method ?? 'GET') && !originAllowed(req, deps.allowedOrigins)) {
      throw new PodscopeError('forbidden', `requests from origin ${req.headers.origin ?? ''} are not allowed`);
    }
    const sessionToken = sessionTokenOf(req.headers.cookie);
    let user = '';
    let share: ShareAccess | undefined;
    if (!match.isPublic) {
      const session = deps.sessions.get(sessionToken);
      const apiUser = session === undefined ? await deps.apiTokenUser?.(req) : undefined;
      const shareToken = session === undefined && apiUser === undefined ? shareTokenOf(req, url) : undefined;
      if (session !== undefined) user = session.user;
      else if (apiUser !== undefined) user = apiUser;
      else if (shareToken !== undefined) {
        share = deps.verifyShare(shareToken);
        if (!match.shareable) throw new PodscopeError('forbidden', 'a share link gives read-only access to its capture; this request needs a login');
        if (match.params.id !== share.captureId) throw new PodscopeError('forbidden', 'this share link is for another capture');
        user = `share:${share.shareId}`;
      } else throw new PodscopeError('unauthorized', 'log in first (no valid podscope_session cookie or API token)');
    }
    const access = deps.access?.forRequest(user, url) ?? noAccess;
    return await match.handler({ req, url, params: match.params, user, sessionToken, share, access });
  } catch (err) {
    return errorReply(err);
  }
}
