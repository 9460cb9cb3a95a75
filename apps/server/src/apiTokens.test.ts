import { readFile } from 'node:fs/promises';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, MeResponse, decodeHubToClient } from '@podscope/protocol';
import { ApiTokenStore } from './apiTokenStore.ts';
import { api, startTestHub, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** Opens `/ws` with the given headers: the hub's hello names the user, or the upgrade's status says why not. */
function wsHello(h: TestHub, headers: Record<string, string>): Promise<{ user?: string; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace(/^http/, 'ws')}/ws`, { headers, perMessageDeflate: false });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('message', (data: Buffer) => {
      const d = decodeHubToClient(data);
      ws.close();
      if (d.ok && d.message.type === 'hello') resolve({ user: d.message.user });
      else reject(new Error('expected a hello frame'));
    });
    ws.once('error', () => undefined);
  });
}

describe('API tokens (non-browser clients)', () => {
  it('stand in for a session of their user on REST and /ws; a wrong token is 401 with the reason', async () => {
    hub = await startTestHub();
    const store = new ApiTokenStore(hub.config.dataDir);
    const token = await store.add('admin', 'ci');
    expect(token).toMatch(/^psu_/);
    // Only a hash is stored.
    expect(await readFile(store.file, 'utf8')).not.toContain(token);

    const me = await api(hub, 'GET', '/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(MeResponse.parse(me.body).user).toBe('admin');
    const run = await api(hub, 'POST', '/api/runs', { headers: { authorization: `Bearer ${token}` }, body: { gadget: 'trace_exec', target: { namespaces: ['demo'] } } });
    expect(run.status).not.toBe(401);

    const wrong = await api(hub, 'GET', '/api/me', { headers: { authorization: 'Bearer psu_not-a-token' } });
    expect(wrong.status).toBe(401);
    expect(ErrorResponse.parse(wrong.body).error.message).toMatch(/API token is not valid/);

    expect(await wsHello(hub, { authorization: `Bearer ${token}` })).toEqual({ user: 'admin' });
    expect(await wsHello(hub, { authorization: 'Bearer psu_not-a-token' })).toEqual({ status: 401 });
    expect(await wsHello(hub, {})).toEqual({ status: 401 });
  });

  it('refuses a second token of the same name', async () => {
    hub = await startTestHub();
    const store = new ApiTokenStore(hub.config.dataDir);
    await store.add('admin', 'laptop');
    await expect(store.add('admin', 'laptop')).rejects.toThrow(/already exists/);
  });
});
