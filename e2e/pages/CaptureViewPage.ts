import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** One capture: header, losses, timeline, paged events table, row detail, share dialog, export. */
export class CaptureViewPage {
  readonly root: Locator;
  readonly state: Locator;
  readonly eventCount: Locator;
  readonly losses: Locator;
  readonly timeline: Locator;
  readonly total: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly filter: Locator;
  readonly detail: Locator;
  readonly shareError: Locator;
  readonly sharedBadge: Locator;
  readonly shareLink: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('capture-view');
    this.state = page.getByTestId('capture-state');
    this.eventCount = page.getByTestId('capture-event-count');
    this.losses = page.getByTestId('capture-losses');
    this.timeline = page.getByTestId('capture-timeline');
    this.total = page.getByTestId('capture-total');
    this.table = page.getByTestId('events-table');
    this.rows = page.getByTestId('event-row');
    this.filter = page.getByTestId('table-filter');
    this.detail = page.getByTestId('row-detail');
    this.shareError = page.getByTestId('share-error');
    this.sharedBadge = page.getByTestId('shared-badge');
    this.shareLink = page.getByTestId('share-link');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.root).toBeVisible();
  }

  /** Matching rows according to the hub (the footer's total). */
  async totalCount(): Promise<number> {
    await expect(this.total).not.toHaveAttribute('data-value', '');
    return Number(await this.total.getAttribute('data-value'));
  }

  /** Scrolls the table to its last row (pages are fetched as the viewport moves). */
  async scrollToEnd(): Promise<void> {
    await this.table.hover();
    await this.page.mouse.wheel(0, 10_000_000);
  }

  async filterBy(text: string): Promise<void> {
    await this.filter.fill(text);
    await this.filter.press('Enter');
    await expect(this.page).toHaveURL(/filter=/);
  }

  async columnValues(field: string): Promise<string[]> {
    return (await this.rows.locator(`[data-field="${field}"]`).allTextContents()).map((t) => t.trim());
  }

  async selectRow(row: Locator): Promise<void> {
    await row.getByTestId('row-select').click();
    await expect(this.detail).toBeVisible();
  }

  selectedRow(): Locator {
    return this.page.locator('[data-testid="event-row"][aria-selected="true"]');
  }

  /** Opens the share dialog, makes a link and returns it. */
  async createShareLink(): Promise<string> {
    await this.page.getByTestId('share-open').click();
    // A payload-bearing capture asks first.
    const ack = this.page.getByTestId('share-payload-ack');
    if (await ack.isVisible()) {
      await expect(this.page.getByTestId('share-create')).toBeDisabled();
      await ack.check();
    }
    await this.page.getByTestId('share-create').click();
    await expect(this.shareLink).toHaveValue(/share=/);
    return this.shareLink.inputValue();
  }

  async revokeShares(): Promise<void> {
    const dialog = this.page.getByTestId('share-dialog');
    if (!(await dialog.isVisible())) await this.page.getByTestId('share-open').click();
    const revoke = dialog.getByTestId('share-revoke');
    while ((await revoke.count()) > 0) {
      const before = await revoke.count();
      await revoke.first().click();
      await expect(revoke).toHaveCount(before - 1);
    }
    await this.page.getByTestId('share-close').click();
  }

  async export(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('capture-export').click();
    return download;
  }
}
