import { expect, test } from '../support/fixtures.ts';
import { execInContainer, removeContainer, startPodContainer, type PodContainer } from '../support/podman.ts';

// Issue 3 in the browser: a typed filter narrows the live table, a cell click adds a clause, and the URL
// carries filter and columns across a reload.
const target = { namespace: 'filters', pod: 'app-1', container: 'app' } as const;
let ctr: PodContainer | undefined;

test.beforeAll(async ({ hubApi }) => {
  ctr = await startPodContainer(target);
  await hubApi.waitForPod(target.namespace, target.pod);
});

test.afterAll(async () => {
  if (ctr) await removeContainer(ctr.name);
});

async function makeActivity(name: string): Promise<void> {
  // By path, so each is a real exec (busybox sh would run a bare applet name without one).
  await execInContainer(name, ['/bin/ls', '/']);
  await execInContainer(name, ['/bin/cat', '/etc/hostname']);
  await execInContainer(name, ['/bin/echo', 'hello, world']);
}

test('typing a filter narrows the table, a cell click adds one, and a reload restores filter and columns', async ({ loggedIn: live, page }) => {
  if (!ctr) throw new Error('the test container did not start');
  await live.pickPod(target.namespace, target.pod);
  await live.chooseGadget('trace_exec');
  await live.startRun();
  await expect(live.runState).toHaveText(/running/i);

  await makeActivity(ctr.name);
  await expect(live.rowsWith({ 'proc.comm': 'ls' }).first()).toBeVisible();
  await expect(live.rowsWith({ 'proc.comm': 'cat' }).first()).toBeVisible();
  await expect(live.rowsWith({ 'proc.comm': 'echo' }).first()).toBeVisible();

  // A typed filter keeps only matching rows.
  await live.filterView('proc.comm==cat');
  await expect.poll(() => live.columnValues('proc.comm')).toEqual(['cat']);

  // A malformed filter names the character at fault and keeps the rows.
  await live.filterView('proc.comm==cat,argz~x');
  const error = page.locator('[data-testid="filter-error"][data-filter="table-filter"]');
  await expect(error).toContainText('unknown field "argz"');
  await expect(error).toHaveAttribute('data-position', '15');

  // Clicking a cell adds `field==value`.
  await live.filterView('');
  await expect.poll(async () => (await live.columnValues('proc.comm')).length).toBeGreaterThanOrEqual(3);
  await live.rowsWith({ 'proc.comm': 'echo' }).first().locator('[data-field="args"]').click();
  await expect(live.tableFilter).toHaveValue('args=="/bin/echo hello, world"');
  await expect.poll(() => live.columnValues('proc.comm')).toEqual(['echo']);

  // Columns in IG's --fields form, then a reload of the URL.
  await live.setColumns('k8s.podName,proc.comm,args');
  await expect(live.headerCells).toHaveCount(3);
  await expect(page).toHaveURL(/filter=/);
  await page.reload();
  await expect(live.tableFilter).toHaveValue('args=="/bin/echo hello, world"');
  await expect.poll(() => live.headerFields()).toEqual(['k8s.podName', 'proc.comm', 'args']);

  // The restored view filter applies to what arrives after the reload.
  await expect(live.runState).toHaveText(/running/i);
  await makeActivity(ctr.name);
  await expect(live.rowsWith({ 'proc.comm': 'echo' }).first()).toBeVisible();
  await expect.poll(() => live.columnValues('proc.comm')).toEqual(['echo']);

  await live.stopRun();
});
