import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { boothIdsBySlug, createUser, TestClient } from '../../server/test/harness.js';
import { joinedSocket, request } from '../../server/test/sockets.js';
import { LANGUAGES } from '../../shared/limits.js';
import { contacts } from '../src/i18n/parts/contacts.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const PHONE = { viewport: { width: 360, height: 740 } };

describeBrowser('contact requests in Chromium', () => {
  const fair = useBrowserFair();

  it('a member asks a booth for a follow-up; a host accepts in the console; the two talk in the conversation, the member offline for part of it', async () => {
    const memberApi = new TestClient(fair.server.baseUrl);
    await memberApi.login('member@fair.test');
    expect((await memberApi.request('PUT', '/api/me/organisation', { organisation: 'Water Watch' })).status).toBe(200);

    const member = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB', ...PHONE });
    await member.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await member.locator('#composer').waitFor();
    await member.getByRole('button', { name: 'Ask for a follow-up' }).click();
    await member.getByLabel('Your message to the booth’s staff').fill('Could we talk about peacebuilding grants?');
    const share = member.getByRole('group', { name: 'What may the staff see?' });
    await expect(share.getByRole('checkbox', { name: 'My display name (Amina) — always shown' }).isChecked()).resolves.toBe(true);
    await share.getByRole('checkbox', { name: 'My organisation (Water Watch)' }).check();
    await member.getByText('The staff will see: your display name, your organisation, and your message. Nothing else.').waitFor();
    await member.getByRole('button', { name: 'Send request' }).click();
    await member.getByText('Request sent. The staff will answer here and in your inbox.').waitFor();
    await member.getByText('Waiting for an answer').waitFor();

    // The host, in another browser: the header's count, then the console's live list.
    const host = await signedInPage(fair, 'host@fair.test', { locale: 'en-GB' });
    await host.goto(fair.server.baseUrl);
    await host.getByRole('link', { name: 'Contact requests: 1 open' }).click();
    const panel = host.getByRole('region', { name: 'Contact requests' });
    const item = panel.getByRole('article', { name: 'From Amina' });
    await item.getByText('Organisation: Water Watch').waitFor();
    await item.getByText('Could we talk about peacebuilding grants?').waitFor();
    // Only what Amina agreed to share: not her email.
    expect(await panel.textContent()).not.toContain('member@fair.test');
    await item.getByRole('button', { name: 'Accept and open a conversation' }).click();
    await item.getByText('Taken by Claire').waitFor();
    const hostLink = item.getByRole('link', { name: 'Open the conversation' });
    await hostLink.waitFor();
    const conversationPath = await hostLink.getAttribute('href');
    expect(conversationPath).toMatch(/^\/conversations\/\d+$/);

    // The member sees it at once, with the link to the conversation, and in the inbox.
    await member.getByText('Accepted by Claire').waitFor();
    expect(await member.getByRole('link', { name: 'Open the conversation' }).getAttribute('href')).toBe(conversationPath);
    await member.goto(`${fair.server.baseUrl}/inbox`);
    await member.getByText('Claire accepted your contact request.').waitFor();
    expect(await member.getByRole('link', { name: 'Open the conversation' }).getAttribute('href')).toBe(conversationPath);

    // The two talk in the conversation the request opened; the member's connection drops for part of it.
    await member.getByRole('link', { name: 'Open the conversation' }).click();
    await member.getByRole('heading', { level: 1, name: 'Conversation with Claire' }).waitFor();
    await hostLink.click();
    await host.getByRole('heading', { level: 1, name: 'Conversation with Amina' }).waitFor();
    const bodies = (page: Page) => page.getByRole('log', { name: 'Messages' }).locator('li .body').allTextContents();
    async function send(page: Page, body: string) {
      await page.getByLabel('Message', { exact: true }).fill(body);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
    }
    await send(host, 'Thank you for asking. What would you like to know?');
    await expect.poll(() => bodies(member)).toEqual(['Thank you for asking. What would you like to know?']);
    await member.context().setOffline(true);
    await expect.poll(() => member.getByRole('status', { name: 'Connection' }).textContent()).toContain('Offline');
    await send(member, 'When does the next grant round open?');
    await send(host, 'Our next round opens in March; I will send you the call.');
    await expect.poll(() => bodies(host)).toEqual(['Thank you for asking. What would you like to know?', 'Our next round opens in March; I will send you the call.']);
    await member.context().setOffline(false);
    // Back online: the member catches up, then the message that waited is sent, once.
    const all = ['Thank you for asking. What would you like to know?', 'Our next round opens in March; I will send you the call.', 'When does the next grant round open?'];
    await expect.poll(() => bodies(member), { timeout: 15_000 }).toEqual(all);
    await expect.poll(() => bodies(host), { timeout: 15_000 }).toEqual(all);
    await member.context().close();
    await host.context().close();
  });

  describe('axe on the follow-up form and the console list', () => {
    beforeAll(async () => {
      // An open request in the console, from someone else.
      const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
      await createUser(fair.server.db, { email: 'visitor@fair.test', displayName: 'Visitor', role: 'member' });
      const visitor = await joinedSocket(fair.server.baseUrl, 'visitor@fair.test', boothId);
      const sent = await request(visitor.socket, 'contact:request', { boothId, message: 'Please send me your report.', share: ['name', 'email'] });
      expect(sent.ok).toBe(true);
      visitor.socket.disconnect();
    });

    it.each(LANGUAGES)(
      'finds nothing serious or critical in %s at 360 px',
      async (language) => {
        const strings = contacts[language];
        const member = await signedInPage(fair, 'member2@fair.test', { locale: language, ...PHONE });
        await member.goto(`${fair.server.baseUrl}/booths/peace-direct`);
        await member.locator('#composer').waitFor();
        await member.getByRole('button', { name: strings['contacts.ask'] }).click();
        await member.getByRole('button', { name: strings['contacts.send'] }).waitFor();
        expect(await seriousViolations(member), `follow-up form in ${language}`).toEqual([]);
        await member.context().close();

        const host = await signedInPage(fair, 'host@fair.test', { locale: language, ...PHONE });
        await host.goto(`${fair.server.baseUrl}/booths/peace-direct/console`);
        const panel = host.getByRole('region', { name: strings['contacts.consoleTitle'] });
        await panel.getByRole('button', { name: strings['contacts.decline'] }).first().click();
        await panel.getByLabel(strings['contacts.noteLabel']).waitFor();
        await host.waitForLoadState('networkidle');
        expect(await seriousViolations(host), `console list in ${language}`).toEqual([]);
        await host.context().close();
      },
      120_000,
    );
  });
});
