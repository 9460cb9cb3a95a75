import { expect, type Locator, type Page } from '@playwright/test';

/** One histogram bucket as the bucket-count table shows it: bounds and each series' count. */
export interface ShownBucket {
  lo: number;
  hi: number;
  count: number;
}

const countOf = (text: string): number => Number(text.replace(/[^\d]/g, ''));
const scale: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A bucket label as the chart's axis shows it (`512-1K`, `1K-2K`) → its bounds. */
function boundsOf(label: string): { lo: number; hi: number } {
  const m = /^(\d+)([KMG]?)-(\d+)([KMG]?)$/.exec(label);
  if (m === null) throw new Error(`not a bucket label: ${JSON.stringify(label)}`);
  return { lo: Number(m[1]) * (scale[m[2] ?? ''] ?? 1), hi: Number(m[3]) * (scale[m[4] ?? ''] ?? 1) };
}

/** The Histogram tab of a profile run: chart, per-series numbers (n, p50, p99) and the bucket-count table. */
export class HistogramPage {
  readonly view: Locator;
  readonly keySelect: Locator;
  readonly chart: Locator;
  readonly legendItems: Locator;
  readonly barSeries: Locator;
  readonly series: Locator;
  readonly bucketCounts: Locator;
  readonly bucketTable: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('histogram-view');
    this.keySelect = page.getByTestId('histogram-key');
    this.chart = page.getByTestId('histogram-chart');
    this.legendItems = this.chart.locator('.recharts-legend-item-text');
    this.barSeries = this.chart.locator('g.recharts-bar');
    this.series = page.getByTestId('histogram-series');
    this.bucketCounts = page.getByTestId('histogram-buckets');
    this.bucketTable = page.getByTestId('histogram-bucket-table');
  }

  async expectShown(): Promise<void> {
    await expect(this.view).toBeVisible();
  }

  /** The series row (n, p50, p99) of one key, e.g. `ns/pod`. */
  seriesRow(key: string): Locator {
    return this.page.locator(`[data-testid="histogram-series"][data-key="${key}"]`);
  }

  /** The n shown for a series. */
  async seriesTotal(key: string): Promise<number> {
    return countOf(await this.seriesRow(key).getByTestId('histogram-series-total').innerText());
  }

  /** Unfolds the bucket-count table under the chart. */
  async showBucketCounts(): Promise<void> {
    if ((await this.bucketCounts.getAttribute('open')) === null) await this.bucketCounts.locator('summary').click();
    await expect(this.bucketTable).toBeVisible();
  }

  /**
   * Every bucket of one series as the table shows it (zero-count gaps included). The whole table is read in one
   * call, so the numbers come from one render even while a run updates it.
   */
  async buckets(key: string): Promise<ShownBucket[]> {
    const [head, ...rows] = (await this.bucketTable.locator('tr').allInnerTexts()).map((t) => t.split('\t').map((c) => c.trim()));
    const column = head?.indexOf(key) ?? -1;
    if (column < 1) throw new Error(`no bucket-count column for ${key} in ${JSON.stringify(head)}`);
    return rows.map((cells) => ({ ...boundsOf(cells[0] ?? ''), count: countOf(cells[column] ?? '') }));
  }

  /** The summed count of one series' buckets that start at or above `lo`. */
  async countAtLeast(key: string, lo: number): Promise<number> {
    return (await this.buckets(key)).filter((b) => b.lo >= lo).reduce((n, b) => n + b.count, 0);
  }
}
