import { beforeAll, expect, it } from 'vitest';
import { createUser, TestClient } from '../../server/test/harness.js';
import type { TestMailServer } from '../../server/test/mail-server.js';
import { describeBrowser, mailingBrowserFair } from './browser.js';

describeBrowser('forgotten password in Chromium', () => {
  const { fair, mail: inbox } = mailingBrowserFair();
  let mail: TestMailServer;
  beforeAll(async () => {
    mail = inbox.current;
    await createUser(fair.server.db, { email: 'forgetful@fair.test', displayName: 'Forgetful', role: 'member' });
  });

  it('a member resets a forgotten password from the email, on a phone-sized screen, with the keyboard', async () => {
    const context = await fair.browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(fair.server.baseUrl);

    // From the sign-in form, by keyboard.
    await page.getByRole('link', { name: 'Forgot your password?' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Reset your password' }).count()).toBe(1);
    await page.getByLabel('Email').fill('forgetful@fair.test');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContain('If an account uses forgetful@fair.test, we have emailed it a link. The link works for one hour. If nothing arrives, check your spam folder.');

    // The email that reached the SMTP server: its link opens the reset page.
    const email = await mail.waitFor('forgetful@fair.test');
    expect(email.subject).toBe('Reset your Digital Fair password');
    const link = email.links[0]!;
    expect(link.startsWith(`${fair.server.baseUrl}/reset-password/`)).toBe(true);
    await page.goto(link);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Choose a new password' }).count()).toBe(1);

    // Too short first: told why, in words, next to the field.
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContain('The new password needs at least 10 characters.');
    await page.getByLabel('New password', { exact: true }).fill('a fresh start at the fair');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Your password has been changed. Sign in with your new password.');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The link is spent.
    const reused = await new TestClient(fair.server.baseUrl).post('/api/auth/password-reset/confirm', { token: link.split('/').pop(), password: 'someone else again' });
    expect(reused.status).toBe(410);

    // Signed out: sign in with the new password.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('forgetful@fair.test');
    await page.getByLabel('Password').fill('a fresh start at the fair');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await context.close();
  });

  it('says so when the link has expired, in the reader’s language, and offers a new one', async () => {
    const context = await fair.browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${fair.server.baseUrl}/reset-password/${'x'.repeat(43)}`);
    await page.getByLabel('Contraseña nueva', { exact: true }).fill('una contraseña larga');
    await page.getByRole('button', { name: 'Guardar la nueva contraseña' }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['Este enlace ha caducado o ya se usó. Pide uno nuevo. Pedir un nuevo enlace']);
    await page.getByRole('link', { name: 'Pedir un nuevo enlace' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Restablece tu contraseña' }).count()).toBe(1);
    await context.close();
  });
});
