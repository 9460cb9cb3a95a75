import { afterEach, describe, expect, it } from 'vitest';
import { CreateShareResponse, ErrorResponse, SharesResponse } from '@podscope/protocol';
import { api } from '../hubTestKit.ts';
import { hubWithAgents, recordedCapture, type HubWithAgents } from './captureTestKit.ts';

let h: HubWithAgents | undefined;
afterEach(async () => {
  await h?.hub.stop();
  h = undefined;
});

const DAY = 24 * 3600 * 1000;

describe('share links', () => {
  it('grant read-only access to one capture until they expire or are revoked', async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    h = await hubWithAgents(['node-a'], {}, { now: () => clock.t });
    const { hub, cookie } = h;
    const { captureId, total } = await recordedCapture(h, 200);
    const other = await recordedCapture(h, 10);

    const created = await api(hub, 'POST', `/api/captures/${captureId}/shares`, { cookie, body: {} });
    expect(created.status).toBe(201);
    const { token, url, expiresAt, share } = CreateShareResponse.parse(created.body);
    expect(expiresAt).toBe(clock.t + 7 * DAY);
    expect(url).toContain(`share=${encodeURIComponent(token)}`);
    expect(url).toContain(captureId);
    // The web app's capture view (a static page: state lives in the query).
    expect(new URL(url).pathname).toBe('/capture');

    // Reads with the token, by query parameter or header, without any session.
    const byQuery = await api(hub, 'GET', `/api/captures/${captureId}/events?limit=5&share=${token}`);
    expect(byQuery.status).toBe(200);
    expect((byQuery.body as { total: number }).total).toBe(total);
    expect((await api(hub, 'GET', `/api/captures/${captureId}`, { headers: { authorization: `Share ${token}` } })).status).toBe(200);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/timeline?share=${token}`)).status).toBe(200);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/export?share=${token}`)).status).toBe(200);

    // Not for another capture, not for writes, not for other APIs.
    const otherCapture = await api(hub, 'GET', `/api/captures/${other.captureId}/events?share=${token}`);
    expect(otherCapture.status).toBe(403);
    expect(ErrorResponse.parse(otherCapture.body).error.message).toMatch(/another capture/);
    const del = await api(hub, 'DELETE', `/api/captures/${captureId}?share=${token}`);
    expect(del.status).toBe(403);
    expect(ErrorResponse.parse(del.body).error.message).toMatch(/read-only/);
    expect((await api(hub, 'PATCH', `/api/captures/${captureId}`, { body: { name: 'x' }, headers: { authorization: `Share ${token}` } })).status).toBe(403);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/shares?share=${token}`)).status).toBe(403);
    expect((await api(hub, 'GET', `/api/captures?share=${token}`)).status).toBe(403);
    expect((await api(hub, 'GET', `/api/runs?share=${token}`)).status).toBe(403);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/events?share=pss_forged`)).status).toBe(401);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/events`)).status).toBe(401);

    // Expiry (the hub's clock is injected).
    clock.t += 7 * DAY + 1;
    const expired = await api(hub, 'GET', `/api/captures/${captureId}/events?share=${token}`);
    expect(expired.status).toBe(401);
    expect(ErrorResponse.parse(expired.body).error).toMatchObject({ code: 'unauthorized', details: { reason: 'expired' } });
    expect(ErrorResponse.parse(expired.body).error.message).toMatch(/expired/);

    // Revocation.
    const second = CreateShareResponse.parse((await api(hub, 'POST', `/api/captures/${captureId}/shares`, { cookie, body: { expiresInSec: 60 } })).body);
    expect((await api(hub, 'GET', `/api/captures/${captureId}?share=${second.token}`)).status).toBe(200);
    expect((await api(hub, 'DELETE', `/api/captures/${captureId}/shares/${second.share.id}`, { cookie })).status).toBe(200);
    const revoked = await api(hub, 'GET', `/api/captures/${captureId}?share=${second.token}`);
    expect(revoked.status).toBe(403);
    expect(ErrorResponse.parse(revoked.body).error.message).toMatch(/revoked/);

    const list = SharesResponse.parse((await api(hub, 'GET', `/api/captures/${captureId}/shares`, { cookie })).body).shares;
    expect(list.map((s) => s.id).sort()).toEqual([share.id, second.share.id].sort());
    expect(list.find((s) => s.id === second.share.id)?.revokedAt).toBe(clock.t);
    expect(JSON.stringify(list)).not.toContain(token);
  });

  it('flags payload-bearing captures', async () => {
    h = await hubWithAgents(['node-a'], {
      captures: { ...(await import('../config.ts')).loadConfig({}).captures, payloadGadgets: ['trace_exec'] },
    });
    const { captureId } = await recordedCapture(h, 10);
    const res = await api(h.hub, 'GET', `/api/captures/${captureId}`, { cookie: h.cookie });
    expect((res.body as { meta: { payload: boolean } }).meta.payload).toBe(true);
  });
});
