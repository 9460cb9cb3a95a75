import { afterEach, describe, expect, it } from 'vitest';
import { CaptureCreatedResponse, CapturesResponse, RetentionSettings } from '@podscope/protocol';
import { api } from '../hubTestKit.ts';
import { hubWithAgents, pcapFile, upload, type HubWithAgents } from './captureTestKit.ts';

let h: HubWithAgents | undefined;
afterEach(async () => {
  await h?.hub.stop();
  h = undefined;
});

const DAY = 24 * 3600 * 1000;

describe('retention', () => {
  it('deletes the oldest captures beyond the maximum total size, then those past the maximum age', async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    h = await hubWithAgents([], {}, { now: () => clock.t });
    const { hub, cookie } = h;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.t += 60_000;
      const packets = Array.from({ length: 200 }, (_, j) => ({ tsNs: clock.t * 1e6 + j * 1000, data: Buffer.alloc(100, i) }));
      const res = await upload(hub, cookie, pcapFile(packets), `c${i}.pcap`);
      ids.push(CaptureCreatedResponse.parse(res.body).capture.id);
    }
    const list = async (): Promise<string[]> => CapturesResponse.parse((await api(hub, 'GET', '/api/captures', { cookie })).body).captures.map((c) => c.id);
    const sizes = CapturesResponse.parse((await api(hub, 'GET', '/api/captures', { cookie })).body).captures.map((c) => c.sizeBytes);
    expect(RetentionSettings.parse(((await api(hub, 'GET', '/api/settings/retention', { cookie })).body as { retention: unknown }).retention).maxAgeDays).toBe(30);

    const maxTotalBytes = (sizes[0] ?? 0) + (sizes[1] ?? 0) + 1;
    const put = await api(hub, 'PUT', '/api/settings/retention', { cookie, body: { maxAgeDays: 30, maxTotalBytes } });
    expect(put.status).toBe(200);
    expect((put.body as { deleted: string[] }).deleted).toEqual([ids[0]]);
    expect((await list()).sort()).toEqual([ids[1], ids[2]].sort());
    expect((await api(hub, 'PUT', '/api/settings/retention', { cookie, body: { maxAgeDays: -1, maxTotalBytes } })).status).toBe(400);

    // Persisted in the data dir, and enforced by age.
    clock.t += 31 * DAY;
    const byAge = await api(hub, 'PUT', '/api/settings/retention', { cookie, body: { maxAgeDays: 30, maxTotalBytes: 1e12 } });
    expect((byAge.body as { deleted: string[] }).deleted.sort()).toEqual([ids[1], ids[2]].sort());
    expect(await list()).toEqual([]);
  });
});
