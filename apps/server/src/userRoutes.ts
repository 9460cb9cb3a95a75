import { AuditQuery, CreateUserRequest, type AuditResponse } from '@podscope/protocol';
import type { AccessControl } from './accessControl.ts';
import type { AuthStore } from './authStore.ts';
import { json, readJsonBody, type HttpRouter, type RouteContext } from './httpRouter.ts';

export interface UserRouteDeps {
  auth: AuthStore;
  access: AccessControl;
  maxBodyBytes: number;
}

const query = (ctx: RouteContext): Record<string, string> => Object.fromEntries(ctx.url.searchParams);

/** Users (admins create viewers and admins) and the audit log. */
export function addUserRoutes(router: HttpRouter, deps: UserRouteDeps): HttpRouter {
  const { auth, access } = deps;
  return router
    .add('GET', '/api/users', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      return json({ users: auth.list() });
    })
    .add('POST', '/api/users', async (ctx) => {
      access.require(ctx.user, 'users:manage');
      const req = CreateUserRequest.parse(await readJsonBody(ctx.req, deps.maxBodyBytes));
      const user = await auth.addUser(req.username, req.password, req.role);
      await access.audit.record({ user: ctx.user, action: 'user.create', target: `user:${user.username}`, details: { role: user.role } });
      return json({ user }, 201);
    })
    .add('GET', '/api/audit', async (ctx) => {
      access.require(ctx.user, 'audit:read');
      const q = AuditQuery.parse(query(ctx));
      const res: AuditResponse = await access.audit.list({ limit: q.limit, action: q.action });
      return json(res);
    });
}
