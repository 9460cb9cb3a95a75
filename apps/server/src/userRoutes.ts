import { AuditQuery, ChangePasswordRequest, CreateUserRequest, PodscopeError, UpdateUserRequest, type AuditResponse } from '@podscope/protocol';
import type { AccessControl } from './accessControl.ts';
import type { ApiTokenStore } from './apiTokenStore.ts';
import type { AuthStore } from './authStore.ts';
import { json, readJsonBody, type HttpRouter, type RouteContext } from './httpRouter.ts';
import { LoginRateLimiter } from './loginRateLimiter.ts';
import type { SessionStore } from './sessionStore.ts';

export interface UserRouteDeps {
  auth: AuthStore;
  access: AccessControl;
  /** Sessions of a deleted user (and, after a password reset, of its user) end at once. */
  sessions: SessionStore;
  /** API tokens of a deleted user are removed. */
  apiTokens: ApiTokenStore;
  /** Closes a user's live `/ws` connections (deleted, or a new role whose masking must apply). */
  closeSocketsOf?: (username: string) => void;
  /** Wrong current passwords per user, so a borrowed session cannot guess the password at full speed. */
  passwordLimiter?: LoginRateLimiter;
  maxBodyBytes: number;
}

const query = (ctx: RouteContext): Record<string, string> => Object.fromEntries(ctx.url.searchParams);

/** Only logged-in users have a password to change; API tokens and share links do not stand in for one. */
function requireLoginSession(ctx: RouteContext, sessions: SessionStore): void {
  if (sessions.get(ctx.sessionToken)?.user !== ctx.user) throw new PodscopeError('forbidden', 'changing your password needs a browser login session, not an API token or share link');
}

/** Users (admins create, change and delete viewers and admins), a user's own password, and the audit log. */
export function addUserRoutes(router: HttpRouter, deps: UserRouteDeps): HttpRouter {
  const { auth, access, sessions } = deps;
  const passwordLimiter = deps.passwordLimiter ?? new LoginRateLimiter();
  const body = (ctx: RouteContext): Promise<unknown> => readJsonBody(ctx.req, deps.maxBodyBytes);
  const target = (username: string): string => `user:${username}`;
  return router
    .add('GET', '/api/users', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      return json({ users: auth.list() });
    })
    .add('POST', '/api/users', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      const req = CreateUserRequest.parse(await body(ctx));
      const user = await auth.addUser(req.username, req.password, req.role);
      await access.audit.record({ user: ctx.user, action: 'user.create', target: target(user.username), details: { role: user.role } });
      return json({ user }, 201);
    })
    .add('PATCH', '/api/users/:username', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      const username = ctx.params.username ?? '';
      const req = UpdateUserRequest.parse(await body(ctx));
      const before = auth.roleOf(username);
      if (before === undefined) throw new PodscopeError('not_found', `there is no user ${username}`, { username });
      // The role first: a refused demotion of the last admin leaves the password unchanged too.
      if (req.role !== undefined) await auth.setRole(username, req.role);
      if (req.password !== undefined) {
        await auth.setPassword(username, req.password);
        sessions.deleteUser(username, username === ctx.user ? ctx.sessionToken : undefined);
      }
      if (req.role !== undefined && req.role !== before) deps.closeSocketsOf?.(username);
      const details: Record<string, unknown> = {};
      if (req.role !== undefined) Object.assign(details, { role: req.role, previousRole: before });
      if (req.password !== undefined) details.passwordReset = true;
      await access.audit.record({ user: ctx.user, action: 'user.update', target: target(username), details });
      return json({ user: auth.userInfo(username) });
    })
    .add('DELETE', '/api/users/:username', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      const username = ctx.params.username ?? '';
      if (username === ctx.user) throw new PodscopeError('conflict', 'you cannot delete your own user; another admin can', { username });
      const role = auth.roleOf(username);
      await auth.remove(username);
      sessions.deleteUser(username);
      deps.closeSocketsOf?.(username);
      const tokens = await deps.apiTokens.removeUser(username);
      await access.audit.record({ user: ctx.user, action: 'user.delete', target: target(username), details: { role, apiTokensRemoved: tokens } });
      return json({ ok: true });
    })
    .add('POST', '/api/me/password', async (ctx) => {
      requireLoginSession(ctx, sessions);
      const req = ChangePasswordRequest.parse(await body(ctx));
      const waitMs = passwordLimiter.retryAfterMs(ctx.user);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new PodscopeError('forbidden', `too many wrong current passwords; try again in ${seconds} s`, { retryAfterSeconds: seconds });
      }
      if (!(await auth.verify(ctx.user, req.currentPassword))) {
        passwordLimiter.recordFailure(ctx.user);
        throw new PodscopeError('forbidden', 'the current password is wrong', { field: 'currentPassword' });
      }
      passwordLimiter.recordSuccess(ctx.user);
      await auth.setPassword(ctx.user, req.newPassword);
      // Other browsers logged in as this user must log in again; this one stays.
      const ended = sessions.deleteUser(ctx.user, ctx.sessionToken);
      await access.audit.record({ user: ctx.user, action: 'user.password', target: target(ctx.user), details: { otherSessionsEnded: ended } });
      return json({ ok: true });
    })
    .add('GET', '/api/audit', async (ctx) => {
      access.require(ctx.user, 'audit:read');
      const q = AuditQuery.parse(query(ctx));
      const res: AuditResponse = await access.audit.list({ limit: q.limit, action: q.action });
      return json(res);
    });
}
