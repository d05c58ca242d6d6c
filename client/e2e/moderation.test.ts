import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, signedInPage, signIn, useBrowserFair } from './browser.js';

async function openBooth(browser: Browser, baseUrl: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, baseUrl, email);
  await page.getByRole('link', { name: 'Visit Peace Direct' }).click();
  await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Online');
  return { context, page };
}

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const messagesWith = (page: Page, text: string) => log(page).getByRole('listitem').filter({ hasText: text });

describeBrowser('moderation in Chromium', () => {
  const fair = useBrowserFair();

  it('a moderator deletes a member’s message and the other member’s screen drops it', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const luis = await openBooth(fair.browser, fair.server.baseUrl, 'member2@fair.test');
    const kofi = await openBooth(fair.browser, fair.server.baseUrl, 'moderator@fair.test');

    await amina.page.getByLabel('Message', { exact: true }).fill('Something nobody should read');
    await amina.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => messagesWith(luis.page, 'Something nobody should read').count()).toBe(1);
    await expect.poll(() => messagesWith(kofi.page, 'Something nobody should read').count()).toBe(1);
    // Members get no delete button, only a way to report.
    expect(await luis.page.getByRole('button', { name: 'Delete the message from Amina' }).count()).toBe(0);
    expect(await luis.page.getByRole('button', { name: 'Report the message from Amina' }).count()).toBe(1);

    await kofi.page.getByRole('button', { name: 'Delete the message from Amina' }).click();
    const form = kofi.page.getByRole('form', { name: 'Delete the message from Amina' });
    await form.getByLabel('Note (optional)').fill('Harassment');
    await form.getByRole('button', { name: 'Delete', exact: true }).click();

    for (const page of [luis.page, amina.page, kofi.page]) {
      await expect.poll(() => messagesWith(page, 'Something nobody should read').count()).toBe(0);
      expect(await messagesWith(page, 'This message was removed by a moderator.').count()).toBe(1);
    }
    // A reload gets the stored history: still gone.
    await luis.page.reload();
    await expect.poll(() => messagesWith(luis.page, 'This message was removed by a moderator.').count()).toBe(1);
    expect(await messagesWith(luis.page, 'Something nobody should read').count()).toBe(0);

    for (const { context } of [amina, luis, kofi]) await context.close();
  });

  it('keeps keyboard focus on the message when the report form is closed with Escape or sent', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const luis = await openBooth(fair.browser, fair.server.baseUrl, 'member2@fair.test');
    await amina.page.getByLabel('Message', { exact: true }).fill('Please report me');
    await amina.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => messagesWith(luis.page, 'Please report me').count()).toBe(1);
    const focused = () => luis.page.evaluate(() => {
      const element = document.activeElement;
      return element === document.body || !element ? 'the top of the page' : (element.getAttribute('aria-label') ?? element.textContent ?? '');
    });

    const report = messagesWith(luis.page, 'Please report me').getByRole('button', { name: /^Report the message from Amina/ });
    await report.focus();
    await luis.page.keyboard.press('Enter');
    const form = luis.page.getByRole('form', { name: /^Report the message from Amina/ });
    await form.waitFor();
    await expect.poll(focused).toBe('');
    await luis.page.keyboard.press('Escape');
    await expect.poll(() => form.count()).toBe(0);
    await expect.poll(focused).toMatch(/^Report the message from Amina/);

    // Opened again from the same button, and sent: focus stays where the button was, on the thank-you.
    await luis.page.keyboard.press('Enter');
    await form.getByLabel('Note (optional)').waitFor();
    await luis.page.keyboard.type('Testing the report form');
    await luis.page.keyboard.press('Enter');
    await expect.poll(focused).toBe('Thank you. The moderators will review your report.');

    for (const { context } of [amina, luis]) await context.close();
  });

  it('a member removed from the booth is taken back to the lobby, where the notice says why and until when', async () => {
    const luis = await openBooth(fair.browser, fair.server.baseUrl, 'member2@fair.test');
    const kofi = await openBooth(fair.browser, fair.server.baseUrl, 'moderator@fair.test');
    await kofi.page.getByRole('button', { name: /^Remove Luis.* from this booth$/ }).click();
    const form = kofi.page.getByRole('form', { name: /^Remove Luis.* from this booth$/ });
    await form.getByLabel('Reason', { exact: true }).fill('Off topic');
    await form.getByRole('button', { name: 'Confirm' }).click();

    await expect.poll(() => new URL(luis.page.url()).pathname, { timeout: 10_000 }).toBe('/');
    await luis.page.getByRole('heading', { level: 1, name: 'Lobby' }).waitFor();
    expect(await luis.page.getByLabel('Message', { exact: true }).count()).toBe(0);
    const notices = luis.page.getByRole('region', { name: 'Notices' });
    await expect.poll(() => notices.textContent()).toMatch(/You were removed from the booth until .*Reason: Off topic/);

    for (const { context } of [luis, kofi]) await context.close();
  });

  it('a pinned message shows its author’s role as a badge in the reader’s language', async () => {
    const claire = await openBooth(fair.browser, fair.server.baseUrl, 'host@fair.test');
    await claire.page.getByLabel('Message', { exact: true }).fill('Welcome to our booth');
    await claire.page.getByLabel('Message', { exact: true }).press('Enter');
    await messagesWith(claire.page, 'Welcome to our booth').getByRole('button', { name: /^Pin the message from Claire/ }).click();

    // Amina: Luis was removed from this booth by the test before.
    const amina = await signedInPage(fair, 'member@fair.test', { locale: 'fr-FR' });
    await amina.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    const pinned = amina.getByRole('region', { name: 'Message épinglé' });
    await expect.poll(() => pinned.textContent()).toContain('Welcome to our booth');
    expect(await pinned.locator('strong').textContent()).toBe('Claire');
    expect(await pinned.locator('.role-badge').textContent()).toBe('Hôte');

    await claire.context.close();
    await amina.context().close();
  });

  it('a moderator announces from the panel, members read it politely, and the host console shows figures', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const kofiContext = await fair.browser.newContext({ locale: 'en-GB' });
    const kofi = await kofiContext.newPage();
    await signIn(kofi, fair.server.baseUrl, 'moderator@fair.test');
    await kofi.getByRole('link', { name: 'Moderation' }).click();
    await expect.poll(() => kofi.getByRole('heading', { level: 1, name: 'Moderation' }).count()).toBe(1);
    await expect.poll(() => kofi.getByRole('heading', { name: 'Audit log' }).count()).toBe(1);
    await kofi.getByLabel('Text').fill('The closing plenary starts in ten minutes.');
    await kofi.getByRole('button', { name: 'Send announcement' }).click();
    const notices = amina.page.getByRole('region', { name: 'Notices' });
    // The name is the person's own; the role is a badge in the reader's language.
    await expect.poll(() => notices.textContent()).toContain('Announcement from Kofi Moderator: The closing plenary starts in ten minutes.');
    expect(await notices.locator('.role-badge').textContent()).toBe('Moderator');
    expect(await notices.getAttribute('aria-live')).toBe('polite');
    // The audit line may be written just after the announcement went out: refresh until it shows.
    await expect
      .poll(async () => {
        await kofi.getByRole('button', { name: 'Refresh', exact: true }).click();
        return kofi.getByRole('table').textContent();
      })
      .toContain('announcement:create');

    const hostContext = await fair.browser.newContext({ locale: 'en-GB' });
    const host = await hostContext.newPage();
    await signIn(host, fair.server.baseUrl, 'host@fair.test');
    await host.getByRole('link', { name: 'Visit Peace Direct' }).click();
    await host.getByRole('link', { name: 'Host console' }).click();
    await expect.poll(() => host.getByRole('heading', { name: 'Figures for today' }).count()).toBe(1);
    await expect.poll(() => host.getByRole('definition').first().textContent()).toMatch(/^\d+$/);

    for (const context of [amina.context, kofiContext, hostContext]) await context.close();
  });
});
