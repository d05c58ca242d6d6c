import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { conversations } from '../../server/db/tables.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const PHONE = { width: 360, height: 740 };

describeBrowser('private 1:1 conversations in Chromium', () => {
  const fair = useBrowserFair();
  let conversationId: number;

  beforeAll(async () => {
    // What accepting a contact request does (built elsewhere): Amina (member) and Claire (host of Peace Direct).
    const [member] = await fair.server.sql<{ id: string }>('SELECT id FROM users WHERE email = ?', ['member@fair.test']);
    const [host] = await fair.server.sql<{ id: string }>('SELECT id FROM users WHERE email = ?', ['host@fair.test']);
    const [row] = await fair.server.db
      .insert(conversations)
      .values({ boothId: (await fair.server.sql<{ id: number }>('SELECT id FROM booths WHERE slug = ?', ['peace-direct']))[0]!.id, memberId: member!.id, staffId: host!.id })
      .returning({ id: conversations.id });
    conversationId = row!.id;
  });

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  /** The bodies in the conversation's log, in the order shown. */
  const bodies = (page: Page) => log(page).locator('li .body').allTextContents();
  async function send(page: Page, body: string) {
    await page.getByLabel('Message', { exact: true }).fill(body);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  it('member and host talk; a message written offline waits in the outbox, and after reconnecting both see every message once, in order', async () => {
    const member = await signedInPage(fair, 'member@fair.test', { viewport: PHONE });
    await member.goto(fair.server.baseUrl);
    await member.getByRole('link', { name: 'Conversations', exact: true }).click();
    await member.getByRole('link', { name: 'Conversation with Claire' }).click();
    await member.getByRole('heading', { level: 1, name: 'Conversation with Claire' }).waitFor();
    await member.getByText('Booth: Peace Direct').waitFor();

    const host = await signedInPage(fair, 'host@fair.test', { viewport: PHONE });
    await host.goto(`${fair.server.baseUrl}/conversations/${conversationId}`);
    await host.getByRole('heading', { level: 1, name: 'Conversation with Amina' }).waitFor();

    await send(member, 'Hello, could we talk about your grants?');
    await expect.poll(() => bodies(host)).toEqual(['Hello, could we talk about your grants?']);
    await send(host, 'Gladly. What does your organisation do?');
    await expect.poll(() => bodies(member)).toEqual(['Hello, could we talk about your grants?', 'Gladly. What does your organisation do?']);

    // The host's connection drops; what they write waits in the outbox.
    await host.context().setOffline(true);
    await expect.poll(() => host.getByRole('status', { name: 'Connection' }).textContent()).toContain('Offline');
    await send(host, 'Typed while offline');
    await expect.poll(() => log(host).textContent()).toContain('it will be sent when you are back');
    // Kept on the device too, so a reload or a closed tab does not lose it.
    const saved = () => host.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fair.conversationOutbox')).map((key) => localStorage.getItem(key)).join());
    expect(await saved()).toContain('Typed while offline');
    // Meanwhile the member writes.
    await send(member, 'We run community radio in three regions.');
    await expect.poll(() => bodies(member)).toContain('We run community radio in three regions.');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await bodies(member)).not.toContain('Typed while offline');

    await host.context().setOffline(false);
    const all = ['Hello, could we talk about your grants?', 'Gladly. What does your organisation do?', 'We run community radio in three regions.', 'Typed while offline'];
    await expect.poll(() => bodies(host), { timeout: 15_000 }).toEqual(all);
    await expect.poll(() => bodies(member), { timeout: 15_000 }).toEqual(all);
    await expect.poll(() => log(host).textContent()).not.toContain('it will be sent when you are back');
    await expect.poll(saved).not.toContain('Typed while offline');
    // Stored once: a reload shows the same four, each once.
    await member.reload();
    await expect.poll(() => bodies(member)).toEqual(all);
    await member.context().close();
    await host.context().close();
  }, 60_000);

  it.each(LANGUAGES)(
    'finds nothing serious or critical on the list and the conversation in %s at 360 px',
    async (language) => {
      for (const path of ['/conversations', `/conversations/${conversationId}`]) {
        const page = await signedInPage(fair, 'member@fair.test', { locale: language, viewport: PHONE });
        await page.goto(`${fair.server.baseUrl}${path}`);
        await page.locator('h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        // The list has its entry, the conversation its messages, before axe looks.
        await page.locator(path === '/conversations' ? `a[href="/conversations/${conversationId}"]` : '[role=log] li').first().waitFor();
        expect(await seriousViolations(page), `${path} in ${language}`).toEqual([]);
        await page.context().close();
      }
    },
    60_000,
  );
});
