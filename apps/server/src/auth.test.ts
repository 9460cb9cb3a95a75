import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, MeResponse } from '@podscope/protocol';
import { AgentTokenStore } from './agentTokenStore.ts';
import { startHub } from './hub.ts';
import { ADMIN_PASSWORD, TestAgent, TestBrowser, api, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const errorCode = (body: unknown): string => ErrorResponse.parse(body).error.code;

describe('sessions', () => {
  it('requires a session on every API route but /healthz and /api/login', async () => {
    hub = await startTestHub();
    expect(await api(hub, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', agents: [] } });
    for (const [method, route] of [
      ['GET', '/api/me'],
      ['GET', '/api/gadgets'],
      ['GET', '/api/inventory'],
      ['GET', '/api/runs'],
      ['POST', '/api/runs'],
      ['GET', '/api/runs/abc'],
      ['DELETE', '/api/runs/abc'],
      ['POST', '/api/logout'],
    ] as const) {
      const res = await api(hub, method, route);
      expect(res.status, `${method} ${route}`).toBe(401);
      expect(errorCode(res.body)).toBe('unauthorized');
    }
  });

  it('logs in with an HttpOnly SameSite=Lax cookie and logs out', async () => {
    hub = await startTestHub();
    const wrong = await api(hub, 'POST', '/api/login', { body: { username: 'admin', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const ok = await api(hub, 'POST', '/api/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^podscope_session=[\w-]{20,};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const cookie = setCookie.split(';')[0] ?? '';

    const me = await api(hub, 'GET', '/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(MeResponse.parse(me.body)).toEqual({ user: 'admin', role: 'admin', permissions: ['payload:unmask', 'users:manage', 'audit:read'] });

    expect((await api(hub, 'POST', '/api/logout', { cookie })).status).toBe(200);
    expect((await api(hub, 'GET', '/api/me', { cookie })).status).toBe(401);
    await expect(TestBrowser.connect(hub, cookie)).rejects.toThrow(/401/);
  });

  it('refuses a browser WebSocket without a session and accepts one with it', async () => {
    hub = await startTestHub();
    await expect(TestBrowser.connect(hub, 'podscope_session=forged')).rejects.toThrow(/401/);
    const browser = await TestBrowser.connect(hub, await login(hub));
    await waitFor('hello', () => browser.received.find((m) => m.type === 'hello'));
    expect(browser.received[0]).toMatchObject({ type: 'hello', user: 'admin' });
    await browser.close();
  });

  it('refuses state-changing requests from another origin', async () => {
    hub = await startTestHub();
    const cookie = await login(hub);
    const res = await fetch(`${hub.url}/api/logout`, { method: 'POST', headers: { cookie, origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect((await api(hub, 'GET', '/api/me', { cookie })).status).toBe(200);
  });

  it('slows down password guessing', async () => {
    hub = await startTestHub();
    for (let i = 0; i < 10; i++) {
      expect((await api(hub, 'POST', '/api/login', { body: { username: 'admin', password: `guess-${i}` } })).status).toBe(401);
    }
    const blocked = await api(hub, 'POST', '/api/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(blocked.status).toBe(403);
    expect(ErrorResponse.parse(blocked.body).error.message).toMatch(/too many failed logins/);
  });
});

describe('first start', () => {
  it('creates admin with a random password stored only as a scrypt hash', async () => {
    hub = await startTestHub({ adminPassword: undefined });
    const admin = hub.initialAdmin;
    expect(admin?.username).toBe('admin');
    const password = admin?.generatedPassword ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const stored = await readFile(admin?.file ?? '', 'utf8');
    expect(stored).not.toContain(password);
    expect(stored).toContain('scrypt$');
    expect(await login(hub, password)).toMatch(/^podscope_session=/);
  });

  it('does not recreate admin when users exist', async () => {
    hub = await startTestHub();
    expect(hub.initialAdmin?.generatedPassword).toBeUndefined();
    const again = await startHub({ ...hub.config, port: 0, adminPassword: undefined });
    expect(again.initialAdmin).toBeUndefined();
    await again.close();
  });
  it('resets the admin password with PODSCOPE_RESET_ADMIN', async () => {
    hub = await startTestHub();
    const again = await startHub({ ...hub.config, port: 0, adminPassword: undefined, resetAdmin: true });
    expect(again.initialAdmin?.action).toBe('reset');
    const password = again.initialAdmin?.generatedPassword ?? '';
    await expect(login(again, ADMIN_PASSWORD)).rejects.toThrow(/401/);
    expect(await login(again, password)).toMatch(/^podscope_session=/);
    await again.close();
  });
});

describe('agent tokens', () => {
  it('rejects a wrong or missing token on upgrade', async () => {
    hub = await startTestHub();
    await expect(TestAgent.connect(hub, 'node-a', { token: 'wrong-token-wrong-token' })).rejects.toThrow(/401/);
    await expect(TestAgent.connect(hub, 'node-a', { token: '' })).rejects.toThrow(/401/);
  });

  it('accepts a stored token for its own node only, without a restart', async () => {
    hub = await startTestHub();
    const store = new AgentTokenStore(hub.config.dataDir, undefined);
    const token = await store.add('node-a');
    expect(await readFile(store.file, 'utf8')).not.toContain(token);

    const agent = await TestAgent.connect(hub, 'node-a', { token });
    expect(agent.received[0]).toMatchObject({ type: 'welcome' });
    await agent.close();

    const impostor = await TestAgent.open(hub, 'node-b', { token });
    await waitFor('impostor closed', () => impostor.closed);
    expect(impostor.closed?.code).toBe(1008);
    expect(impostor.received).toMatchObject([{ type: 'error', error: { code: 'forbidden' } }]);
    const inventory = await api(hub, 'GET', '/api/inventory', { cookie: await login(hub) });
    expect(inventory.body).toMatchObject({ nodes: [{ node: 'node-a', connected: false }] });
  });

  it('accepts PODSCOPE_AGENT_TOKEN for any node', async () => {
    hub = await startTestHub();
    const a = await TestAgent.connect(hub, 'node-x');
    const b = await TestAgent.connect(hub, 'node-y');
    await Promise.all([a.close(), b.close()]);
  });
});
