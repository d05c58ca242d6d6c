import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { boothIdsBySlug } from '../../server/test/harness.js';
import { joinedSocket, request } from '../../server/test/sockets.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

describeBrowser('a complaint about a chat message, in Chromium', () => {
  const fair = useBrowserFair();

  it('a member complains about a message from its report form, at 360 px, and an organiser reads the message in the console', async () => {
    const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    const author = await joinedSocket(fair.server.baseUrl, 'member2@fair.test', boothId);
    const sent = await request(author.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'Go back where you came from, nobody wants you in this booth.' });
    if (!sent.ok) throw new Error('send failed');
    author.socket.disconnect();

    const member = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB', viewport: { width: 360, height: 740 } });
    await member.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    const message = member.locator(`#message-${sent.data.id}`);
    await message.getByText('Go back where you came from').waitFor();
    await message.getByRole('button', { name: 'Report the message from Luis' }).click();
    const form = message.getByRole('form', { name: 'Report the message from Luis' });
    // Beside the report: a complaint to the organisers, in a new tab so the member keeps their place in the booth.
    const [tab] = await Promise.all([
      member.context().waitForEvent('page'),
      form.getByRole('link', { name: 'Complain to the organisers (opens in a new tab)' }).click(),
    ]);
    await tab.setViewportSize({ width: 360, height: 740 });
    const attached = tab.getByRole('group', { name: 'Your complaint is about this message' });
    await attached.getByText('Go back where you came from, nobody wants you in this booth.').waitFor();
    await attached.getByText('Luis, in Peace Direct').waitFor();
    expect(await attached.getByRole('link', { name: 'See it in the chat' }).getAttribute('href')).toBe(`/booths/peace-direct#message-${sent.data.id}`);
    // Luis may be named: the member chooses the message (the default) or him.
    expect(await attached.getByLabel('About the message').isChecked()).toBe(true);
    await attached.getByLabel('About the person who wrote it: Luis').waitFor();
    // A message is one thing to be about: the booth choice stays away while it is attached.
    expect(await tab.getByLabel('Which booth (optional)').count()).toBe(0);
    expect(await seriousViolations(tab), 'form with the message attached').toEqual([]);
    expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await tab.getByLabel('What happened?').fill('This is hateful and aimed at people like me.');
    await tab.getByRole('button', { name: 'Send the complaint' }).click();
    await tab.getByRole('status').filter({ hasText: 'Your complaint was sent' }).waitFor();
    // The address forgets the message: the next complaint starts clean.
    expect(new URL(tab.url()).search).toBe('');
    await tab.getByRole('button', { name: 'File another complaint' }).click();
    await tab.getByLabel('Which booth (optional)').waitFor();
    expect(await tab.getByRole('group', { name: 'Your complaint is about this message' }).count()).toBe(0);

    const organiser = await signedInPage(fair, 'admin@fair.test', { locale: 'en-GB' });
    await organiser.goto(`${fair.server.baseUrl}/organisers/complaints`);
    const card = organiser.locator('article.complaint', { hasText: 'This is hateful and aimed at people like me.' });
    await card.waitFor();
    await card.getByText('About a message by Luis in Peace Direct:').waitFor();
    await card.getByText('Go back where you came from, nobody wants you in this booth.').waitFor();
    expect(await seriousViolations(organiser), 'handlers’ view of the message').toEqual([]);
    // The link shows it in context, in the booth's chat.
    await card.getByRole('link', { name: 'See it in the chat' }).click();
    await organiser.getByRole('heading', { level: 1, name: 'Peace Direct' }).waitFor();
    await expect.poll(() => organiser.evaluate(() => document.activeElement?.id)).toBe(`message-${sent.data.id}`);

    for (const page of [member, organiser]) await page.context().close();
  });

  it('tells the member plainly when the message named in the address cannot be found, and lets them describe it instead', async () => {
    const member = await signedInPage(fair, 'member@fair.test', { locale: 'fr-FR', viewport: { width: 360, height: 740 } });
    await member.goto(`${fair.server.baseUrl}/complaints?message=99999999`);
    await member.getByRole('alert').filter({ hasText: 'Ce message est introuvable' }).waitFor();
    await member.getByLabel('Quel stand (facultatif)').waitFor();
    expect(await seriousViolations(member), 'form, message gone').toEqual([]);
    await member.getByLabel('Que s’est-il passé ?').fill('Un message injurieux, retiré depuis.');
    await member.getByRole('button', { name: 'Envoyer la plainte' }).click();
    await member.getByRole('status').filter({ hasText: 'Votre plainte a été envoyée' }).waitFor();
    await member.context().close();
  });
});
