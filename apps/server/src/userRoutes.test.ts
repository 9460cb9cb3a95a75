import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditResponse, ErrorResponse, MeResponse, UserResponse, UsersResponse } from '@podscope/protocol';
import { ApiTokenStore } from './apiTokenStore.ts';
import { ADMIN_PASSWORD, TestBrowser, api, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const error = (body: unknown) => ErrorResponse.parse(body).error;
const roles = async (h: TestHub, cookie: string): Promise<string[][]> =>
  UsersResponse.parse((await api(h, 'GET', '/api/users', { cookie })).body).users.map((u) => [u.username, u.role]);

/** A hub with its admin logged in and a viewer `vera`, also logged in. */
async function hubWithViewer(): Promise<{ h: TestHub; admin: string; viewer: string }> {
  const h = await startTestHub();
  hub = h;
  const admin = await login(h);
  const created = await api(h, 'POST', '/api/users', { cookie: admin, body: { username: 'vera', password: 'viewer-password-1' } });
  expect(created.status).toBe(201);
  return { h, admin, viewer: await login(h, 'viewer-password-1', 'vera') };
}

describe('PATCH /api/users/:username', () => {
  it('changes a role and resets a password; the old password and the user’s sessions stop working', async () => {
    const { h, admin, viewer } = await hubWithViewer();
    const promoted = await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body: { role: 'admin' } });
    expect(promoted.status).toBe(200);
    expect(UserResponse.parse(promoted.body).user).toMatchObject({ username: 'vera', role: 'admin' });
    // Permissions follow the role at once, in the session the viewer already has.
    expect(MeResponse.parse((await api(h, 'GET', '/api/me', { cookie: viewer })).body).permissions).toContain('users:manage');

    const reset = await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body: { password: 'brand-new-password' } });
    expect(reset.status).toBe(200);
    expect((await api(h, 'GET', '/api/me', { cookie: viewer })).status).toBe(401);
    await expect(login(h, 'viewer-password-1', 'vera')).rejects.toThrow(/401/);
    expect(await login(h, 'brand-new-password', 'vera')).toMatch(/^podscope_session=/);
    // The admin's own session is untouched.
    expect((await api(h, 'GET', '/api/me', { cookie: admin })).status).toBe(200);

    // The change survives a restart (users.json).
    const stored = await readFile(`${h.config.dataDir}/users.json`, 'utf8');
    expect(stored).not.toContain('brand-new-password');
    expect(JSON.parse(stored)).toMatchObject({ users: expect.arrayContaining([expect.objectContaining({ username: 'vera', role: 'admin' })]) as unknown });
  });

  it('refuses bad bodies, unknown users and viewers', async () => {
    const { h, admin, viewer } = await hubWithViewer();
    for (const body of [{}, { role: 'root' }, { password: 'short' }, { role: 'viewer', extra: 1 }]) {
      const res = await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const unknown = await api(h, 'PATCH', '/api/users/nobody', { cookie: admin, body: { role: 'admin' } });
    expect(unknown.status).toBe(404);
    expect(error(unknown.body).message).toMatch(/no user nobody/);

    const forbidden = await api(h, 'PATCH', '/api/users/vera', { cookie: viewer, body: { role: 'admin' } });
    expect(forbidden.status).toBe(403);
    expect(error(forbidden.body)).toMatchObject({ code: 'forbidden', details: { permission: 'users:manage' } });
    expect((await api(h, 'GET', '/api/users', { cookie: viewer })).status).toBe(403);
    expect(await roles(h, admin)).toEqual([
      ['admin', 'admin'],
      ['vera', 'viewer'],
    ]);
  });

  it('never demotes the last admin, but demotes one of two', async () => {
    const { h, admin } = await hubWithViewer();
    const last = await api(h, 'PATCH', '/api/users/admin', { cookie: admin, body: { role: 'viewer', password: 'not-applied-1' } });
    expect(last.status).toBe(409);
    expect(error(last.body).message).toMatch(/last admin/);
    // Nothing of the refused request was applied.
    expect(await login(h)).toMatch(/^podscope_session=/);

    await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body: { role: 'admin' } });
    expect((await api(h, 'PATCH', '/api/users/admin', { cookie: admin, body: { role: 'viewer' } })).status).toBe(200);
    expect(await roles(h, await login(h, 'viewer-password-1', 'vera'))).toEqual([
      ['admin', 'viewer'],
      ['vera', 'admin'],
    ]);
  });
});

describe('DELETE /api/users/:username', () => {
  it('removes the user; its session, API token and live socket stop working at once', async () => {
    const { h, admin, viewer } = await hubWithViewer();
    const tokens = new ApiTokenStore(h.config.dataDir);
    const token = await tokens.add('vera', 'vera-laptop');
    const bearer = { authorization: `Bearer ${token}` };
    expect((await api(h, 'GET', '/api/me', { headers: bearer })).status).toBe(200);
    const browser = await TestBrowser.connect(h, viewer);

    const res = await api(h, 'DELETE', '/api/users/vera', { cookie: admin });
    expect(res.status).toBe(200);
    expect((await api(h, 'GET', '/api/me', { cookie: viewer })).status).toBe(401);
    expect((await api(h, 'GET', '/api/runs', { cookie: viewer })).status).toBe(401);
    expect((await api(h, 'GET', '/api/me', { headers: bearer })).status).toBe(401);
    expect(await readFile(tokens.file, 'utf8')).not.toContain('vera-laptop');
    await waitFor('the viewer socket closed', () => browser.closed);
    expect(browser.closed?.code).toBe(1008);
    await expect(login(h, 'viewer-password-1', 'vera')).rejects.toThrow(/401/);
    expect(await roles(h, admin)).toEqual([['admin', 'admin']]);

    // A user of the same name created later does not inherit the old token.
    await api(h, 'POST', '/api/users', { cookie: admin, body: { username: 'vera', password: 'viewer-password-2' } });
    expect((await api(h, 'GET', '/api/me', { headers: bearer })).status).toBe(401);
  });

  it('refuses unknown users, viewers, deleting oneself and the last admin', async () => {
    const { h, admin, viewer } = await hubWithViewer();
    expect((await api(h, 'DELETE', '/api/users/nobody', { cookie: admin })).status).toBe(404);
    expect((await api(h, 'DELETE', '/api/users/vera', { cookie: viewer })).status).toBe(403);
    expect((await api(h, 'DELETE', '/api/users/admin', { cookie: viewer })).status).toBe(403);

    const self = await api(h, 'DELETE', '/api/users/admin', { cookie: admin });
    expect(self.status).toBe(409);
    expect(error(self.body).message).toMatch(/your own user/);

    // With a second admin, that admin may delete the first, but then not itself (the last admin).
    await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body: { role: 'admin' } });
    const vera = await login(h, 'viewer-password-1', 'vera');
    expect((await api(h, 'DELETE', '/api/users/admin', { cookie: vera })).status).toBe(200);
    expect((await api(h, 'GET', '/api/me', { cookie: admin })).status).toBe(401);
    const lastAdmin = await api(h, 'PATCH', '/api/users/vera', { cookie: vera, body: { role: 'viewer' } });
    expect(lastAdmin.status).toBe(409);
    expect(error(lastAdmin.body)).toMatchObject({ code: 'conflict', message: expect.stringMatching(/last admin/) as unknown });
  });
});

describe('POST /api/me/password', () => {
  it('needs the right current password, keeps this session and ends the others', async () => {
    const { h, viewer } = await hubWithViewer();
    const otherBrowser = await login(h, 'viewer-password-1', 'vera');

    const wrong = await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { currentPassword: 'not-my-password', newPassword: 'vera-new-password' } });
    expect(wrong.status).toBe(403);
    expect(error(wrong.body).message).toMatch(/current password is wrong/);
    expect((await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { currentPassword: 'viewer-password-1', newPassword: 'short' } })).status).toBe(400);
    expect((await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { newPassword: 'vera-new-password' } })).status).toBe(400);
    expect((await api(h, 'POST', '/api/me/password', { body: { currentPassword: 'viewer-password-1', newPassword: 'vera-new-password' } })).status).toBe(401);
    // Nothing changed so far.
    expect(await login(h, 'viewer-password-1', 'vera')).toMatch(/^podscope_session=/);

    const ok = await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { currentPassword: 'viewer-password-1', newPassword: 'vera-new-password' } });
    expect(ok.status).toBe(200);
    expect((await api(h, 'GET', '/api/me', { cookie: viewer })).status).toBe(200);
    expect((await api(h, 'GET', '/api/me', { cookie: otherBrowser })).status).toBe(401);
    await expect(login(h, 'viewer-password-1', 'vera')).rejects.toThrow(/401/);
    expect(await login(h, 'vera-new-password', 'vera')).toMatch(/^podscope_session=/);
  });

  it('slows down guessing the current password', async () => {
    const { h, viewer } = await hubWithViewer();
    for (let i = 0; i < 10; i++) {
      const res = await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { currentPassword: `guess-${i}`, newPassword: 'vera-new-password' } });
      expect(res.status).toBe(403);
    }
    const blocked = await api(h, 'POST', '/api/me/password', { cookie: viewer, body: { currentPassword: 'viewer-password-1', newPassword: 'vera-new-password' } });
    expect(blocked.status).toBe(403);
    expect(error(blocked.body).message).toMatch(/too many wrong current passwords/);
    expect(await login(h, 'viewer-password-1', 'vera')).toMatch(/^podscope_session=/);
  });

  it('is refused to an API token', async () => {
    hub = await startTestHub();
    const token = await new ApiTokenStore(hub.config.dataDir).add('admin', 'ci');
    const res = await api(hub, 'POST', '/api/me/password', { headers: { authorization: `Bearer ${token}` }, body: { currentPassword: ADMIN_PASSWORD, newPassword: 'token-chosen-password' } });
    expect(res.status).toBe(403);
    expect(await login(hub)).toMatch(/^podscope_session=/);
  });
});

describe('audit log of user changes', () => {
  it('records create, update, password and delete, newest first, without passwords', async () => {
    const { h, admin, viewer } = await hubWithViewer();
    await api(h, 'PATCH', '/api/users/vera', { cookie: admin, body: { role: 'admin', password: 'reset-by-admin-1' } });
    const vera = await login(h, 'reset-by-admin-1', 'vera');
    await api(h, 'POST', '/api/me/password', { cookie: vera, body: { currentPassword: 'reset-by-admin-1', newPassword: 'chosen-by-vera-1' } });
    await api(h, 'DELETE', '/api/users/vera', { cookie: admin });
    // Refused changes are not recorded.
    await api(h, 'DELETE', '/api/users/admin', { cookie: admin });
    await api(h, 'PATCH', '/api/users/vera', { cookie: viewer, body: { role: 'admin' } });

    const audit = AuditResponse.parse((await api(h, 'GET', '/api/audit', { cookie: admin })).body);
    expect(audit.entries.map((e) => [e.user, e.action, e.target])).toEqual([
      ['admin', 'user.delete', 'user:vera'],
      ['vera', 'user.password', 'user:vera'],
      ['admin', 'user.update', 'user:vera'],
      ['admin', 'user.create', 'user:vera'],
    ]);
    expect(audit.entries[2]?.details).toEqual({ role: 'admin', previousRole: 'viewer', passwordReset: true });
    const raw = await readFile(`${h.config.dataDir}/audit.jsonl`, 'utf8');
    for (const secret of ['viewer-password-1', 'reset-by-admin-1', 'chosen-by-vera-1']) expect(raw).not.toContain(secret);
  });
});
