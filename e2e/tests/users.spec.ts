import { randomBytes } from 'node:crypto';
import { LivePage } from '../pages/LivePage.ts';
import { LoginPage } from '../pages/LoginPage.ts';
import { UsersPage } from '../pages/UsersPage.ts';
import { expect, test } from '../support/fixtures.ts';

test('an admin manages a viewer from the Users page; the viewer sees no Users link and loses access once deleted', async ({ browser, page, loggedIn, stack }) => {
  const users = new UsersPage(page, stack.url);
  // The stack is shared by all specs: a fresh name keeps this test independent of the others.
  const name = `viewer-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;

  // The admin reaches the page from the header and creates a viewer.
  await loggedIn.page.getByTestId('nav-users').click();
  await expect(users.root).toBeVisible();
  await expect(users.row(stack.username)).toHaveAttribute('data-role', 'admin');
  await users.create(name, password, 'viewer');
  await expect(users.row(name)).toHaveAttribute('data-role', 'viewer');

  // The hub's refusals are shown inline: a taken name, a too-short password.
  await users.fillCreate(name, password, 'viewer');
  await expect(users.error).toContainText(/already exists/);
  await users.fillCreate(`${name}-x`, 'short', 'viewer');
  await expect(users.error).toContainText(/at least 8 characters/);
  await expect(users.row(`${name}-x`)).toHaveCount(0);

  // The viewer logs in in a browser of their own: no Users link, and the hub refuses the users API.
  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    const viewerLogin = new LoginPage(viewerPage, stack.url);
    const viewerLive = new LivePage(viewerPage);
    await viewerLogin.open();
    await viewerLogin.logIn(name, password);
    await viewerLive.expectLoaded();
    await expect(viewerPage.getByTestId('current-user')).toHaveText(name);
    await expect(viewerPage.getByTestId('nav-captures')).toBeVisible();
    await expect(viewerPage.getByTestId('nav-users')).toHaveCount(0);
    expect((await viewerContext.request.get(`${stack.url}/api/users`)).status()).toBe(403);
    expect((await viewerContext.request.get(`${stack.url}/api/audit`)).status()).toBe(403);
    const viewerUsers = new UsersPage(viewerPage, stack.url);
    await viewerUsers.open();
    await expect(viewerUsers.forbidden).toBeVisible();
    await expect(viewerUsers.rows).toHaveCount(0);

    // Made an admin, the same session sees the link on its next page load.
    await users.setRole(name, 'admin');
    await viewerPage.goto(`${stack.url}/captures`);
    await expect(viewerPage.getByTestId('nav-users')).toBeVisible();
    await users.setRole(name, 'viewer');
    await viewerPage.goto(`${stack.url}/captures`);
    await expect(viewerPage.getByTestId('captures-page')).toBeVisible();
    await expect(viewerPage.getByTestId('nav-users')).toHaveCount(0);

    // The admin may not delete themselves (the button is off) and deletes the viewer.
    await expect(users.row(stack.username).getByTestId('user-delete')).toBeDisabled();
    await users.delete(name);
    await expect(users.notice).toContainText(`Deleted ${name}`);

    // The viewer's next navigation lands on the login page.
    await viewerPage.goto(`${stack.url}/captures`);
    await expect(viewerLogin.username).toBeVisible();
    await expect(viewerPage).toHaveURL(/\/login/);
    expect((await viewerContext.request.get(`${stack.url}/api/me`)).status()).toBe(401);
  } finally {
    await viewerContext.close();
  }

  // The audit log, newest first, shows what happened to the viewer.
  const target = `user:${name}`;
  await expect(users.auditRow('user.delete', target)).toBeVisible();
  await expect(users.auditRow('user.update', target)).toHaveCount(2);
  await expect(users.auditRow('user.create', target)).toBeVisible();
  expect(await users.auditActionsFor(target)).toEqual(['user.delete', 'user.update', 'user.update', 'user.create']);
});

test('every user changes their own password from the header; a wrong current password is refused inline', async ({ browser, page, loggedIn, stack }) => {
  const users = new UsersPage(page, stack.url);
  const name = `pw-user-${randomBytes(4).toString('hex')}`;
  const first = `first-${randomBytes(8).toString('hex')}`;
  const second = `second-${randomBytes(8).toString('hex')}`;
  await loggedIn.page.getByTestId('nav-users').click();
  await users.create(name, first, 'viewer');

  const context = await browser.newContext();
  try {
    const own = await context.newPage();
    const login = new LoginPage(own, stack.url);
    await login.open();
    await login.logIn(name, first);
    await new LivePage(own).expectLoaded();

    await own.getByTestId('change-password').click();
    const dialog = own.getByTestId('password-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('password-current').fill('not-the-password');
    await dialog.getByTestId('password-new').fill(second);
    await dialog.getByTestId('password-repeat').fill(second);
    await dialog.getByTestId('password-submit').click();
    await expect(dialog.getByTestId('password-error')).toContainText(/current password is wrong/);

    await dialog.getByTestId('password-current').fill(first);
    await dialog.getByTestId('password-submit').click();
    await expect(dialog.getByTestId('password-done')).toBeVisible();
    await dialog.getByTestId('password-close').click();

    // The old password no longer opens a session; the new one does.
    expect((await context.request.post(`${stack.url}/api/login`, { data: { username: name, password: first } })).status()).toBe(401);
    expect((await context.request.post(`${stack.url}/api/login`, { data: { username: name, password: second } })).status()).toBe(200);
  } finally {
    await context.close();
  }

  await users.open();
  await expect(users.auditRow('user.password', `user:${name}`)).toBeVisible();
  // An admin's reset is a user.update (the audit never holds a password).
  await users.resetPassword(name, `reset-${randomBytes(8).toString('hex')}`);
  await expect(users.notice).toContainText(`New password set for ${name}`);
  await expect(users.auditRow('user.update', `user:${name}`)).toContainText('passwordReset=true');
  await users.delete(name);
});
