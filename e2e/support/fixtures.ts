import { test as base, expect } from '@playwright/test';
import { LivePage } from '../pages/LivePage.ts';
import { LoginPage } from '../pages/LoginPage.ts';
import { HubApi } from './hubApi.ts';
import { stackInfo, type StackInfo } from './stackInfo.ts';

interface Fixtures {
  stack: StackInfo;
  loginPage: LoginPage;
  livePage: LivePage;
  /** The live page after logging in as the admin the global setup created. */
  loggedIn: LivePage;
}

interface WorkerFixtures {
  hubApi: HubApi;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => use(stackInfo()),
  hubApi: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const api = await HubApi.login(stackInfo());
      await use(api);
      await api.dispose();
    },
    { scope: 'worker' },
  ],
  loginPage: async ({ page, stack }, use) => use(new LoginPage(page, stack.url)),
  livePage: async ({ page }, use) => use(new LivePage(page)),
  loggedIn: async ({ loginPage, livePage, stack }, use) => {
    await loginPage.open();
    await loginPage.logIn(stack.username, stack.password);
    await livePage.expectLoaded();
    await use(livePage);
  },
});

export { expect };
