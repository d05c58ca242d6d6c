import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { boothIdsBySlug, createUser } from '../../server/test/harness.js';
import { request, signedInSocket } from '../../server/test/sockets.js';
import { describeBrowser, signIn, useBrowserFair } from './browser.js';

async function openBooth(browser: Browser, baseUrl: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, baseUrl, email);
  await page.getByRole('link', { name: 'Visit Peace Direct' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Peace Direct' }).count()).toBe(1);
  await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Online');
  return { context, page };
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

describeBrowser('booth chat in Chromium', () => {
  const fair = useBrowserFair();

  it('lets two members in peace-direct see each other and chat', async () => {
    const amina = await openBooth(fair.browser, fair.server.baseUrl, 'member@fair.test');
    const luis = await openBooth(fair.browser, fair.server.baseUrl, 'member2@fair.test');
    const people = (page: Page) => page.getByRole('list', { name: 'People here' });
    await expect.poll(() => people(amina.page).textContent()).toContain('Luis');
    await expect.poll(() => people(luis.page).textContent()).toContain('Amina');

    await send(amina.page, 'Hello from Amina <script>alert(1)</script>');
    await expect.poll(() => log(luis.page).getByRole('listitem').filter({ hasText: 'Hello from Amina' }).count()).toBe(1);
    // Shown as text, never as HTML.
    expect(await log(luis.page).locator('script').count()).toBe(0);
    await send(luis.page, '¡Hola Amina!');
    await expect.poll(() => log(amina.page).getByRole('listitem').filter({ hasText: '¡Hola Amina!' }).count()).toBe(1);

    await amina.context.close();
    await luis.context.close();
  });

  it('joins again when the join got no answer (lost on a poor link), and shows the booth’s messages', async () => {
    const sender = await openBooth(fair.browser, fair.server.baseUrl, 'host@fair.test');
    await send(sender.page, 'Said before Luis came in');
    await expect.poll(() => log(sender.page).getByRole('listitem').filter({ hasText: 'Said before Luis came in' }).count()).toBe(1);

    // Luis's first booth:join frame never reaches the server, as on a link that drops packets:
    // the connection stays up, and no answer comes.
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    let droppedJoins = 0;
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (droppedJoins === 0 && typeof message === 'string' && /^42\d*\["booth:join"/.test(message)) {
          droppedJoins += 1;
          return;
        }
        server.send(message);
      });
    });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'member2@fair.test');
    await page.getByRole('link', { name: 'Visit Peace Direct' }).click();
    await expect.poll(() => droppedJoins).toBe(1);
    // After the command timeout (10 s) and a short backoff it asks again, and is let in.
    await expect.poll(() => log(page).getByRole('listitem').filter({ hasText: 'Said before Luis came in' }).count(), { timeout: 30_000 }).toBe(1);
    await send(page, 'Here now');
    await expect.poll(() => log(sender.page).getByRole('listitem').filter({ hasText: 'Here now' }).count()).toBe(1);

    await context.close();
    await sender.context.close();
  }, 60_000);

  it('a member who meets a locked booth gets no composer, is told why and what to do, and gets in when it reopens', async () => {
    const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    const moderator = await signedInSocket(fair.server.baseUrl, 'moderator@fair.test');
    expect((await request(moderator.socket, 'booth:update', { boothId, locked: true })).ok).toBe(true);

    // Someone new to this booth (a member who left it moments ago is still counted in it, and let back in).
    await createUser(fair.server.db, { email: 'newcomer@fair.test', displayName: 'Newcomer', role: 'member' });
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'newcomer@fair.test');
    await page.getByRole('link', { name: 'Visit Peace Direct' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This booth is locked: it is not taking new visitors right now. Please try again later.');
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'You are not in this booth' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Back to the lobby' }).count()).toBeGreaterThan(0);
    const queued = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fair.outbox')).flatMap((key) => JSON.parse(localStorage.getItem(key) ?? '[]') as unknown[]).length);
    expect(await queued()).toBe(0);

    // Reopened: "Try again" lets the member in, the keyboard lands in the composer, and a message goes through.
    expect((await request(moderator.socket, 'booth:update', { boothId, locked: false })).ok).toBe(true);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer');
    await page.keyboard.type('In at last');
    await page.keyboard.press('Enter');
    await expect.poll(() => log(page).getByRole('listitem').filter({ hasText: 'In at last' }).count()).toBe(1);
    await expect.poll(() => log(page).textContent()).not.toContain('Sending');
    expect(await queued()).toBe(0);

    moderator.socket.disconnect();
    await context.close();
  });

  it('delivers a message typed offline exactly once when the member is back', async () => {
    const sender = await openBooth(fair.browser, fair.server.baseUrl, 'host@fair.test');
    const reader = await openBooth(fair.browser, fair.server.baseUrl, 'moderator@fair.test');

    await sender.context.setOffline(true);
    await expect.poll(() => sender.page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Offline');
    await send(sender.page, 'Typed while offline');
    await expect.poll(() => log(sender.page).textContent()).toContain('it will be sent when you are back');
    // Still offline a moment later: nothing has reached the other member.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await log(reader.page).getByRole('listitem').filter({ hasText: 'Typed while offline' }).count()).toBe(0);

    await sender.context.setOffline(false);
    await expect.poll(() => log(reader.page).getByRole('listitem').filter({ hasText: 'Typed while offline' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => log(sender.page).getByRole('listitem').filter({ hasText: 'Typed while offline' }).count()).toBe(1);
    await expect.poll(() => log(sender.page).textContent()).not.toContain('it will be sent when you are back');
    // Staff carry their role as a badge, in real text, next to their name (issue 10).
    const delivered = log(reader.page).getByRole('listitem').filter({ hasText: 'Typed while offline' });
    expect(await delivered.locator('.role-badge').textContent()).toBe('Host');
    const people = reader.page.getByRole('list', { name: 'People here' });
    await expect.poll(() => people.getByRole('listitem').filter({ hasText: 'Kofi' }).locator('.role-badge').textContent()).toBe('Moderator');
    // And it stays exactly once: a reload shows the stored history with one copy.
    await reader.page.reload();
    await expect.poll(() => log(reader.page).getByRole('listitem').filter({ hasText: 'Typed while offline' }).count()).toBe(1);

    await sender.context.close();
    await reader.context.close();
  });
});
