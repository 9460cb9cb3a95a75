import {
  AuditResponse,
  CaptureCreatedResponse,
  CaptureStreamOpsResponse,
  CaptureStreamsResponse,
  ErrorResponse,
  RunResponse,
  base64ToBytes,
  latin1Text,
  type IoStreamSummary,
} from '@podscope/protocol';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { CaptureViewPage } from '../pages/CaptureViewPage.ts';
import { IoStreamsPage } from '../pages/IoStreamsPage.ts';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';
import { BACKEND_ADDR, BACKEND_PORT, BALANCER_ADDR, CLIENT_ADDR, SEED_NAMESPACE, startSeedScenario, type SeedScenario } from '../support/seedScenario.ts';

// Seed 001 (the 502 hunt) in the browser: a timed trace_io capture of the balancer pod at snaplen 256, saved,
// reopened, and read as I/O streams grouped by the hub.

/** The seed's capture: 30 s of the balancer pod. */
const CAPTURE_SECONDS = 30;
let scenario: SeedScenario | undefined;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ hubApi }) => {
  scenario = await startSeedScenario();
  await hubApi.waitForPod(SEED_NAMESPACE, scenario.balancerPod);
});

test.afterAll(async () => {
  await scenario?.stop();
});

const backendFd = new RegExp(`->${BACKEND_ADDR.replace(/\./g, '\\.')}:${BACKEND_PORT}$`);
const clientFd = new RegExp(`^${BALANCER_ADDR.replace(/\./g, '\\.')}:80->${CLIENT_ADDR.replace(/\./g, '\\.')}:\\d+$`);
const dataOf = (data: unknown): string => latin1Text(base64ToBytes(typeof data === 'string' ? data : ''));

async function opsText(api: APIRequestContext, base: string, captureId: string, stream: IoStreamSummary): Promise<string> {
  const res = await api.get(`${base}/api/captures/${encodeURIComponent(captureId)}/streams/ops?key=${encodeURIComponent(stream.key)}&limit=5000`);
  expect(res.status()).toBe(200);
  return CaptureStreamOpsResponse.parse(await res.json()).ops.map((o) => dataOf(o.event['data'])).join('');
}

test('seed 001: a timed trace_io capture of the balancer shows the malformed header from the backend and the 502 to the client', async ({ loggedIn: live, page, stack }) => {
  test.setTimeout(150_000);
  if (scenario === undefined) throw new Error('the seed scenario did not start');
  const seed = scenario;

  // The API refuses a snaplen the gadget cannot do (a 30 s capture is accepted and stopped at once here).
  const request = { gadget: 'trace_io', target: { namespaces: [SEED_NAMESPACE], podName: seed.balancerPod }, params: { snaplen: 256 } };
  const thirty = await page.request.post(`${stack.url}/api/captures`, { data: { request, durationSec: 30, name: 'seed-001-api' } });
  expect(thirty.status()).toBe(201);
  const thirtyId = CaptureCreatedResponse.parse(await thirty.json()).capture.id;
  expect((await page.request.post(`${stack.url}/api/captures/${thirtyId}/stop`)).status()).toBe(200);
  expect((await page.request.delete(`${stack.url}/api/captures/${thirtyId}`)).status()).toBe(200);
  const tooBig = await page.request.post(`${stack.url}/api/captures`, { data: { request: { ...request, params: { snaplen: 100_000 } }, durationSec: 30 } });
  expect(tooBig.status()).toBe(400);
  expect(ErrorResponse.parse(await tooBig.json()).error).toMatchObject({ code: 'bad_param' });

  // trace_tcp on the same pod alongside, to jump from its connections to their I/O streams.
  const tcp = await page.request.post(`${stack.url}/api/captures`, {
    data: { request: { gadget: 'trace_tcp', target: request.target }, durationSec: CAPTURE_SECONDS + 5, name: 'seed-001-tcp' },
  });
  expect(tcp.status()).toBe(201);
  const tcpCreated = CaptureCreatedResponse.parse(await tcp.json());
  const tcpId = tcpCreated.capture.id;
  await expect.poll(async () => RunResponse.parse(await (await page.request.get(`${stack.url}/api/runs/${tcpCreated.run?.id ?? ''}`)).json()).run.state).toBe('running');

  // In the browser: the balancer pod, trace_io at snaplen 256, as a timed capture.
  await live.pickPod(SEED_NAMESPACE, seed.balancerPod);
  await live.chooseGadget('trace_io');
  await page.getByTestId('param-snaplen').fill('256');
  await page.getByTestId('record-name').fill('seed-001');
  await page.getByTestId('capture-duration').fill(String(CAPTURE_SECONDS));
  await page.getByTestId('capture-start').click();
  await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'recording');
  await expect(live.runState).toHaveText(/running/i);
  // The client's requests while it records: bounded, each answered 502.
  for (let i = 0; i < 3; i++) expect(await seed.clientRequest()).toContain('502 Bad Gateway');
  await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'complete', { timeout: (CAPTURE_SECONDS + 20) * 1000 });
  const href = await page.getByTestId('record-link').getAttribute('href');
  const captureId = new URL(href ?? '', stack.url).searchParams.get('id') ?? '';
  expect(captureId).not.toBe('');

  // Reopened, through the API: the hub groups the saved capture's streams.
  const listed = await page.request.get(`${stack.url}/api/captures/${encodeURIComponent(captureId)}/streams?limit=5000`);
  expect(listed.status()).toBe(200);
  const { streams } = CaptureStreamsResponse.parse(await listed.json());
  const fromBackend = streams.filter((s) => backendFd.test(s.fdName) && s.pod === seed.balancerPod && s.comm === 'haproxy');
  const toClient = streams.filter((s) => clientFd.test(s.fdName) && s.pod === seed.balancerPod);
  expect(fromBackend.length).toBeGreaterThan(0);
  expect(toClient.length).toBeGreaterThan(0);
  expect(fromBackend.some((s) => s.bytesIn > 0 && s.httpFlags > 0)).toBe(true);
  expect((await Promise.all(fromBackend.map((s) => opsText(page.request, stack.url, captureId, s)))).join('')).toContain('text/plain: Content-type');
  expect((await Promise.all(toClient.map((s) => opsText(page.request, stack.url, captureId, s)))).join('')).toContain('502 Bad Gateway');

  // Reopened in the browser: the Streams tab.
  const view = new CaptureViewPage(page);
  await view.open(new URL(href ?? '', stack.url).toString());
  const io = new IoStreamsPage(page);
  await io.open();
  await expect(io.rowsWhere(backendFd).first()).toBeVisible();
  // A connection to the backend whose HTTP is flagged (each request opens its own).
  await page.locator('[data-testid="io-stream-row"]:not([data-http-flags="0"])').filter({ has: page.locator('td.mono', { hasText: backendFd }) }).first().click();
  await expect(io.stream).toBeVisible();
  await expect(io.stream.locator('.io-op-data').filter({ hasText: 'text/plain: Content-type' }).first()).toBeVisible();
  await expect(io.flags.filter({ hasText: 'text/plain: Content-type' }).first()).toHaveAttribute('data-kind', 'malformed-header');
  await io.search.fill('Content-type');
  await expect(io.searchCount).not.toHaveAttribute('data-count', '0');
  await page.screenshot({ path: join(artifactsDir, 'io-streams-backend.png'), fullPage: true });
  await io.closeStream();

  await io.openStream(clientFd);
  await expect(io.stream.locator('.io-op-data').filter({ hasText: '502 Bad Gateway' }).first()).toBeVisible();
  await expect(io.flags.filter({ hasText: '502' }).first()).toHaveAttribute('data-kind', 'server-error');
  await expect(io.ops.filter({ hasText: new RegExp(`^Write \\d+ B to ${CLIENT_ADDR.replace(/\./g, '\\.')}:\\d+ \\(${seed.balancerPod}, haproxy\\)`) }).first()).toBeVisible();
  await page.screenshot({ path: join(artifactsDir, 'io-streams-client.png'), fullPage: true });

  // The admin may ask for the bytes unmasked; the hub writes that view to the audit log.
  await page.getByTestId('io-unmask').check();
  await expect(io.stream.locator('.io-op-data').filter({ hasText: '502 Bad Gateway' }).first()).toBeVisible();
  await expect.poll(async () => {
    const audit = AuditResponse.parse(await (await page.request.get(`${stack.url}/api/audit?action=payload.unmask`)).json());
    return audit.entries.some((e) => e.user === stack.username && e.target === `capture:${captureId}/streams`);
  }).toBe(true);

  // From a trace_tcp row (haproxy's connect to the backend) to that connection's stream in the trace_io capture.
  expect((await page.request.post(`${stack.url}/api/captures/${tcpId}/stop`)).status()).toBe(200);
  await view.open(`${stack.url}/capture?id=${encodeURIComponent(tcpId)}&tab=events`);
  await view.filterBy(`type==connect,dst.port==${BACKEND_PORT}`);
  await view.selectRow(view.rows.first());
  await page.getByTestId('find-stream').click();
  await expect(page).toHaveURL(new RegExp(`[?&]id=${captureId}(&|$)`));
  await expect(io.stream).toBeVisible();
  await expect(io.stream).toHaveAttribute('data-fd-name', backendFd);
  await expect(io.stream.locator('.io-op-data').filter({ hasText: 'text/plain: Content-type' }).first()).toBeVisible();
});
