import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { boothIdsBySlug, TestClient } from '../../server/test/harness.js';
import { joinedSocket, request } from '../../server/test/sockets.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describeBrowser('staff land where their work is (lobby, Chromium)', () => {
  const fair = useBrowserFair();

  /** A member files a report on another member's message, over the socket API. */
  async function fileReport(): Promise<void> {
    const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    const author = await joinedSocket(fair.server.baseUrl, 'member@fair.test', boothId);
    const reporter = await joinedSocket(fair.server.baseUrl, 'member2@fair.test', boothId);
    try {
      const sent = await request(author.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'Something to report' });
      if (!sent.ok) throw new Error(`send failed: ${sent.error.code}`);
      const report = await request(reporter.socket, 'report:create', { messageId: sent.data.id, reason: 'spam' });
      if (!report.ok) throw new Error(`report failed: ${report.error.code}`);
    } finally {
      author.socket.disconnect();
      reporter.socket.disconnect();
    }
  }

  async function openReportCount(): Promise<number> {
    const moderator = new TestClient(fair.server.baseUrl);
    await moderator.login('moderator@fair.test');
    return (await moderator.get('/api/moderation/reports/summary')).body.open as number;
  }

  it('shows a host “Your booth” with working links to the booth and its console, and the host guide', async () => {
    const page = await signedInPage(fair, 'host@fair.test', { locale: 'en-GB' });
    await page.goto(fair.server.baseUrl);
    const yours = page.getByRole('region', { name: 'Your booth' });
    await yours.getByRole('heading', { level: 2, name: 'Your booth' }).waitFor();

    const guide = page.getByRole('region', { name: 'New to hosting? Your first steps' });
    expect(await guide.getByRole('listitem').count()).toBe(5);
    // Hosts get their own guide, not the members' one, and nothing for moderators.
    expect(await page.getByRole('heading', { name: 'New here? How the fair works' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Review the reports' }).count()).toBe(0);
    expect(await page.getByText(/Open reports/).count()).toBe(0);

    // The booth link, followed with the keyboard.
    await yours.getByRole('link', { name: 'Go to Peace Direct' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Peace Direct' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/booths/peace-direct');

    await page.goBack();
    await yours.getByRole('link', { name: 'Host console for Peace Direct' }).click();
    await page.locator('#console-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/booths/peace-direct/console');

    // Dismissed from the keyboard, the guide leaves focus on the button that brings it back.
    await page.goBack();
    await guide.getByRole('button', { name: 'Got it' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedText(page)).toBe('How hosting works');
    await page.reload();
    await page.getByRole('button', { name: 'How hosting works' }).waitFor();
    expect(await guide.count()).toBe(0);
    // Brought back, it takes focus to its heading.
    await page.getByRole('button', { name: 'How hosting works' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedText(page)).toBe('New to hosting? Your first steps');
    await page.context().close();
  });

  it('keeps members on their own guide, without downloading the staff landing', async () => {
    const page = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB' });
    const scripts: string[] = [];
    page.on('request', (req) => {
      if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
    });
    await page.goto(fair.server.baseUrl);
    await page.getByRole('heading', { name: 'New here? How the fair works' }).waitFor();
    await page.locator('.booth-card').first().waitFor();
    expect(await page.getByRole('heading', { name: 'Your booth' }).count()).toBe(0);
    expect(scripts.filter((path) => /StaffLanding/.test(path))).toEqual([]);
    await page.context().close();
  });

  it('still opens the lobby, with the members’ guide, when the staff chunk cannot be fetched', async () => {
    const page = await signedInPage(fair, 'host@fair.test', { locale: 'en-GB', serviceWorkers: 'block' });
    let blocked = 0;
    await page.route(/\/assets\/StaffLanding-[^/]*\.js$/, (route) => {
      blocked += 1;
      return route.abort('internetdisconnected');
    });
    await page.goto(fair.server.baseUrl);
    await page.getByRole('heading', { name: 'New here? How the fair works' }).waitFor();
    await page.locator('.booth-card').first().waitFor();
    expect(await page.getByRole('heading', { name: 'Your booth' }).count()).toBe(0);
    expect(blocked).toBe(1);
    await page.context().close();
  });

  it('shows a moderator the open reports, kept current, the panel link and the moderator guide, in Spanish at 360 px without axe violations', async () => {
    await fileReport();
    const page = await signedInPage(fair, 'moderator@fair.test', { locale: 'es-ES', viewport: { width: 360, height: 740 } });
    await page.goto(fair.server.baseUrl);
    const desk = page.getByRole('region', { name: 'Moderación' });
    const before = await openReportCount();
    expect(before).toBeGreaterThan(0);
    await expect.poll(() => desk.textContent()).toContain(`Denuncias abiertas: ${before}`);

    const guide = page.getByRole('region', { name: '¿Es tu primera vez moderando? Primeros pasos' });
    expect(await guide.getByRole('listitem').count()).toBe(5);
    expect(await page.getByRole('heading', { name: 'Tu stand' }).count()).toBe(0);
    await page.locator('.booth-card').first().waitFor();
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page), 'lobby as moderator, Spanish, 360 px').toEqual([]);
    // No English left in the staff landing.
    for (const english of ['Open reports', 'Review the reports', 'New to moderating', 'Got it']) expect(await desk.textContent()).not.toContain(english);
    expect(await guide.textContent()).not.toMatch(/Reports:|Got it/);

    // A new report shows without reloading.
    await fileReport();
    await expect.poll(() => desk.textContent()).toContain(`Denuncias abiertas: ${before + 1}`);

    await desk.getByRole('link', { name: 'Revisar las denuncias' }).click();
    await page.locator('#moderation-title').waitFor();
    expect(new URL(page.url()).pathname).toBe('/moderation');
    await page.context().close();
  });

  it('shows the host landing in French at 360 px without axe violations', async () => {
    const page = await signedInPage(fair, 'host@fair.test', { locale: 'fr-FR', viewport: { width: 360, height: 740 } });
    await page.goto(fair.server.baseUrl);
    const yours = page.getByRole('region', { name: 'Votre stand' });
    await yours.getByRole('link', { name: 'Aller au stand Peace Direct' }).waitFor();
    await yours.getByRole('link', { name: 'Console du stand Peace Direct' }).waitFor();
    await page.getByRole('heading', { name: 'Vous animez un stand pour la première fois\u00a0? Premiers pas' }).waitFor();
    await page.locator('.booth-card').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page), 'lobby as host, French, 360 px').toEqual([]);
    await page.context().close();
  });
});
