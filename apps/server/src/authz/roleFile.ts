import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PodscopeError, formatZodError } from '@podscope/protocol';
import { describeAccess, type AccessReviewer, type AccessVerdict, type RequiredAccess } from './accessReview.ts';

/**
 * `PODSCOPE_ROLES`: the embedded default's stand-in for Kubernetes RBAC. Per user, grants of `verb resource[/sub]`
 * (e.g. `get pods/log`, `create pods/exec`, `*`) in namespaces (`*` = every namespace, which also covers `-A`).
 */
export const RoleFile = z.object({
  users: z.record(
    z.string().min(1),
    z.array(
      z.object({
        namespaces: z.array(z.string().min(1)).min(1),
        allow: z.array(z.string().regex(/^(\*|[a-z*]+ [a-z*]+(\/[a-z*]+)?)$/, 'a grant is "verb resource[/subresource]" or "*"')).min(1),
      }),
    ),
  ),
});
export type RoleFile = z.infer<typeof RoleFile>;

export class RoleFileReviewer implements AccessReviewer {
  readonly kind = 'role-file';
  constructor(
    private readonly roles: RoleFile,
    private readonly file: string,
  ) {}

  static async load(file: string): Promise<RoleFileReviewer> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new PodscopeError('bad_request', `cannot read the role file ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = RoleFile.safeParse(raw);
    if (!parsed.success) throw new PodscopeError('bad_request', `invalid role file ${file}: ${formatZodError(parsed.error)}`);
    return new RoleFileReviewer(parsed.data, file);
  }

  async review(user: string, namespace: string | undefined, access: RequiredAccess): Promise<AccessVerdict> {
    const wanted = describeAccess(access);
    const [verb, resource] = wanted.split(' ') as [string, string];
    const grants = this.roles.users[user] ?? [];
    const ok = grants.some(
      (g) =>
        (g.namespaces.includes('*') || (namespace !== undefined && g.namespaces.includes(namespace))) &&
        g.allow.some((a) => {
          if (a === '*') return true;
          const [v, r] = a.split(' ') as [string, string];
          return (v === '*' || v === verb) && (r === '*' || r === resource || r === `${resource.split('/')[0]}/*`);
        }),
    );
    const where = namespace === undefined ? 'in every namespace' : `in namespace "${namespace}"`;
    return ok ? { allowed: true, reason: `granted by ${this.file}` } : { allowed: false, reason: `${this.file} grants user "${user}" no "${wanted}" ${where}` };
  }
}
