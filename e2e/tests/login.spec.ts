import { expect, test } from '../support/fixtures.ts';

test('a wrong password is refused with an error and no session', async ({ loginPage, livePage, stack }) => {
  await loginPage.open();
  await loginPage.logIn(stack.username, `${stack.password}-wrong`);

  await expect(loginPage.error).toBeVisible();
  await expect(loginPage.error).not.toBeEmpty();
  await expect(livePage.logout).toHaveCount(0);
  await expect(loginPage.username).toBeVisible();
});

test('the right password opens the live screen, and logout returns to login', async ({ loginPage, livePage, stack }) => {
  await loginPage.open();
  await loginPage.logIn(stack.username, stack.password);
  await livePage.expectLoaded();

  await livePage.logout.click();
  await expect(loginPage.username).toBeVisible();
});
