import { expect, type Locator, type Page } from '@playwright/test';

/** The captures page: list, search, rename, delete, import, export links and retention. */
export class CapturesPage {
  readonly root: Locator;
  readonly search: Locator;
  readonly rows: Locator;
  readonly importInput: Locator;
  readonly importError: Locator;
  readonly importResult: Locator;
  readonly retentionMaxAge: Locator;
  readonly retentionMaxSize: Locator;
  readonly retentionSave: Locator;
  readonly retentionStatus: Locator;

  constructor(readonly page: Page, private readonly baseUrl: string) {
    this.root = page.getByTestId('captures-page');
    this.search = page.getByTestId('capture-search');
    this.rows = page.getByTestId('capture-row');
    this.importInput = page.getByTestId('capture-import');
    this.importError = page.getByTestId('import-error');
    this.importResult = page.getByTestId('import-result');
    this.retentionMaxAge = page.getByTestId('retention-max-age');
    this.retentionMaxSize = page.getByTestId('retention-max-size');
    this.retentionSave = page.getByTestId('retention-save');
    this.retentionStatus = page.getByTestId('retention-status');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/captures`);
    await expect(this.root).toBeVisible();
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="capture-row"][data-capture-id="${id}"]`);
  }

  async openCapture(id: string): Promise<void> {
    await this.page.getByTestId(`capture-open-${id}`).click();
    await expect(this.page.getByTestId('capture-view')).toBeVisible();
  }

  async rename(id: string, name: string): Promise<void> {
    await this.row(id).getByTestId('capture-rename').click();
    const input = this.row(id).getByTestId('capture-rename-input');
    await input.fill(name);
    await input.press('Enter');
    await expect(this.page.getByTestId(`capture-open-${id}`)).toHaveText(name);
  }

  async delete(id: string): Promise<void> {
    await this.row(id).getByTestId('capture-delete').click();
    await this.row(id).getByTestId('capture-delete-confirm').click();
    await expect(this.row(id)).toHaveCount(0);
  }

  /** Uploads a file (a path, or bytes with a name) through the import control. */
  async importFile(file: string | { name: string; buffer: Buffer }): Promise<void> {
    await this.importInput.setInputFiles(typeof file === 'string' ? file : { name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer });
  }

  /** The id of the capture the last import created. */
  async importedId(): Promise<string> {
    await expect(this.importResult).toBeVisible();
    const href = await this.importResult.locator('a').getAttribute('href');
    const id = new URL(href ?? '', this.baseUrl).searchParams.get('id');
    if (id === null) throw new Error(`import result links to ${href}`);
    return id;
  }
}
