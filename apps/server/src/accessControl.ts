import { PodscopeError, UnmaskParam, payloadFieldsIn, type Permission } from '@podscope/protocol';
import type { AuditLog } from './auditLog.ts';
import type { AuthStore } from './authStore.ts';

/** What the user of one request may do (see `AccessControl.forRequest`). */
export interface RequestAccess {
  can(permission: Permission): boolean;
  /**
   * Whether to serve payload bytes unmasked for `target` (e.g. `capture:<id>/events`): false unless the request
   * asked (`?unmask=1`); asked with `payload:unmask` → true and written to the audit log; asked without → forbidden.
   */
  unmask(target: string): Promise<boolean>;
}

export const noAccess: RequestAccess = {
  can: () => false,
  unmask: async () => false,
};

/** Throws `forbidden` when a filter reads payload fields whose values the caller only sees masked. */
export function requireNoPayloadFilter(filter: string | undefined, how: string): void {
  const probed = payloadFieldsIn(filter ?? '');
  if (probed.length > 0) {
    throw new PodscopeError('forbidden', `filtering on ${probed.join(', ')} needs the payload:unmask permission (${how}): its values are masked`, { permission: 'payload:unmask', fields: probed });
  }
}

/** Roles and permissions of users (share-link viewers and public requests have none), and the unmask audit. */
export class AccessControl {
  constructor(
    private readonly auth: AuthStore,
    readonly audit: AuditLog,
  ) {}

  permissionsOf(user: string): readonly Permission[] {
    return user === '' || user.startsWith('share:') ? [] : this.auth.permissionsOf(user);
  }

  can(user: string, permission: Permission): boolean {
    return this.permissionsOf(user).includes(permission);
  }

  /** Throws `forbidden` unless `user` has `permission`. */
  require(user: string, permission: Permission): void {
    if (!this.can(user, permission)) throw new PodscopeError('forbidden', `this needs the ${permission} permission, which ${user === '' ? 'an anonymous request' : user.startsWith('share:') ? 'a share link' : `user ${user}`} does not have`, { permission });
  }

  /** A run's filter may read payload fields only for users who may see them unmasked. */
  checkRunFilter(user: string, filter: string | undefined): void {
    if (!this.can(user, 'payload:unmask')) requireNoPayloadFilter(filter, 'an admin may run it');
  }

  /** Grants or refuses an explicit unmask request and audits a granted one. */
  async unmask(user: string, requested: boolean, target: string, via: string): Promise<boolean> {
    if (!requested) return false;
    if (user.startsWith('share:')) throw new PodscopeError('forbidden', 'share links never show payload bytes unmasked', { permission: 'payload:unmask' });
    this.require(user, 'payload:unmask');
    await this.audit.record({ user, action: 'payload.unmask', target, details: { via } });
    return true;
  }

  forRequest(user: string, url: URL): RequestAccess {
    const parsed = UnmaskParam.safeParse(url.searchParams.get('unmask') ?? undefined);
    if (!parsed.success) {
      return { can: (p) => this.can(user, p), unmask: () => Promise.reject(new PodscopeError('bad_param', 'unmask must be 1, true, 0 or false', { param: 'unmask' })) };
    }
    return {
      can: (p) => this.can(user, p),
      unmask: (target) => this.unmask(user, parsed.data, target, `${url.pathname}`),
    };
  }
}
