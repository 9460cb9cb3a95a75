import { z } from 'zod';

// Users, roles and what they may do. The hub checks permissions; the UI only hides what a role cannot use.

export const Permission = z.enum([
  /** See payload bytes (trace_io buffers, packet data) without credentials masked. */
  'payload:unmask',
  /** List, create, change and delete users. */
  'users:manage',
  /** Read the audit log. */
  'audit:read',
]);
export type Permission = z.infer<typeof Permission>;

export const UserRole = z.enum(['admin', 'viewer']);
export type UserRole = z.infer<typeof UserRole>;

export const rolePermissions: Readonly<Record<UserRole, readonly Permission[]>> = {
  admin: ['payload:unmask', 'users:manage', 'audit:read'],
  viewer: [],
};

export const UserInfo = z.object({ username: z.string(), role: UserRole, createdAt: z.number() });
export type UserInfo = z.infer<typeof UserInfo>;

const NewPassword = z.string().min(8, 'a password needs at least 8 characters').max(1024);

export const CreateUserRequest = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (1-64)'),
  password: NewPassword,
  role: UserRole.default('viewer'),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** `PATCH /api/users/:username` (admins): a new role, a new password, or both. */
export const UpdateUserRequest = z
  .strictObject({ role: UserRole.optional(), password: NewPassword.optional() })
  .refine((r) => r.role !== undefined || r.password !== undefined, 'give a new role, a new password, or both');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** `POST /api/me/password`: any logged-in user changes their own password. */
export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1, 'the current password is required').max(1024), newPassword: NewPassword });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
export const UserResponse = z.object({ user: UserInfo });
export const UsersResponse = z.object({ users: z.array(UserInfo) });

/** A query parameter asking for payload bytes unmasked (`?unmask=1`); honoured only with `payload:unmask`. */
export const UnmaskParam = z.enum(['1', 'true', '0', 'false']).optional().transform((v) => v === '1' || v === 'true');

/** One line of the hub's audit log (`<dataDir>/audit.jsonl`). */
export const AuditEntry = z.object({
  /** Wall clock, ms since the epoch. */
  at: z.number(),
  user: z.string(),
  /** e.g. `payload.unmask`, `user.create`. */
  action: z.string(),
  /** What was served or changed: `capture:<id>/events`, `run:<id>`, `user:<name>`. */
  target: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
  action: z.string().max(100).optional(),
});
export const AuditResponse = z.object({ entries: z.array(AuditEntry), total: z.number().int().nonnegative() });
export type AuditResponse = z.infer<typeof AuditResponse>;
