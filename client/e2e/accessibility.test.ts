import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { TestClient } from '../../server/test/harness.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, startLiveKitStandInForFile, useBrowserFair } from './browser.js';

const livekit = startLiveKitStandInForFile();

describeBrowser('accessibility (axe-core) in every language', () => {
  const fair = useBrowserFair(() => livekit.current.env);

  it.each(LANGUAGES)('sign-in, password reset, lobby, booth, host console and moderator panel have no serious or critical violations in %s', async (language) => {
    const guest = await (await fair.browser.newContext({ locale: language })).newPage();
    await guest.goto(fair.server.baseUrl);
    await guest.locator('form').waitFor();
    expect(await guest.locator('html').getAttribute('lang')).toBe(language);
    expect(await seriousViolations(guest), `sign-in (${language})`).toEqual([]);
    // "Forgot your password?" and the page its emailed link opens.
    await guest.goto(`${fair.server.baseUrl}/forgot-password`);
    await guest.locator('#forgot-title').waitFor();
    expect(await seriousViolations(guest), `forgot password (${language})`).toEqual([]);
    await guest.goto(`${fair.server.baseUrl}/reset-password/${'x'.repeat(43)}`);
    await guest.locator('#reset-title').waitFor();
    expect(await seriousViolations(guest), `reset password (${language})`).toEqual([]);
    await guest.context().close();

    // A member in the booth who has spoken: the booth is checked with messages in the chat
    // and someone for staff to act on, as it looks during the fair.
    const member = await signedInPage(fair, 'member@fair.test', { locale: language });
    await member.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await say(member, `Member here (${language})`);

    const page = await signedInPage(fair, 'host@fair.test', { locale: language });
    await page.goto(fair.server.baseUrl);
    await page.locator('.booth-card').first().waitFor();
    expect(await seriousViolations(page), `lobby (${language})`).toEqual([]);

    await page.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await say(page, `Host here (${language})`);
    await messageShown(page, `Member here (${language})`);
    expect(await seriousViolations(page), `booth as host (${language})`).toEqual([]);
    expect(await seriousViolations(member), `booth as member (${language})`).toEqual([]);

    await page.goto(`${fair.server.baseUrl}/booths/peace-direct/console`);
    await page.locator('#console-title').waitFor();
    await page.locator('#figures-title').waitFor();
    expect(await seriousViolations(page), `host console (${language})`).toEqual([]);
    await page.context().close();

    const moderator = await signedInPage(fair, 'moderator@fair.test', { locale: language });
    await moderator.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await moderator.locator('.connection-online').waitFor();
    await messageShown(moderator, `Member here (${language})`);
    // The moderator's own buttons on the member (mute, remove, ban) are on screen.
    await moderator.locator('.person-actions button').first().waitFor();
    expect(await seriousViolations(moderator), `booth as moderator (${language})`).toEqual([]);
    await moderator.goto(`${fair.server.baseUrl}/moderation`);
    await moderator.locator('#moderation-title').waitFor();
    await moderator.locator('#audit-title').waitFor();
    expect(await seriousViolations(moderator), `moderator panel (${language})`).toEqual([]);
    await moderator.context().close();
    await member.context().close();
  });

  it('a booth with messages and the moderator panel with audit entries have no serious or critical violations at 360 px, in French', async () => {
    const narrow = { locale: 'fr-FR', viewport: { width: 360, height: 740 } };
    const member = await signedInPage(fair, 'member2@fair.test', narrow);
    await member.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await say(member, 'Bonjour à toutes et à tous');

    const moderator = await signedInPage(fair, 'moderator@fair.test', narrow);
    await moderator.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await moderator.locator('.connection-online').waitFor();
    await messageShown(moderator, 'Bonjour à toutes et à tous');
    await say(moderator, 'Bienvenue');
    // The first of the moderator's buttons on Luis: mute.
    const mute = moderator.locator('.people li').filter({ hasText: 'Luis' }).locator('.person-actions button').first();
    await mute.waitFor();
    expect(await seriousViolations(moderator), 'booth as moderator at 360 px').toEqual([]);
    expect(await seriousViolations(member), 'booth as member at 360 px').toEqual([]);

    // An audit entry, made through the mute form, so the audit table has data.
    await mute.click();
    await moderator.locator('.action-form input').first().fill('Test');
    await moderator.locator('.action-form button[type="submit"]').click();
    await moderator.goto(`${fair.server.baseUrl}/moderation`);
    await moderator.locator('#audit-title').waitFor();
    await moderator.locator('.table-scroll tbody tr').first().waitFor();
    // The table is wider than the screen: its container scrolls, so it must be reachable by keyboard.
    expect(await moderator.locator('.table-scroll').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await seriousViolations(moderator), 'moderator panel at 360 px').toEqual([]);
    await moderator.context().close();
    await member.context().close();
  }, 60_000);
});

/** Sends a chat message from the booth on screen (any language) and waits until it is delivered. */
async function say(page: Page, text: string): Promise<void> {
  await page.locator('.connection-online').waitFor();
  await page.locator('#composer').fill(text);
  await page.locator('#composer').press('Enter');
  await messageShown(page, text);
  await expect.poll(() => page.locator('.message.pending').count()).toBe(0);
}

async function messageShown(page: Page, text: string): Promise<void> {
  await page.locator('.chat-log li.message').filter({ hasText: text }).first().waitFor();
}

/** Presses Tab until the focused element's name contains `name`, checking a visible focus ring at every stop. */
async function tabTo(page: Page, name: string, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
      const style = getComputedStyle(el);
      return {
        name: `${el.getAttribute('aria-label') ?? ''} ${labelled} ${el.textContent ?? ''}`,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        tag: el.tagName,
      };
    });
    if (!focus) continue;
    expect(focus.visible, `focus ring on ${focus.tag} "${focus.name.trim()}"`).toBe(true);
    if (focus.name.includes(name)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describeBrowser('reflow at 320 CSS pixels (WCAG 1.4.10)', () => {
  const fair = useBrowserFair(() => livekit.current.env);

  it('needs no sideways scrolling on the lobby, a booth, the host console or the moderator panel', async () => {
    for (const [email, path] of [
      ['host@fair.test', '/'],
      ['host@fair.test', '/booths/peace-direct'],
      ['host@fair.test', '/booths/peace-direct/console'],
      ['moderator@fair.test', '/moderation'],
    ] as const) {
      const page = await signedInPage(fair, email, { locale: 'fr-FR', viewport: { width: 320, height: 700 } });
      await page.goto(fair.server.baseUrl + path);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      expect([path, await page.evaluate(() => document.documentElement.scrollWidth)]).toEqual([path, 320]);
      await page.context().close();
    }
  });
});

describeBrowser('keyboard only', () => {
  const fair = useBrowserFair(() => livekit.current.env);

  it('accepts an invite and the code of conduct, enters a booth, sends a message, raises a hand and leaves, with a visible focus throughout', async () => {
    const admin = new TestClient(fair.server.baseUrl);
    await admin.login('admin@fair.test');
    const invite = (await admin.post('/api/admin/invites', { email: 'keys@example.org', role: 'member' })).body.invite as { link: string };
    const path = new URL(invite.link).pathname;

    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(fair.server.baseUrl + path);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();

    await tabTo(page, 'Your name as others will see it');
    await page.keyboard.type('Keyboard Kim');
    await tabTo(page, 'Choose a password');
    await page.keyboard.type('a-long-password');
    await page.keyboard.press('Enter');
    // The code of conduct comes first, and is accepted by keyboard too.
    await page.getByRole('heading', { level: 1, name: 'Code of conduct' }).waitFor();
    await tabTo(page, 'I have read it and I accept it');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Lobby' }).waitFor();

    await tabTo(page, 'Visit Peace Direct');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Peace Direct' }).waitFor();
    await page.locator('.connection-online').waitFor();

    await tabTo(page, 'Message');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('log', { name: 'Messages' }).textContent()).toContain('Typed without a mouse');

    await tabTo(page, 'Raise hand to speak');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('Your hand is raised').count()).toBe(1);

    await tabTo(page, 'Back to the lobby');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Lobby' }).waitFor();
    await context.close();
  });
});
