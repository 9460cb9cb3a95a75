import { LoginRequest, PodscopeError, RunRequest, type InventoryResponse } from '@podscope/protocol';
import type { AccessControl } from './accessControl.ts';
import type { AgentRegistry } from './agentRegistry.ts';
import type { AuthStore } from './authStore.ts';
import type { HubConfig } from './config.ts';
import { clearedSessionCookie, sessionCookie } from './cookies.ts';
import { HttpRouter, json, readJsonBody, type RouteContext } from './httpRouter.ts';
import type { LoginRateLimiter } from './loginRateLimiter.ts';
import type { RunDeadlines } from './runDeadlines.ts';
import type { RunManager } from './runManager.ts';
import type { SessionStore } from './sessionStore.ts';

export interface ApiDeps {
  config: Pick<HubConfig, 'maxBodyBytes' | 'sessionTtlMs' | 'cookieSecure'>;
  auth: AuthStore;
  sessions: SessionStore;
  loginLimiter: LoginRateLimiter;
  registry: AgentRegistry;
  runs: RunManager;
  /** Stops runs that asked for a duration. */
  deadlines?: RunDeadlines;
  /** Who may filter runs on payload fields. */
  access?: AccessControl;
  /** The inventory the target picker shows (cluster mode joins the API server's pods); defaults to the agents'. */
  inventory?: () => InventoryResponse;
}

const clientKey = (ctx: RouteContext): string => ctx.req.socket.remoteAddress ?? 'unknown';

/** The REST API of docs/architecture.md. Every route needs a session unless marked public. */
export function buildApiRouter(deps: ApiDeps): HttpRouter {
  const { config, auth, sessions, loginLimiter, registry, runs } = deps;
  const body = (ctx: RouteContext): Promise<unknown> => readJsonBody(ctx.req, config.maxBodyBytes);

  return new HttpRouter()
    // Lists connected nodes so start scripts can wait for their agent.
    .add('GET', '/healthz', async () => json({ status: 'ok', agents: registry.connectedNodes().sort() }), { isPublic: true })
    .add(
      'POST',
      '/api/login',
      async (ctx) => {
        const key = clientKey(ctx);
        const waitMs = loginLimiter.retryAfterMs(key);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw new PodscopeError('forbidden', `too many failed logins from this address; try again in ${seconds} s`, { retryAfterSeconds: seconds });
        }
        const login = LoginRequest.parse(await body(ctx));
        // has(): the user may have been deleted while the password hash was being checked.
        if (!(await auth.verify(login.username, login.password)) || !auth.has(login.username)) {
          loginLimiter.recordFailure(key);
          throw new PodscopeError('unauthorized', 'wrong username or password');
        }
        loginLimiter.recordSuccess(key);
        const token = sessions.create(login.username);
        return json({ user: login.username }, 200, { 'set-cookie': sessionCookie(token, config.sessionTtlMs, config.cookieSecure) });
      },
      { isPublic: true },
    )
    .add('POST', '/api/logout', async (ctx) => {
      sessions.delete(ctx.sessionToken);
      return json({ ok: true }, 200, { 'set-cookie': clearedSessionCookie(config.cookieSecure) });
    })
    .add('GET', '/api/me', async (ctx) => json({ user: ctx.user, role: auth.roleOf(ctx.user), permissions: auth.permissionsOf(ctx.user) }))
    .add('GET', '/api/gadgets', async () => json({ gadgets: [...registry.gadgetCatalog().values()].sort((a, b) => a.name.localeCompare(b.name)) }))
    .add('GET', '/api/inventory', async () => json(deps.inventory?.() ?? registry.inventory()))
    .add('GET', '/api/runs', async () => json({ runs: runs.list() }))
    .add('POST', '/api/runs', async (ctx) => {
      const request = RunRequest.parse(await body(ctx));
      deps.access?.checkRunFilter(ctx.user, request.filter);
      await runs.authorize(request, ctx.user);
      const run = runs.create(request, ctx.user);
      return json({ run: deps.deadlines?.schedule(run) ?? run }, 201);
    })
    .add('GET', '/api/runs/:id', async (ctx) => json({ run: runs.get(ctx.params.id ?? '') }))
    .add('DELETE', '/api/runs/:id', async (ctx) => json({ run: runs.stop(ctx.params.id ?? '') }));
}
