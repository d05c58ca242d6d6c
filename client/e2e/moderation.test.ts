import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
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
    const send = kofi.getByRole('button', { name: 'Send announcement' });
    await send.click();
    // A click before the panel's connection is up is refused with an error (no answer), and a
    // moderator clicks again: so does this test, until the panel says it was sent.
    const form = kofi.locator('form').filter({ has: kofi.getByLabel('Text') });
    await expect
      .poll(async () => {
        if ((await form.getByText('Sent.', { exact: true }).count()) > 0) return 'sent';
        if ((await form.getByRole('alert').count()) > 0) await send.click();
        return 'waiting';
      })
      .toBe('sent');
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
      .toContain('Announcement sent');

    const hostContext = await fair.browser.newContext({ locale: 'en-GB' });
    const host = await hostContext.newPage();
    await signIn(host, fair.server.baseUrl, 'host@fair.test');
    await host.getByRole('link', { name: 'Visit Peace Direct' }).click();
    await host.getByRole('link', { name: 'Host console' }).click();
    await expect.poll(() => host.getByRole('heading', { name: 'Figures for today' }).count()).toBe(1);
    await expect.poll(() => host.getByRole('definition').first().textContent()).toMatch(/^\d+$/);

    for (const context of [amina.context, kofiContext, hostContext]) await context.close();
  });

  it('a moderator sets a booth’s slow mode and lock from the panel with the keyboard, and members inside see it at once', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const kofi = await signedInPage(fair, 'moderator@fair.test', { locale: 'en-GB', viewport: { width: 360, height: 740 } });
    await kofi.goto(`${fair.server.baseUrl}/moderation`);
    const booth = kofi.getByRole('form', { name: 'Peace Direct' });
    await expect.poll(() => booth.textContent()).toContain('Now: no slow mode, not locked');

    // Keyboard only: type the seconds, Tab to the lock, Space, Tab to Apply, Enter.
    await booth.getByLabel('Slow mode: seconds between messages (0 = off)').focus();
    await kofi.keyboard.press('Control+A');
    await kofi.keyboard.type('10');
    await kofi.keyboard.press('Tab');
    await kofi.keyboard.press('Space');
    await kofi.keyboard.press('Tab');
    expect(await kofi.evaluate(() => document.activeElement?.textContent)).toBe('Apply');
    await kofi.keyboard.press('Enter');
    await expect.poll(() => booth.getByRole('status').textContent()).toBe('Saved.');
    await expect.poll(() => booth.textContent()).toContain('Now: slow mode 10 s, locked');

    await expect.poll(() => amina.page.getByText('Slow mode is on: one message every 10 seconds.').count()).toBe(1);
    await amina.page.getByLabel('Message', { exact: true }).fill('Under slow mode');
    await amina.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => messagesWith(amina.page, 'Under slow mode').count()).toBe(1);

    // The audit log names the action and says what changed, in words.
    const row = kofi.getByRole('row').filter({ hasText: 'Booth settings changed' }).first();
    await expect.poll(async () => {
      await kofi.getByRole('button', { name: 'Refresh', exact: true }).click();
      return row.textContent();
    }).toContain('slow mode: 10 s; locked');
    expect(await kofi.getByRole('table').textContent()).not.toContain('booth:update');

    // Back as it was, for the tests that follow.
    await booth.getByLabel('Slow mode: seconds between messages (0 = off)').fill('0');
    await booth.getByLabel('Locked (no new visitors)').uncheck();
    await booth.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => amina.page.getByText('Slow mode is on: one message every 10 seconds.').count()).toBe(0);
    await amina.context.close();
    await kofi.context().close();
  });

  it('a report links to the message in its booth, which the booth page shows in context; axe finds nothing serious on the panel in Spanish at 360 px', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const claire = await openBooth(fair.browser, fair.server.baseUrl, 'host@fair.test');
    await amina.page.getByLabel('Message', { exact: true }).fill('A message to look at in context');
    await amina.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => messagesWith(claire.page, 'A message to look at in context').count()).toBe(1);
    // Later messages push it up: the link must bring it back into view.
    for (let i = 1; i <= 12; i++) {
      await claire.page.getByLabel('Message', { exact: true }).fill(`Later message ${i}`);
      await claire.page.getByLabel('Message', { exact: true }).press('Enter');
    }
    await expect.poll(() => messagesWith(claire.page, 'Later message 12').count()).toBe(1);
    await messagesWith(claire.page, 'A message to look at in context').getByRole('button', { name: /^Report the message from Amina/ }).click();
    const form = claire.page.getByRole('form', { name: /^Report the message from Amina/ });
    await form.getByLabel('Note (optional)').fill('Please look');
    await form.getByRole('button', { name: 'Send report' }).click();
    await expect.poll(() => claire.page.getByText('Thank you. The moderators will review your report.').count()).toBe(1);

    const kofi = await signedInPage(fair, 'moderator@fair.test', { locale: 'es-ES', viewport: { width: 360, height: 740 } });
    await kofi.goto(`${fair.server.baseUrl}/moderation`);
    const report = kofi.getByRole('list', { name: 'Denuncias pendientes' }).getByRole('listitem').filter({ hasText: 'A message to look at in context' });
    await report.waitFor();
    // Booths, reports and audit entries are all on screen for axe.
    await kofi.getByRole('form', { name: 'Peace Direct' }).waitFor();
    await kofi.locator('.table-scroll tbody tr').first().waitFor();
    expect(await seriousViolations(kofi), 'moderator panel in Spanish at 360 px').toEqual([]);

    await report.getByRole('link', { name: 'Ver el mensaje en su stand' }).click();
    await expect.poll(() => new URL(kofi.url()).pathname).toBe('/booths/peace-direct');
    expect(new URL(kofi.url()).hash).toMatch(/^#message-\d+$/);
    const linked = kofi.locator('.chat-log li.linked');
    await expect.poll(() => linked.textContent()).toContain('A message to look at in context');
    // Focused for keyboard and screen reader users, and scrolled into the chat's view.
    await expect.poll(() => kofi.evaluate(() => document.activeElement?.classList.contains('linked'))).toBe(true);
    const inView = () =>
      linked.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const scroller = element.closest('.chat-scroller')!.getBoundingClientRect();
        return box.top >= scroller.top - 1 && box.bottom <= scroller.bottom + 1;
      });
    await expect.poll(inView).toBe(true);
    expect(await seriousViolations(kofi), 'booth with a linked message in Spanish at 360 px').toEqual([]);

    // Removed: the report says so, and its link still lands on the message's place.
    await linked.getByRole('button', { name: /^Eliminar el mensaje de Amina/ }).click();
    await kofi.getByRole('form', { name: /^Eliminar el mensaje de Amina/ }).getByRole('button', { name: 'Eliminar', exact: true }).click();
    await expect.poll(() => linked.textContent()).toContain('Este mensaje fue eliminado por el equipo de moderación.');
    await kofi.goBack();
    await expect.poll(() => report.textContent()).toContain('(eliminado)');
    await report.getByRole('link', { name: 'Ver el mensaje en su stand' }).click();
    await expect.poll(() => linked.textContent()).toContain('Este mensaje fue eliminado por el equipo de moderación.');

    for (const context of [amina.context, claire.context, kofi.context()]) await context.close();
  }, 60_000);
});
