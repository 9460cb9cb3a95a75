import { expect, type Locator, type Page } from '@playwright/test';

/** The login screen (shown for any page while there is no session). */
export class LoginPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page, private readonly baseUrl: string) {
    this.username = page.getByTestId('login-username');
    this.password = page.getByTestId('login-password');
    this.submit = page.getByTestId('login-submit');
    this.error = page.getByTestId('login-error');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/`);
    await expect(this.username).toBeVisible();
    // The button is enabled once React has hydrated the form (a click before would submit it natively).
    await expect(this.submit).toBeEnabled();
  }

  async logIn(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }
}
