import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createUser } from '../../server/test/harness.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const VISITOR_NAME = 'Zephyrine Quillfeather';

async function openBoothPage(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/booths/peace-direct`);
  await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Peace Direct' }).count()).toBe(1);
  await expect.poll(() => page.getByRole('textbox').count()).toBe(1);
}

describeBrowser('a private visit in Chromium', () => {
  const fair = useBrowserFair();

  it('shows other members only the pseudonym, in their language, and moderators the real name', async () => {
    await createUser(fair.server.db, { email: 'quiet@example.org', displayName: VISITOR_NAME, role: 'member' });

    // Someone already in the booth, reading in French; and a moderator.
    const observer = await signedInPage(fair, 'member@fair.test', { locale: 'fr-FR' });
    await openBoothPage(observer, fair.server.baseUrl);
    const moderator = await signedInPage(fair, 'moderator@fair.test', { locale: 'en-GB' });
    await openBoothPage(moderator, fair.server.baseUrl);

    // The visitor chooses a private visit in the lobby, enters, and is told what others will see.
    const visitor = await signedInPage(fair, 'quiet@example.org', { locale: 'en-GB' });
    await visitor.goto(fair.server.baseUrl);
    await visitor.getByLabel('Visit booths privately').check();
    await visitor.getByRole('link', { name: 'Visit Peace Direct' }).click();
    await expect.poll(() => visitor.getByText(/others will see you as Private visitor \d+/).count()).toBe(1);
    const line = (await visitor.getByText(/others will see you as Private visitor \d+/).textContent()) ?? '';
    const number = /Private visitor (\d+)/.exec(line)![1]!;

    await visitor.getByLabel('Message', { exact: true }).fill('Hello, quietly');
    await visitor.getByLabel('Message', { exact: true }).press('Enter');

    // The other member sees the translated pseudonym and nothing of the name.
    const observerMessage = observer.getByRole('log').getByRole('listitem').filter({ hasText: 'Hello, quietly' });
    await expect.poll(() => observerMessage.count()).toBe(1);
    expect(await observerMessage.textContent()).toContain(`Visiteur privé ${number}`);
    expect(await observer.content()).not.toContain('Zephyrine');
    expect(await observer.getByRole('log').textContent()).not.toContain('Quillfeather');

    // The moderator sees who it is, marked as sent privately.
    const moderatorMessage = moderator.getByRole('log').getByRole('listitem').filter({ hasText: 'Hello, quietly' });
    await expect.poll(() => moderatorMessage.count()).toBe(1);
    expect(await moderatorMessage.textContent()).toContain(VISITOR_NAME);
    expect(await moderatorMessage.textContent()).toContain('sent privately');

    // The visitor sees their own message as their own.
    const ownMessage = visitor.getByRole('log').getByRole('listitem').filter({ hasText: 'Hello, quietly' });
    await expect.poll(() => ownMessage.count()).toBe(1);
    expect(await ownMessage.textContent()).toContain(VISITOR_NAME);

    for (const page of [observer, moderator, visitor]) await page.context().close();
  });
});
