import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';

// A snapshot with many rows in real Chromium: only the rows in view are in the DOM, and scrolling reaches the
// last one — no row cap. 600 sleeping processes (bounded, killed afterwards) make the host's process list long.
const SLEEPERS = 600;
let sleepers: ChildProcess[] = [];

test.beforeAll(() => {
  sleepers = Array.from({ length: SLEEPERS }, () => spawn('sleep', ['300'], { stdio: 'ignore' }));
});

test.afterAll(() => {
  for (const p of sleepers) p.kill('SIGKILL');
  sleepers = [];
});

test('snapshot_process of the host lists every process in a virtualized table', async ({ loggedIn: live, page }) => {
  await page.getByTestId('target-host').check();
  await live.chooseGadget('snapshot_process');
  await live.startRun();
  await expect(page.getByTestId('snapshot-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

  const scroll = page.getByTestId('snapshot-table-scroll');
  const total = Number(await scroll.getAttribute('data-rows'));
  expect(total).toBeGreaterThan(SLEEPERS);
  const rows = page.getByTestId('snapshot-table-row');
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(total / 3);
  await page.screenshot({ path: join(artifactsDir, 'snapshot-process.png'), fullPage: true });

  // Scrolled to the end with the mouse wheel, the last row is there.
  await scroll.hover();
  await page.mouse.wheel(0, total * 40);
  await expect(page.locator(`[data-testid="snapshot-table-row"][data-index="${total - 1}"]`)).toBeVisible();
  await expect(page.locator('[data-testid="snapshot-table-row"][data-index="0"]')).toHaveCount(0);
});
