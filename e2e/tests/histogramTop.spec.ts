import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { HistogramPage } from '../pages/HistogramPage.ts';
import { TopPage, type TopRow } from '../pages/TopPage.ts';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';
import { execDetached, execInContainer, removeContainer, startPodContainer, type PodContainer } from '../support/podman.ts';

// The live views of the counted-in-the-kernel gadgets in real Chromium: a profile histogram and a top table.
const NS = 'noisy';

// Room for the chart with its numbers, and for the top table's columns, in the screenshots.
test.use({ viewport: { width: 1440, height: 1000 } });

async function setParam(page: Page, name: string, value: string): Promise<void> {
  await page.getByTestId(`param-${name}`).fill(value);
}

test.describe('profile_runqlat histogram', () => {
  const hogPods = ['hog-a', 'hog-b'] as const;
  // Bounded busy loops; both pods are pinned to CPU 0, so each keeps waiting for the other to give it up.
  const spin = ['timeout', '60', 'sh', '-c', 'while :; do :; done'];
  // bucket.lo is in µs: buckets from 1024 µs up hold waits of about a millisecond and more.
  const oneMs = 1024;
  let hogs: PodContainer[] = [];

  test.beforeAll(async ({ hubApi }) => {
    for (const pod of hogPods) hogs.push(await startPodContainer({ namespace: NS, pod, container: 'hog' }, { cpusetCpus: '0' }));
    for (const pod of hogPods) await hubApi.waitForPod(NS, pod);
  });

  test.afterAll(async () => {
    await Promise.all(hogs.map((h) => removeContainer(h.name)));
    hogs = [];
  });

  test('seed 004: two CPU hogs on one CPU each show a series with waits ≥ 1 ms', async ({ loggedIn: live, page }) => {
    test.setTimeout(120_000);
    await live.pickNamespace(NS);
    await live.chooseGadget('profile_runqlat');
    await setParam(page, 'map-fetch-interval', '500ms');
    await live.startRun();
    await expect(live.runError).toHaveCount(0);
    await expect(live.runState).toHaveText(/running/i);
    for (const h of hogs) await execDetached(h.name, spin);

    const hist = new HistogramPage(page);
    await hist.expectShown();
    const keys = hogPods.map((pod) => `${NS}/${pod}`);
    for (const key of keys) await expect(hist.seriesRow(key)).toBeVisible({ timeout: 30_000 });
    await hist.showBucketCounts();
    for (const key of keys) await expect.poll(() => hist.countAtLeast(key, oneMs), { timeout: 30_000 }).toBeGreaterThan(0);

    // Stopped, the view keeps the last interval, so every number read below is from the same data.
    await live.stopRun();
    // The chart draws one bar series per series row, and its legend names both pods.
    const legend = await hist.legendItems.allInnerTexts();
    for (const key of keys) expect(legend).toContain(key);
    await expect(hist.barSeries).toHaveCount(await hist.series.count());
    for (const key of keys) {
      const total = await hist.seriesTotal(key);
      const buckets = await hist.buckets(key);
      expect(total, `n of ${key}`).toBeGreaterThan(0);
      expect(buckets.reduce((n, b) => n + b.count, 0), `bucket counts of ${key} add up to its n`).toBe(total);
      expect(buckets.filter((b) => b.lo >= oneMs).reduce((n, b) => n + b.count, 0), `waits ≥ 1 ms of ${key}`).toBeGreaterThan(0);
      for (const b of buckets) expect(b.hi, 'log2 buckets').toBe(b.lo === 0 ? 1 : b.lo * 2);
      // The key picker names the same total: `ns/pod (n)`.
      const option = (await hist.keySelect.locator('option', { hasText: key }).textContent()) ?? '';
      expect(Number(/\(([^)]*)\)$/.exec(option)?.[1]?.replace(/\D/g, ''))).toBe(total);
    }
    await page.screenshot({ path: join(artifactsDir, 'histogram-runqlat.png'), fullPage: true });
  });
});

test.describe('top_file table', () => {
  const target = { namespace: NS, pod: 'writer-1', container: 'writer' } as const;
  const fileA = 'podscope-top-a';
  const fileB = 'podscope-top-b';
  const moreB = '/tmp/podscope-top-more';
  // One shell, so one row per file: 10 writes to A and 1 to B per pass; once `moreB` exists, 20 to B. Bounded to
  // 1200 passes of ≥ 50 ms. `[ -e ]` is a stat, not a read, so the switch adds no row.
  const writer = [
    `exec 3>>/tmp/${fileA} 4>>/tmp/${fileB}`,
    'i=0',
    'while [ $i -lt 1200 ]; do i=$((i+1)); nb=1; [ -e ' + moreB + ' ] && nb=20',
    'for j in 1 2 3 4 5 6 7 8 9 10; do echo 0123456789 >&3; done',
    'j=0; while [ $j -lt $nb ]; do j=$((j+1)); echo 0123456789 >&4; done',
    'sleep 0.05; done',
  ].join('; ');
  let ctr: PodContainer | undefined;

  const bytesOf = (text: string | undefined): number => {
    const m = /^([\d.]+) (B|KiB|MiB|GiB)$/.exec(text ?? '');
    if (m === null) throw new Error(`not a byte count: ${JSON.stringify(text)}`);
    return Number(m[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB'].indexOf(m[2] ?? 'B');
  };
  const writesOf = (row: TopRow | undefined): number => Number(row?.['writes']);
  const only = (rows: readonly TopRow[], file: string): TopRow => {
    const mine = rows.filter((r) => r['file'] === file);
    expect(mine, `rows of ${file}`).toHaveLength(1);
    return mine[0] as TopRow;
  };
  const indexOf = (rows: readonly TopRow[], file: string): number => rows.findIndex((r) => r['file'] === file);
  const expectNoDuplicates = (rows: readonly TopRow[]) => {
    const ids = rows.map((r) => `${r['proc.pid']} ${r['file']}`);
    expect(new Set(ids).size, `one row per process and file: ${ids.join(', ')}`).toBe(ids.length);
  };
  const ourFiles = (rows: readonly TopRow[]): string[] => [...new Set(rows.map((r) => r['file'] ?? ''))].filter((f) => f === fileA || f === fileB).sort();

  test.beforeAll(async ({ hubApi }) => {
    ctr = await startPodContainer(target);
    await hubApi.waitForPod(target.namespace, target.pod);
  });

  test.afterAll(async () => {
    if (ctr) await removeContainer(ctr.name);
  });

  test('top_file ranks the file written more first, re-sorts on a header click and updates in place', async ({ loggedIn: live, page }) => {
    test.setTimeout(120_000);
    if (!ctr) throw new Error('the writer container did not start');
    await live.pickPod(target.namespace, target.pod);
    await live.chooseGadget('top_file');
    await setParam(page, 'map-fetch-interval', '500ms');
    await live.startRun();
    await expect(live.runError).toHaveCount(0);
    await expect(live.runState).toHaveText(/running/i);
    await execDetached(ctr.name, ['sh', '-c', writer]);

    const top = new TopPage(page);
    await top.expectShown();
    await live.setColumns('k8s.podName,proc.comm,proc.pid,file,type,reads,writes,rbytes,wbytes');
    await expect.poll(async () => ourFiles(await top.readRows()), { timeout: 30_000 }).toEqual([fileA, fileB]);

    // Default sort (--sort -wbytes,-rbytes): the file written ten times as often comes first.
    await expect(top.header('wbytes')).toHaveAttribute('aria-sort', 'descending');
    const byDefault = await top.readRows();
    expectNoDuplicates(byDefault);
    const a1 = only(byDefault, fileA);
    const b1 = only(byDefault, fileB);
    expect(writesOf(b1)).toBeGreaterThan(0);
    expect(writesOf(a1)).toBeGreaterThan(writesOf(b1));
    expect(bytesOf(a1['wbytes'])).toBeGreaterThan(bytesOf(b1['wbytes']));
    expect(indexOf(byDefault, fileA)).toBeLessThan(indexOf(byDefault, fileB));
    const wbytes = byDefault.map((r) => bytesOf(r['wbytes']));
    expect(wbytes).toEqual([...wbytes].sort((x, y) => y - x));
    await page.screenshot({ path: join(artifactsDir, 'top-file.png'), fullPage: true });

    // A header click sorts by that column, ascending: now the file written less comes first.
    await top.header('writes').click();
    await expect(top.header('writes')).toHaveAttribute('aria-sort', 'ascending');
    await expect(top.header('wbytes')).toHaveAttribute('aria-sort', 'none');
    await expect.poll(async () => ourFiles(await top.readRows())).toEqual([fileA, fileB]);
    const byWrites = await top.readRows();
    expect(indexOf(byWrites, fileB)).toBeLessThan(indexOf(byWrites, fileA));
    const writes = byWrites.map(writesOf);
    expect(writes).toEqual([...writes].sort((x, y) => x - y));
    await page.screenshot({ path: join(artifactsDir, 'top-file-sorted.png'), fullPage: true });

    // Descending, then back to the run's --sort.
    await top.header('writes').click();
    await expect(top.header('writes')).toHaveAttribute('aria-sort', 'descending');
    await top.header('writes').click();
    await expect(top.header('wbytes')).toHaveAttribute('aria-sort', 'descending');

    // B's writes go up to twice A's: the same two rows take the new interval's values and swap places.
    const before = await top.intervalNumber();
    const bBefore = writesOf(only(await top.readRows(), fileB));
    await execInContainer(ctr.name, ['touch', moreB]);
    await expect
      .poll(
        async () => {
          const rows = await top.readRows();
          const a = rows.find((r) => r['file'] === fileA);
          const b = rows.find((r) => r['file'] === fileB);
          return a !== undefined && b !== undefined && writesOf(b) > writesOf(a) ? 'B written more' : 'not yet';
        },
        { timeout: 30_000 },
      )
      .toBe('B written more');
    expect(await top.intervalNumber()).toBeGreaterThan(before);
    const after = await top.readRows();
    expectNoDuplicates(after);
    expect(writesOf(only(after, fileB))).toBeGreaterThan(bBefore);
    expect(writesOf(only(after, fileB))).toBeGreaterThan(writesOf(only(after, fileA)));
    expect(indexOf(after, fileB)).toBeLessThan(indexOf(after, fileA));

    await live.stopRun();
  });
});
