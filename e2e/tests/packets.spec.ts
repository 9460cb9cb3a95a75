import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';
import { createInternalNetwork, execInContainer, removeContainer, removeNetwork, startPodContainer, startWebServer, type PodContainer } from '../support/podman.ts';

const execFileAsync = promisify(execFile);

// Network safety: the only traffic is between two containers on a network this test creates with
// `--internal` (no route off the machine) and that network's own DNS (podman's aardvark-dns on its bridge),
// and it is removed afterwards.
const target = { namespace: 'network-debug', pod: 'mypod', container: 'mypod' } as const;
const body = 'hello-from-podscope-e2e';
let network: string | undefined;
let web: { name: string; ip: string } | undefined;
let pod: PodContainer | undefined;
const pcapngFile = join(artifactsDir, 'packets-e2e.pcapng');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ hubApi }) => {
  network = await createInternalNetwork();
  web = await startWebServer(network, body);
  pod = await startPodContainer(target, { network });
  await hubApi.waitForPod(target.namespace, target.pod);
});

test.afterAll(async () => {
  if (pod) await removeContainer(pod.name);
  if (web) await removeContainer(web.name);
  if (network) await removeNetwork(network);
});

test('tcpdump on network-debug/mypod: packet table, filters, detail with hex dump, .pcapng download, saved capture', async ({ loggedIn: live, page, stack }) => {
  test.setTimeout(120_000);
  if (!pod || !web) throw new Error('the test containers did not start');
  const ctr = pod;
  const server = web;
  // By name, so the pod asks the network's DNS first (seed 000: DNS, then the TCP handshake and HTTP).
  const url = `http://${web.name}/`;

  await live.pickPod(target.namespace, target.pod);
  await live.chooseGadget('tcpdump');
  await page.getByTestId('param-pf').fill('tcp port 80 or udp port 53');
  await live.startRun();
  await expect(live.runError).toHaveCount(0);
  await expect(live.runState).toHaveText(/running/i);

  // The table reads like tcpdump.
  expect(await live.headerFields()).toEqual(['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary']);

  const summaryRows = (text: RegExp) => live.rows.filter({ has: page.locator('[data-field="summary"]', { hasText: text }) });
  // The socket may attach a moment after the run reports running: fetch until the GET shows up.
  await expect(async () => {
    expect(await execInContainer(ctr.name, ['wget', '-q', '-O-', url])).toContain(body);
    await expect(summaryRows(/HTTP: GET \/ HTTP\/1\.[01]/).first()).toBeVisible({ timeout: 3000 });
    // Until both the lookup and the GET were seen: the first lookup may come before the socket is attached.
    await expect(summaryRows(new RegExp(`A\\? ${server.name}\\.`)).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(summaryRows(/Flags \[S\],/).first()).toBeVisible();
  // The A query for the server's name and its answer.
  await expect(summaryRows(new RegExp(`A\\? ${web.name}\\.`)).first()).toBeVisible();
  await expect(summaryRows(new RegExp(`A ${web.ip.replace(/\./g, '\\.')}`)).first()).toBeVisible();
  await live.filterView(`dns.name~^${web.name}`);
  // Queries and answers both carry the name; nothing else matches.
  await expect.poll(async () => {
    const protos = await live.columnValues('proto');
    return protos.length >= 2 && protos.every((p) => p === 'DNS');
  }).toBe(true);
  await live.filterView('');
  await expect(summaryRows(/HTTP\/1\.[01] 200/).first()).toBeVisible();

  // Filters on the decoded fields.
  await live.filterView('dst.port==80');
  await expect(summaryRows(/HTTP: GET/).first()).toBeVisible();
  await expect(summaryRows(/HTTP\/1\.[01] 200/)).toHaveCount(0);
  for (const dst of await live.columnValues('dst')) expect(dst).toMatch(/:80$/);
  await live.filterView('');

  // The detail pane of the GET: layers and the hex + ASCII dump.
  await summaryRows(/HTTP: GET/).first().getByTestId('row-select').click();
  const detail = page.getByTestId('packet-detail');
  await expect(detail).toBeVisible();
  await expect(page.getByTestId('packet-layers')).toContainText('TCP');
  await expect(page.getByTestId('packet-layers')).toContainText('HTTP');
  await expect(page.getByTestId('packet-layers')).toContainText(`→ ${web.ip}`);
  const hex = page.getByTestId('packet-hex');
  await expect(hex).toContainText(/^0000 {2}[0-9a-f]{2} /);
  await expect(hex).toContainText('0010');
  await expect(hex).toContainText('GET /');
  await page.screenshot({ path: join(artifactsDir, 'packets.png'), fullPage: true });
  await page.getByTestId('row-detail-close').click();

  // Download the run so far as pcap-ng (recorded from the run's start into a capture first).
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('pcapng-download').click()]);
  expect(download.suggestedFilename()).toMatch(/\.pcapng$/);
  await download.saveAs(pcapngFile);
  const captureId = /\/api\/captures\/([^/]+)\/export\.pcapng/.exec(download.url())?.[1];
  expect(captureId).toBeTruthy();
  const { stdout } = await execFileAsync('tcpdump', ['-nr', pcapngFile], { timeout: 30_000 });
  // One record per packet the page showed (at least the handshake, the GET and the 200).
  expect(stdout.trim().split('\n').length).toBeGreaterThanOrEqual(4);
  await live.stopRun();

  // The saved capture: same packet table, same detail pane, and the button downloads directly.
  await page.goto(`${stack.url}/capture?id=${encodeURIComponent(captureId ?? '')}`);
  await expect(page.getByTestId('capture-view')).toBeVisible();
  await page.getByTestId('view-tab-events').click();
  expect(await live.headerFields()).toEqual(['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary']);
  await live.filterView('dst.port==80');
  await summaryRows(/HTTP: GET/).first().getByTestId('row-select').click();
  await expect(page.getByTestId('packet-hex')).toContainText('GET /');
  const [again] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('pcapng-download').click()]);
  expect(again.suggestedFilename()).toMatch(/\.pcapng$/);
});

test('the downloaded .pcapng reads back in tcpdump with the SYN, the GET and the 200', async () => {
  const { stdout } = await execFileAsync('tcpdump', ['-nr', pcapngFile], { timeout: 30_000 });
  expect(stdout).toMatch(/Flags \[S\]/);
  expect(stdout).toMatch(/GET \/ HTTP\/1\.[01]/);
  expect(stdout).toMatch(/HTTP\/1\.[01] 200/);
});
