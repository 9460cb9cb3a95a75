import { expect, type Locator, type Page } from '@playwright/test';

/** One rendered row of the top table: cell text by field. */
export type TopRow = Record<string, string>;

/** The Top tab of a top run: the latest interval's rows, sorted, replaced in place every map fetch. */
export class TopPage {
  readonly view: Locator;
  readonly interval: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly headerCells: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('top-view');
    this.interval = page.getByTestId('top-interval');
    this.table = page.getByTestId('top-table');
    this.rows = page.getByTestId('top-table-row');
    this.headerCells = this.table.locator('thead th[data-field]');
  }

  async expectShown(): Promise<void> {
    await expect(this.view).toBeVisible();
  }

  header(field: string): Locator {
    return this.table.locator(`thead th[data-field="${field}"]`);
  }

  /** The interval number the table shows (-1 before the first one). */
  async intervalNumber(): Promise<number> {
    const v = await this.interval.getAttribute('data-interval');
    return v === null || v === '' ? -1 : Number(v);
  }

  /**
   * The rendered rows in order, each cell keyed by its column's field. All rows are read in one call, so they come
   * from one render of one interval even while the table is being replaced.
   */
  async readRows(): Promise<TopRow[]> {
    const fields = await Promise.all((await this.headerCells.all()).map(async (th) => (await th.getAttribute('data-field')) ?? ''));
    const texts = await this.rows.allInnerTexts();
    return texts.map((text) => {
      const cells = text.split('\t');
      if (cells.length !== fields.length) throw new Error(`a row has ${cells.length} cells for ${fields.length} columns: ${JSON.stringify(text)}`);
      return Object.fromEntries(fields.map((f, i) => [f, (cells[i] ?? '').trim()]));
    });
  }
}
