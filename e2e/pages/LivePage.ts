import { expect, type Locator, type Page } from '@playwright/test';

/** The live screen: target picker, gadget + parameters, run controls, counters and the events table. */
export class LivePage {
  readonly targetSearch: Locator;
  readonly gadgetSelect: Locator;
  readonly start: Locator;
  readonly stop: Locator;
  readonly runState: Locator;
  readonly runError: Locator;
  readonly eventsTable: Locator;
  readonly rows: Locator;
  readonly counterTotal: Locator;
  readonly logout: Locator;
  readonly tableFilter: Locator;
  readonly followToggle: Locator;
  readonly columnsToggle: Locator;
  readonly columnsSpec: Locator;
  readonly headerCells: Locator;

  constructor(readonly page: Page) {
    this.targetSearch = page.getByTestId('target-search');
    this.gadgetSelect = page.getByTestId('gadget-select');
    this.start = page.getByTestId('run-start');
    this.stop = page.getByTestId('run-stop');
    this.runState = page.getByTestId('run-state');
    this.runError = page.getByTestId('run-error');
    this.eventsTable = page.getByTestId('events-table');
    this.rows = page.getByTestId('event-row');
    this.counterTotal = page.getByTestId('counter-total');
    this.logout = page.getByTestId('logout');
    this.tableFilter = page.getByTestId('table-filter');
    this.followToggle = page.getByTestId('follow-toggle');
    this.columnsToggle = page.getByTestId('columns-toggle');
    this.columnsSpec = page.getByTestId('columns-spec');
    this.headerCells = this.eventsTable.locator('thead th[data-field]');
  }

  async expectLoaded(): Promise<void> {
    await expect(this.logout).toBeVisible();
    await expect(this.gadgetSelect).toBeVisible();
  }

  async pickNamespace(namespace: string): Promise<void> {
    await this.targetSearch.fill(namespace);
    await this.page.getByTestId(`target-namespace-${namespace}`).click();
  }

  async pickPod(namespace: string, pod: string): Promise<void> {
    await this.targetSearch.fill(pod);
    await this.page.getByTestId(`target-pod-${namespace}-${pod}`).click();
  }

  async chooseGadget(name: string): Promise<void> {
    await this.gadgetSelect.selectOption(name);
  }

  async startRun(): Promise<void> {
    await this.start.click();
  }

  async stopRun(): Promise<void> {
    await this.stop.click();
    await expect(this.runState).toHaveText(/stopped/i);
  }

  /** Types a view filter and applies it at once. */
  async filterView(text: string): Promise<void> {
    await this.tableFilter.fill(text);
    await this.tableFilter.press('Enter');
  }

  /** Sets the columns in IG's --fields form through the column chooser. */
  async setColumns(spec: string): Promise<void> {
    await this.columnsToggle.click();
    await this.columnsSpec.fill(spec);
    await this.columnsSpec.press('Enter');
    await this.columnsToggle.click();
  }

  /** The fields of the table's columns, in order. */
  async headerFields(): Promise<(string | null)[]> {
    return Promise.all((await this.headerCells.all()).map((th) => th.getAttribute('data-field')));
  }

  /** The values of one field over every rendered event row. */
  async columnValues(field: string): Promise<string[]> {
    return (await this.rows.locator(`[data-field="${field}"]`).allTextContents()).map((t) => t.trim());
  }

  /** Event rows whose cells (`data-field`) hold exactly these values. */
  rowsWith(fields: Record<string, string>): Locator {
    let rows = this.rows;
    for (const [field, value] of Object.entries(fields)) {
      const exact = new RegExp(`^\\s*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      rows = rows.filter({ has: this.page.locator(`[data-field="${field}"]`, { hasText: exact }) });
    }
    return rows;
  }
}
