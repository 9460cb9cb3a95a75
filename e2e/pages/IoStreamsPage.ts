import { expect, type Locator, type Page } from '@playwright/test';

/** The Streams tab of a capture (or of a live trace_io run): the stream list and one open stream. */
export class IoStreamsPage {
  readonly tab: Locator;
  readonly rows: Locator;
  readonly stream: Locator;
  readonly back: Locator;
  readonly flags: Locator;
  readonly ops: Locator;
  readonly search: Locator;
  readonly searchCount: Locator;

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('view-tab-streams');
    this.rows = page.getByTestId('io-stream-row');
    this.stream = page.getByTestId('io-stream');
    this.back = page.getByTestId('io-stream-back');
    this.flags = page.getByTestId('io-http-flag');
    this.ops = page.getByTestId('io-op');
    this.search = page.getByTestId('io-search');
    this.searchCount = page.getByTestId('io-search-count');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.page.getByTestId('io-streams')).toBeVisible();
  }

  /** Stream rows whose fd name matches. */
  rowsWhere(fdName: RegExp): Locator {
    return this.rows.filter({ has: this.page.locator('td.mono', { hasText: fdName }) });
  }

  async openStream(fdName: RegExp): Promise<void> {
    await this.rowsWhere(fdName).first().click();
    await expect(this.stream).toBeVisible();
  }

  async closeStream(): Promise<void> {
    await this.back.click();
    await expect(this.stream).toHaveCount(0);
  }
}
