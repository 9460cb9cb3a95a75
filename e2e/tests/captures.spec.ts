import { join } from 'node:path';
import { CaptureViewPage } from '../pages/CaptureViewPage.ts';
import { CapturesPage } from '../pages/CapturesPage.ts';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';
import { udpPcap } from '../support/pcapFile.ts';
import { execInContainer, removeContainer, startPodContainer, type PodContainer } from '../support/podman.ts';

// Issue 5 in the browser: record a live trace_exec run, open the capture, filter and select; share the exact
// view with a logged-out browser; revoke the link; export, import, and get the same counts.
const target = { namespace: 'captures', pod: 'rec-1', container: 'app' } as const;
let ctr: PodContainer | undefined;

test.describe('a recorded trace_exec run', () => {
  test.beforeAll(async ({ hubApi }) => {
    ctr = await startPodContainer(target);
    await hubApi.waitForPod(target.namespace, target.pod);
  });

  test.afterAll(async () => {
    if (ctr) await removeContainer(ctr.name);
  });

  test('record a run, open, filter and select; share the view logged out; revoke; export and import with identical counts', async ({ loggedIn: live, page, browser, stack, hubApi }) => {
    test.setTimeout(120_000);
    if (!ctr) throw new Error('the test container did not start');
    await live.pickPod(target.namespace, target.pod);
    await live.chooseGadget('trace_exec');
    await live.startRun();
    await expect(live.runState).toHaveText(/running/i);

    // Record from the run's start, then make activity.
    await page.getByTestId('record-name').fill('e2e-capture');
    await page.getByTestId('record-start').click();
    await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'recording');
    await execInContainer(ctr.name, ['/bin/ls', '/']);
    await execInContainer(ctr.name, ['/bin/cat', '/etc/hostname']);
    await execInContainer(ctr.name, ['/bin/echo', 'hello, capture']);
    await expect(live.rowsWith({ 'proc.comm': 'echo' }).first()).toBeVisible();
    await live.stopRun();
    await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'complete');
    const captureHref = await page.getByTestId('record-link').getAttribute('href');
    const captureId = new URL(captureHref ?? '', stack.url).searchParams.get('id');
    expect(captureId).not.toBeNull();

    // Open it from the captures page.
    const captures = new CapturesPage(page, stack.url);
    await captures.open();
    await expect(captures.row(captureId ?? '')).toHaveAttribute('data-state', 'complete');
    await captures.openCapture(captureId ?? '');
    const view = new CaptureViewPage(page);
    await expect(view.state).toHaveText('complete');
    await expect(view.losses).toBeVisible();
    await expect(view.timeline).toBeVisible();
    const allEvents = await view.totalCount();
    expect(allEvents).toBeGreaterThanOrEqual(3);
    await expect(view.eventCount).toHaveAttribute('data-value', String(allEvents));

    // An overview entry is one click from the filtered table.
    await page.getByTestId('view-tab-overview').click();
    await page.getByTestId('overview-tile-pod').locator(`[data-key="${target.namespace}/${target.pod}"]`).click();
    await expect(view.filter).toHaveValue(`k8s.namespace==${target.namespace},k8s.podName==${target.pod}`);
    await expect.poll(() => view.totalCount()).toBeGreaterThanOrEqual(3);

    // Filter on the hub, then select a row.
    await view.filterBy(`k8s.podName==${target.pod},proc.comm==cat`);
    await expect.poll(() => view.columnValues('proc.comm')).toEqual(['cat']);
    expect(await view.totalCount()).toBe(1);
    const catRow = view.rows.first();
    await view.selectRow(catRow);
    await expect(view.detail.locator('[data-field="args"]')).toContainText('/bin/cat /etc/hostname');
    await expect(page).toHaveURL(/row=\d+/);
    const senderRows = await view.columnValues('args');
    await page.screenshot({ path: join(artifactsDir, 'capture-view.png'), fullPage: true });

    // Share the exact view with a logged-out browser.
    const link = await view.createShareLink();
    expect(link).toContain('filter=');
    expect(link).toContain('row=');
    const guest = await browser.newContext();
    try {
      const guestPage = await guest.newPage();
      const guestView = new CaptureViewPage(guestPage);
      await guestView.open(link);
      await expect(guestView.sharedBadge).toBeVisible();
      await expect(guestPage).not.toHaveURL(/\/login/);
      await expect(guestView.filter).toHaveValue(`k8s.podName==${target.pod},proc.comm==cat`);
      await expect.poll(() => guestView.columnValues('args')).toEqual(senderRows);
      await expect(guestView.selectedRow()).toHaveCount(1);
      await expect(guestView.detail.locator('[data-field="args"]')).toContainText('/bin/cat /etc/hostname');
      await guestPage.screenshot({ path: join(artifactsDir, 'capture-shared.png'), fullPage: true });

      // A revoked link is refused with a clear message, not a login page.
      await view.revokeShares();
      await guestPage.reload();
      await expect(guestView.shareError).toBeVisible();
      await expect(guestView.shareError).toContainText(/expired or was revoked/);
      await expect(guestView.rows).toHaveCount(0);

      // A link past its expiry is refused the same way (a one-second link, opened until it has lapsed).
      const shortLived = await hubApi.createShare(captureId ?? '', 1);
      await expect(async () => {
        await guestPage.goto(`${stack.url}/capture?id=${encodeURIComponent(captureId ?? '')}&share=${encodeURIComponent(shortLived)}`);
        await expect(guestView.shareError).toContainText(/expired/, { timeout: 2000 });
      }).toPass({ timeout: 20_000 });
      await expect(guestView.rows).toHaveCount(0);
    } finally {
      await guest.close();
    }

    // Export the signed file, import it, and it opens with identical counts.
    const download = await view.export();
    const file = join(artifactsDir, `${captureId ?? 'capture'}.podscope`);
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/\.podscope$/);
    await captures.open();
    await captures.importFile(file);
    const importedId = await captures.importedId();
    expect(importedId).not.toBe(captureId);
    await captures.openCapture(importedId);
    expect(await view.totalCount()).toBe(allEvents);
    await expect(view.eventCount).toHaveAttribute('data-value', String(allEvents));
    await view.filterBy(`k8s.podName==${target.pod},proc.comm==cat`);
    await expect.poll(() => view.columnValues('args')).toEqual(senderRows);
  });

  test('a timed capture (like kubectl capture -M) starts its own run, records it and completes on its own', async ({ loggedIn: live, page, stack }) => {
    if (!ctr) throw new Error('the test container did not start');
    await live.pickPod(target.namespace, target.pod);
    await live.chooseGadget('trace_exec');
    await page.getByTestId('record-name').fill('e2e-timed');
    await page.getByTestId('capture-duration').fill('4');
    await page.getByTestId('capture-start').click();
    await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'recording');
    await expect(live.runState).toHaveText(/running/i);
    await execInContainer(ctr.name, ['/bin/echo', 'timed']);
    await expect(page.getByTestId('record-status')).toHaveAttribute('data-state', 'complete', { timeout: 20_000 });
    await expect(live.runState).toHaveText(/stopped/i);

    const href = await page.getByTestId('record-link').getAttribute('href');
    const view = new CaptureViewPage(page);
    await view.open(new URL(href ?? '', stack.url).toString());
    await view.filterBy('proc.comm==echo');
    await expect.poll(() => view.columnValues('args')).toEqual(['/bin/echo timed']);
  });
});

test('a Wireshark pcap imports and pages through every row; its share link is read-only and refused once revoked', async ({ loggedIn: _live, page, browser, stack }) => {
  const captures = new CapturesPage(page, stack.url);
  await captures.open();
  await captures.importFile({ name: `udp-${Date.now()}.pcap`, buffer: udpPcap(2000) });
  const id = await captures.importedId();
  await captures.openCapture(id);
  const view = new CaptureViewPage(page);
  expect(await view.totalCount()).toBe(2000);
  await expect(page.getByTestId('capture-payload')).toBeVisible();

  // Virtualized: only the rows on screen are in the DOM, however many the capture holds.
  await expect(view.rows.first()).toBeVisible();
  expect(await view.rows.count()).toBeLessThan(150);

  // No row cap: the last of 2,000 rows (page 4 of 500) is reachable by scrolling.
  await view.scrollToEnd();
  await expect(page.locator('[data-testid="event-row"][data-index="1999"] [data-field="len"]')).toBeVisible();

  // Sorting is the hub's: a header click puts the longest packets (`hello 1000` …, 52 bytes) first.
  await view.table.locator('thead th[data-field="len"]').click();
  await view.table.locator('thead th[data-field="len"]').click();
  await expect(page).toHaveURL(/sort=-len/);
  await expect.poll(async () => (await view.columnValues('len'))[0]).toBe('52 B');

  // The overview counts the whole capture; a gadget entry (no filter field) leads back to the table.
  await page.getByTestId('view-tab-overview').click();
  await expect(page.getByTestId('overview-tile-gadget').getByTestId('overview-item')).toHaveAttribute('data-key', 'tcpdump');
  await page.getByTestId('overview-tile-gadget').getByTestId('overview-item').first().click();
  await expect(view.table).toBeVisible();

  // Brushing the timeline narrows every query to the time range, and the URL keeps it.
  const chart = page.locator('.timeline-chart');
  const box = await chart.boundingBox();
  if (box === null) throw new Error('no timeline chart');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=\d+&to=\d+/);
  await expect.poll(() => view.totalCount()).toBeLessThan(2000);
  expect(await view.totalCount()).toBeGreaterThan(0);
  await page.getByTestId('timeline-clear').click();
  await expect.poll(() => view.totalCount()).toBe(2000);

  // `hello 10` … `hello 99` are the 90 packets of 50 bytes.
  await view.filterBy('len==50');
  expect(await view.totalCount()).toBe(90);
  await view.selectRow(view.rows.nth(3));
  const selectedId = await view.selectedRow().getAttribute('data-row-id');
  const link = await view.createShareLink();
  const guest = await browser.newContext();
  try {
    const guestPage = await guest.newPage();
    const guestView = new CaptureViewPage(guestPage);
    await guestView.open(link);
    await expect(guestView.sharedBadge).toBeVisible();
    expect(await guestView.totalCount()).toBe(90);
    await expect(guestView.selectedRow()).toHaveAttribute('data-row-id', selectedId ?? '');
    await expect(guestPage.getByTestId('share-open')).toHaveCount(0);
    await view.revokeShares();
    await guestPage.reload();
    await expect(guestView.shareError).toContainText(/expired or was revoked/);
  } finally {
    await guest.close();
  }
});

test('a bad import file is refused with the hub’s message; rename, search, delete and retention work', async ({ loggedIn: _live, page, stack }) => {
  const captures = new CapturesPage(page, stack.url);
  await captures.open();
  await captures.importFile({ name: 'small.pcap', buffer: udpPcap(10) });
  const id = await captures.importedId();

  await captures.importFile({ name: 'garbage.podscope', buffer: Buffer.from('this is not a capture file at all\n'.repeat(20)) });
  await expect(captures.importError).toBeVisible();
  await expect(captures.importError).not.toHaveText(/HTTP \d+/);
  await expect(captures.importResult).toHaveCount(0);

  const name = `renamed-${Date.now()}`;
  await captures.rename(id, name);
  await captures.search.fill(name);
  await expect(captures.rows).toHaveCount(1);
  await captures.delete(id);
  await expect(captures.rows).toHaveCount(0);
  await captures.search.fill('');

  await captures.retentionMaxAge.fill('30');
  await captures.retentionMaxSize.fill('10240');
  await captures.retentionSave.click();
  await expect(captures.retentionStatus).toContainText('Saved');
});

test('a capture replays into the live view at 1×, pauses, seeks and finishes at max speed', async ({ loggedIn: live, page, stack }) => {
  const captures = new CapturesPage(page, stack.url);
  await captures.open();
  await captures.importFile({ name: `replay-${Date.now()}.pcap`, buffer: udpPcap(500) });
  const id = await captures.importedId();
  await captures.openCapture(id);

  await page.getByTestId('replay-speed').selectOption('1');
  await page.getByTestId('replay-start').click();
  await expect(page).toHaveURL(/[?&]run=/);
  const status = page.getByTestId('replay-status');
  await expect(page.getByTestId('replay-controls')).toBeVisible();
  await expect(live.rows.first()).toBeVisible();

  await page.getByTestId('replay-pause').click();
  await expect(status).toContainText('paused');
  const played = Number(await status.getAttribute('data-played'));
  await page.waitForTimeout(1500);
  expect(Number(await status.getAttribute('data-played'))).toBe(played);

  // Seek to the middle, then play the rest as fast as possible.
  const scrubber = page.getByTestId('replay-position');
  await scrubber.focus();
  await scrubber.fill('500');
  await scrubber.press('ArrowRight');
  await page.getByTestId('replay-speed').selectOption('max');
  await page.getByTestId('replay-pause').click();
  await expect(status).toHaveAttribute('data-done', 'true');
});
