import { expect, type Locator, type Page } from '@playwright/test';

/** The admins' users page: the users table, the create form, per-user role/reset/delete, and the audit log. */
export class UsersPage {
  readonly root: Locator;
  readonly rows: Locator;
  readonly error: Locator;
  readonly notice: Locator;
  readonly forbidden: Locator;
  readonly auditRows: Locator;

  constructor(readonly page: Page, private readonly baseUrl: string) {
    this.root = page.getByTestId('users-page');
    this.rows = page.getByTestId('user-row');
    this.error = page.getByTestId('users-error');
    this.notice = page.getByTestId('users-notice');
    this.forbidden = page.getByTestId('users-forbidden');
    this.auditRows = page.getByTestId('audit-row');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/users`);
    await expect(this.root).toBeVisible();
  }

  row(username: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  }

  auditRow(action: string, target: string): Locator {
    return this.page.locator(`[data-testid="audit-row"][data-action="${action}"][data-target="${target}"]`);
  }

  /** Fills and submits the create form (the hub may refuse it). */
  async fillCreate(username: string, password: string, role: 'admin' | 'viewer'): Promise<void> {
    await this.page.getByTestId('user-create-username').fill(username);
    await this.page.getByTestId('user-create-password').fill(password);
    await this.page.getByTestId('user-create-role').selectOption(role);
    await this.page.getByTestId('user-create-submit').click();
  }

  /** The actions of the audit table's rows about `target`, top to bottom. */
  async auditActionsFor(target: string): Promise<(string | null)[]> {
    const rows = this.page.locator(`[data-testid="audit-row"][data-target="${target}"]`);
    const actions: (string | null)[] = [];
    for (let i = 0; i < (await rows.count()); i++) actions.push(await rows.nth(i).getAttribute('data-action'));
    return actions;
  }

  async create(username: string, password: string, role: 'admin' | 'viewer'): Promise<void> {
    await this.fillCreate(username, password, role);
    await expect(this.row(username)).toBeVisible();
  }

  async setRole(username: string, role: 'admin' | 'viewer'): Promise<void> {
    await this.row(username).getByTestId('user-role').selectOption(role);
    await expect(this.row(username)).toHaveAttribute('data-role', role);
  }

  async resetPassword(username: string, password: string): Promise<void> {
    await this.row(username).getByTestId('user-reset').click();
    await this.row(username).getByTestId('user-reset-input').fill(password);
    await this.row(username).getByTestId('user-reset-save').click();
  }

  async delete(username: string): Promise<void> {
    await this.row(username).getByTestId('user-delete').click();
    await this.row(username).getByTestId('user-delete-confirm').click();
    await expect(this.row(username)).toHaveCount(0);
  }
}
