import { afterEach, describe, expect, it } from 'vitest';
import { CapturesResponse, CaptureTimelineResponse, ErrorResponse, ReplayResponse } from '@podscope/protocol';
import { TestBrowser, api, waitFor } from '../hubTestKit.ts';
import { COMMS, allEvents, events, getCapture, hubWithAgents, recordedCapture, synthEvent, type HubWithAgents } from './captureTestKit.ts';

let h: HubWithAgents | undefined;
afterEach(async () => {
  await h?.hub.stop();
  h = undefined;
});

const PER_NODE = 3_000;

describe('recording a live run', () => {
  it('records two nodes from the run start, lists the capture and pages through every row on one time axis', async () => {
    h = await hubWithAgents(['node-a', 'node-b']);
    const { hub, cookie } = h;
    const { captureId, total } = await recordedCapture(h, PER_NODE);

    const list = CapturesResponse.parse((await api(hub, 'GET', '/api/captures', { cookie })).body).captures;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: captureId, name: 'test capture', events: total, state: 'complete', gadgets: ['trace_exec'], createdBy: 'admin', payload: false });
    expect(list[0]?.nodes.sort()).toEqual(['node-a', 'node-b']);
    expect(list[0]?.sizeBytes).toBeGreaterThan(0);
    expect((await api(hub, 'GET', '/api/captures?search=nothing-like-this', { cookie })).body).toEqual({ captures: [] });

    const detail = await getCapture(hub, captureId, { cookie });
    expect(detail.meta).toMatchObject({ state: 'complete', startCut: false, eventsBeforeStart: 0, source: 'run', request: { gadget: 'trace_exec' } });
    expect(detail.meta.losses).toEqual({ kernel: 0, agent: 0, hub: 0, browser: 0, capture: 0 });
    const ddCount = Array.from({ length: PER_NODE }, (_, i) => i).filter((i) => i % COMMS.length === 0).length * 2;
    expect(detail.overview.byProcess.find((r) => r.key === 'dd')?.count).toBe(ddCount);
    expect(detail.overview.byError).toEqual([{ key: 'ENOENT', count: Math.ceil(PER_NODE / 11) * 2 }]);
    expect(detail.overview.byGadget).toEqual([{ key: 'trace_exec', count: total }]);

    const rows = await allEvents(hub, captureId, cookie, {});
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    const ts = rows.map((r) => r.event.timestamp as number);
    expect(ts.every((t, i) => i === 0 || t >= (ts[i - 1] ?? 0))).toBe(true);
    // Both nodes interleave on the time axis.
    expect(rows.slice(0, 4).map((r) => r.event['k8s.node'])).toEqual(['node-a', 'node-b', 'node-a', 'node-b']);
    expect(rows[0]?.event).toEqual(synthEvent(0, 'node-a', 0));
  });

  it('filters (SQL, column-only and body clauses), sorts and pages with exact totals', async () => {
    h = await hubWithAgents(['node-a', 'node-b']);
    const { hub, cookie } = h;
    const { captureId, total } = await recordedCapture(h, PER_NODE);
    const expected = (pred: (i: number) => boolean): number => Array.from({ length: PER_NODE }, (_, i) => i).filter(pred).length * 2;

    expect((await events(hub, captureId, cookie, { filter: 'proc.comm==dd', limit: 5 })).total).toBe(expected((i) => i % 5 === 0));
    expect((await events(hub, captureId, cookie, { filter: 'proc.comm~^c' })).total).toBe(expected((i) => i % 5 === 1 || i % 5 === 3));
    const foo = await allEvents(hub, captureId, cookie, { filter: 'args~--foo,k8s.podName==web-1' }, 100);
    expect(foo).toHaveLength(expected((i) => i % 7 === 0 && i % 3 === 1));
    expect(foo.every((r) => String(r.event.args).includes('--foo') && r.event['k8s.podName'] === 'web-1')).toBe(true);
    expect((await events(hub, captureId, cookie, { filter: 'proc.comm==dd or args~--foo' })).total).toBe(expected((i) => i % 5 === 0 || i % 7 === 0));
    expect((await events(hub, captureId, cookie, { filter: 'proc.pid in (1000, 1001)' })).total).toBe(expected((i) => i % 97 <= 1));

    const from = 1_700_000_000_000_000_000 + 100 * 1_000_000;
    const to = 1_700_000_000_000_000_000 + 199 * 1_000_000 + 500;
    expect((await events(hub, captureId, cookie, { from, to })).total).toBe(200);

    const byPidDesc = await allEvents(hub, captureId, cookie, { sort: '-proc.pid,timestamp' }, 1_000);
    expect(byPidDesc).toHaveLength(total);
    expect(byPidDesc[0]?.event['proc.pid']).toBe(1096);
    expect(byPidDesc.at(-1)?.event['proc.pid']).toBe(1000);
    const byArgs = await events(hub, captureId, cookie, { sort: 'args', filter: 'proc.comm==sh', limit: 3, offset: 2 });
    expect(byArgs.total).toBe(expected((i) => i % 5 === 2));
    expect(byArgs.events.map((r) => r.event.args)).toEqual(['run 1007', 'run 1007', 'run 1012']);

    const bad = await api(hub, 'GET', `/api/captures/${captureId}/events?filter=${encodeURIComponent('proc.com==dd')}`, { cookie });
    expect(bad.status).toBe(400);
    expect(ErrorResponse.parse(bad.body).error.message).toMatch(/unknown field "proc.com".*proc.comm/);
    expect((await api(hub, 'GET', `/api/captures/${captureId}/events?limit=0`, { cookie })).status).toBe(400);
    expect((await api(hub, 'GET', '/api/captures/0123456789abcdef/events', { cookie })).status).toBe(404);
  });

  it('draws a per-pod timeline whose counts add up to the (filtered) total', async () => {
    h = await hubWithAgents(['node-a', 'node-b']);
    const { hub, cookie } = h;
    const { captureId, total } = await recordedCapture(h, PER_NODE);
    const tl = CaptureTimelineResponse.parse((await api(hub, 'GET', `/api/captures/${captureId}/timeline?buckets=50&groupBy=pod`, { cookie })).body);
    expect(tl.series.map((s) => s.key).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(tl.series.every((s) => s.counts.length === 50)).toBe(true);
    const sum = tl.series.flatMap((s) => s.counts).reduce((a, b) => a + b, 0);
    expect(sum).toBe(total);
    expect(tl.total).toBe(total);
    // Evenly spread events: every bucket has some.
    expect(tl.series[0]?.counts.every((n) => n > 0)).toBe(true);

    const filtered = CaptureTimelineResponse.parse((await api(hub, 'GET', `/api/captures/${captureId}/timeline?buckets=10&groupBy=none&filter=${encodeURIComponent('args~foo')}`, { cookie })).body);
    expect(filtered.total).toBe((await events(hub, captureId, cookie, { filter: 'args~foo' })).total);
  });

  it('records from now, renames, deletes, and stops with the run', async () => {
    h = await hubWithAgents(['node-a']);
    const { hub, cookie, agents } = h;
    const runId = await (await import('../hubTestKit.ts')).createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    await waitFor('startRun', () => agents[0]?.startRuns().includes(runId));
    agents[0]?.status(runId);
    agents[0]?.events(runId, 1, [synthEvent(0, 'node-a')]);
    await waitFor('first event', () => hub.runs.get(runId).events === 1);
    const rec = await api(hub, 'POST', `/api/runs/${runId}/record`, { cookie, body: { from: 'now' } });
    expect(rec.status).toBe(201);
    const id = (rec.body as { capture: { id: string } }).capture.id;
    agents[0]?.events(runId, 2, [synthEvent(1, 'node-a'), synthEvent(2, 'node-a')]);
    await waitFor('events', () => hub.runs.get(runId).events === 3);
    await api(hub, 'DELETE', `/api/runs/${runId}`, { cookie });
    await waitFor('capture complete', async () => (await getCapture(hub, id, { cookie })).capture.state === 'complete');
    const detail = await getCapture(hub, id, { cookie });
    expect(detail.capture.events).toBe(2);
    expect(detail.meta.eventsBeforeStart).toBe(1);

    expect((await api(hub, 'PATCH', `/api/captures/${id}`, { cookie, body: { name: 'renamed' } })).status).toBe(200);
    expect((await getCapture(hub, id, { cookie })).capture.name).toBe('renamed');
    expect((await api(hub, 'PATCH', `/api/captures/${id}`, { cookie, body: { name: '' } })).status).toBe(400);
    expect((await api(hub, 'DELETE', `/api/captures/${id}`, { cookie })).status).toBe(200);
    expect((await api(hub, 'GET', `/api/captures/${id}`, { cookie })).status).toBe(404);
  });

  it('starts a timed capture that stops itself and its run', async () => {
    h = await hubWithAgents(['node-a']);
    const { hub, cookie, agents } = h;
    const res = await api(hub, 'POST', '/api/captures', { cookie, body: { request: { gadget: 'trace_exec', target: {} }, durationSec: 1, name: 'timed' } });
    expect(res.status).toBe(201);
    const { capture, run } = res.body as { capture: { id: string }; run: { id: string } };
    await waitFor('startRun', () => agents[0]?.startRuns().includes(run.id));
    agents[0]?.status(run.id);
    agents[0]?.events(run.id, 1, [synthEvent(0, 'node-a'), synthEvent(1, 'node-a')]);
    await waitFor('capture complete', async () => (await getCapture(hub, capture.id, { cookie })).capture.state === 'complete');
    expect((await getCapture(hub, capture.id, { cookie })).capture.events).toBe(2);
    await waitFor('run stopped', () => hub.runs.get(run.id).state === 'stopped');
    expect(agents[0]?.received.some((m) => m.type === 'stopRun' && m.runId === run.id)).toBe(true);
  });

  it('ends a timed capture and its run at the duration even while a browser watches the run', async () => {
    h = await hubWithAgents(['node-a']);
    const { hub, cookie, agents } = h;
    const res = await api(hub, 'POST', '/api/captures', { cookie, body: { request: { gadget: 'trace_exec', target: {} }, durationSec: 1, name: 'watched' } });
    expect(res.status).toBe(201);
    const { capture, run } = res.body as { capture: { id: string }; run: { id: string } };
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(run.id);
    await waitFor('startRun', () => agents[0]?.startRuns().includes(run.id));
    agents[0]?.status(run.id);
    agents[0]?.events(run.id, 1, [synthEvent(0, 'node-a')]);
    await waitFor('capture complete', async () => (await getCapture(hub, capture.id, { cookie })).capture.state === 'complete');
    await waitFor('run stopped', () => hub.runs.get(run.id).state === 'stopped');
    expect(agents[0]?.received.some((m) => m.type === 'stopRun' && m.runId === run.id)).toBe(true);
    expect((await getCapture(hub, capture.id, { cookie })).capture.events).toBe(1);
    await browser.close();
  });
});

describe('replay', () => {
  it('plays a capture into a pseudo-run that a browser subscribes to like any run, with pause and seek', async () => {
    h = await hubWithAgents(['node-a', 'node-b']);
    const { hub, cookie } = h;
    const { captureId, total } = await recordedCapture(h, 500);
    const res = await api(hub, 'POST', `/api/captures/${captureId}/replay`, { cookie, body: { speed: 'max' } });
    expect(res.status).toBe(201);
    const { run, replay } = ReplayResponse.parse(res.body);
    expect(run).toMatchObject({ replayOf: captureId, state: 'running', request: { gadget: 'trace_exec' } });
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(run.id);
    await waitFor('all replayed events', () => browser.events(run.id).length === total);
    expect(browser.events(run.id)[0]).toEqual(synthEvent(0, 'node-a', 0));
    // Everything has played: the pseudo-run ends, and its status still says so.
    await waitFor('replay run ended', () => hub.runs.get(run.id).state === 'stopped');
    const ended = ReplayResponse.parse((await api(hub, 'GET', `/api/replays/${replay.runId}`, { cookie })).body);
    expect(ended.replay).toMatchObject({ done: true, played: total });
    expect(ended.run.state).toBe('stopped');
    expect((await api(hub, 'POST', `/api/replays/${run.id}/control`, { cookie, body: { action: 'seek', position: ended.replay.firstNs } })).status).toBe(409);

    // A second replay, paused and moved to the last event before anyone watches: it plays just that one, then ends.
    const second = ReplayResponse.parse((await api(hub, 'POST', `/api/captures/${captureId}/replay`, { cookie, body: { speed: 1 } })).body);
    const paused = ReplayResponse.parse((await api(hub, 'POST', `/api/replays/${second.run.id}/control`, { cookie, body: { action: 'pause' } })).body);
    expect(paused.replay.paused).toBe(true);
    expect((await api(hub, 'POST', `/api/replays/${second.run.id}/control`, { cookie, body: { action: 'seek', position: ended.replay.lastNs } })).status).toBe(200);
    expect((await api(hub, 'POST', `/api/replays/${second.run.id}/control`, { cookie, body: { action: 'jump' } })).status).toBe(400);
    await browser.subscribe(second.run.id);
    expect((await api(hub, 'POST', `/api/replays/${second.run.id}/control`, { cookie, body: { action: 'resume' } })).status).toBe(200);
    await waitFor('second replay ended', () => hub.runs.get(second.run.id).state === 'stopped');
    await waitFor('the last event', () => browser.events(second.run.id).length === 1);
    expect(browser.events(second.run.id)[0]?.timestamp).toBe(ended.replay.lastNs);
    await browser.close();
  });
});
