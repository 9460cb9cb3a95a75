import { z } from 'zod';
import { AuditResponse, UserResponse, UsersResponse, type ChangePasswordRequest, type CreateUserRequest, type UpdateUserRequest, type UserInfo } from '@podscope/protocol';
import { request } from './hubClient.ts';

const Anything = z.unknown();
const enc = encodeURIComponent;

/** The hub's user routes (apps/server/src/userRoutes.ts), in one place. */
export const userRoutes = {
  users: '/api/users',
  user: (username: string) => `/api/users/${enc(username)}`,
  myPassword: '/api/me/password',
  audit: '/api/audit',
} as const;

/** Users and the audit log (admins), and the logged-in user's own password. */
export const userClient = {
  list: async (): Promise<UserInfo[]> => (await request(userRoutes.users, UsersResponse)).users,
  create: async (req: CreateUserRequest): Promise<UserInfo> => (await request(userRoutes.users, UserResponse, { method: 'POST', body: req })).user,
  update: async (username: string, req: UpdateUserRequest): Promise<UserInfo> => (await request(userRoutes.user(username), UserResponse, { method: 'PATCH', body: req })).user,
  remove: async (username: string): Promise<void> => {
    await request(userRoutes.user(username), Anything, { method: 'DELETE' });
  },
  changeMyPassword: async (req: ChangePasswordRequest): Promise<void> => {
    await request(userRoutes.myPassword, Anything, { method: 'POST', body: req });
  },
  audit: async (limit = 200): Promise<AuditResponse> => request(`${userRoutes.audit}?limit=${limit}`, AuditResponse),
};
