import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureCreatedResponse, CapturesResponse } from '@podscope/protocol';
import { ADMIN_PASSWORD, AGENT_TOKEN, TestAgent, api, container, createRun, login, startTestHub, waitFor, type TestHub } from '../hubTestKit.ts';
import { events, getCapture } from './captureTestKit.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let child: ChildProcess | undefined;
let restarted: TestHub | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await restarted?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  child = undefined;
  restarted = undefined;
  dataDir = undefined;
});

/** Starts `main.ts serve` in a child process and resolves with its URL. */
async function startChildHub(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PODSCOPE_PORT: '0',
      PODSCOPE_DATA_DIR: dir,
      PODSCOPE_WEB_DIR: path.join(dir, 'no-web'),
      PODSCOPE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PODSCOPE_AGENT_TOKEN: AGENT_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await waitFor('child hub listening', () => /listening on (http:\/\/\S+)/.exec(out)?.[1], 30_000);
  return { url, proc };
}

describe('crash safety', () => {
  it('keeps everything received up to ~1 s before a kill -9, and marks the capture interrupted on restart', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'podscope-crash-'));
    const started = await startChildHub(dataDir);
    child = started.proc;
    const hub = { url: started.url };
    const cookie = await login(hub);
    const agent = await TestAgent.connect(hub, 'node-a');
    agent.inventory([container('node-a', 'demo')]);
    await waitFor('inventory', async () => ((await api(hub, 'GET', '/api/inventory', { cookie })).body as { containers: unknown[] }).containers.length === 1);
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    await waitFor('startRun', () => agent.startRuns().includes(runId));
    agent.status(runId);
    const rec = await api(hub, 'POST', `/api/runs/${runId}/record`, { cookie, body: { from: 'now', name: 'crash' } });
    expect(rec.status).toBe(201);
    const captureId = CaptureCreatedResponse.parse(rec.body).capture.id;

    // A steady 2,500 events/s for 3 s, then kill -9 while still sending.
    const sent: { at: number; total: number }[] = [];
    let total = 0;
    let seq = 1;
    const startedAt = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const batch = Array.from({ length: 50 }, (_, j) => ({
          timestamp: Date.now() * 1e6 + j,
          'k8s.node': 'node-a',
          'proc.comm': 'dd',
          'proc.pid': total + j,
          args: `event ${total + j}`,
        }));
        agent.events(runId, seq++, batch);
        total += batch.length;
        sent.push({ at: Date.now(), total });
        if (Date.now() - startedAt >= 3_000) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    await agent.close().catch(() => undefined);
    const mustHave = [...sent].reverse().find((s) => s.at <= killedAt - 1_000)?.total ?? 0;
    expect(mustHave).toBeGreaterThan(4_000);

    restarted = await startTestHub({}, {}, { dataDir });
    const cookie2 = await login(restarted);
    const list = CapturesResponse.parse((await api(restarted, 'GET', '/api/captures', { cookie: cookie2 })).body).captures;
    expect(list.map((c) => [c.id, c.state])).toEqual([[captureId, 'interrupted']]);
    const detail = await getCapture(restarted, captureId, { cookie: cookie2 });
    expect(detail.capture.events).toBeGreaterThanOrEqual(mustHave);
    expect(detail.capture.events).toBeLessThanOrEqual(total);
    expect(detail.meta.endedAt).toBe(Math.floor((detail.capture.lastNs ?? 0) / 1e6));
    const page = await events(restarted, captureId, cookie2, { sort: '-proc.pid', limit: 1 });
    expect(page.total).toBe(detail.capture.events);
    // No holes: the rows kept are a prefix of what was sent.
    expect(page.events[0]?.event['proc.pid']).toBe(detail.capture.events - 1);
  });
});
