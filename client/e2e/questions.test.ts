import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const PHONE = { width: 360, height: 740 };

/** The booth page with its Questions tab open, list loaded. */
async function questionsTab(fair: Parameters<typeof signedInPage>[0], email: string, options: { locale?: string; tab?: string } = {}): Promise<Page> {
  const page = await signedInPage(fair, email, { locale: options.locale ?? 'en-GB', viewport: PHONE });
  await page.goto(`${fair.server.baseUrl}/booths/peace-direct`);
  await page.locator('#composer').waitFor();
  await page.getByRole('button', { name: options.tab ?? 'Questions', exact: true }).click();
  await page.locator('.questions h3').first().waitFor();
  return page;
}

const item = (page: Page, text: string) => page.getByRole('listitem').filter({ hasText: text });

describeBrowser('questions to a booth in Chromium', () => {
  const fair = useBrowserFair();

  it('a member asks anonymously, another upvotes, the host marks it answered: everyone sees it live', async () => {
    const asker = await questionsTab(fair, 'member@fair.test');
    const voter = await questionsTab(fair, 'member2@fair.test');
    const host = await questionsTab(fair, 'host@fair.test');

    await asker.getByLabel('Your question', { exact: true }).fill('Can small groups apply without a bank account?');
    await asker.getByLabel('Don’t show my name to other members').check();
    await asker.getByRole('button', { name: 'Ask', exact: true }).click();
    await asker.getByRole('status').filter({ hasText: 'Your question was sent.' }).waitFor();
    await item(asker, 'Can small groups apply').getByText('Your question', { exact: true }).waitFor();

    // The other member sees it live, without the asker's name.
    const seen = item(voter, 'Can small groups apply');
    await seen.getByText('Asked anonymously').waitFor();
    expect(await seen.textContent()).not.toContain('Amina');
    const upvote = seen.getByRole('button', { name: 'Upvote' });
    expect(await upvote.getAttribute('aria-pressed')).toBe('false');
    await upvote.click();
    await expect.poll(() => seen.getByRole('button', { name: 'Upvoted' }).getAttribute('aria-pressed')).toBe('true');
    await seen.getByText('1 vote', { exact: true }).waitFor();

    // The host sees who asked, that members do not, and the vote, live; then answers.
    const atHost = item(host, 'Can small groups apply');
    await atHost.getByText('Asked by Amina').waitFor();
    await atHost.getByText('Anonymous to members').waitFor();
    await atHost.getByText('1 vote', { exact: true }).waitFor();
    await item(asker, 'Can small groups apply').getByText('1 vote', { exact: true }).waitFor();
    await atHost.getByRole('button', { name: 'Mark answered' }).click();

    for (const page of [asker, voter, host]) {
      const answered = item(page, 'Can small groups apply');
      await answered.getByText('Answered by Claire').waitFor();
      await answered.getByText('1 vote', { exact: true }).waitFor();
      // Answered questions take no more votes.
      expect(await answered.getByRole('button', { name: /Upvote/ }).count()).toBe(0);
    }
    // Said once, politely, to members who have the tab open.
    await voter.getByRole('status').filter({ hasText: 'Answered: Can small groups apply' }).waitFor();
    for (const page of [asker, voter, host]) await page.context().close();
  });

  it('the host answers in chat: the composer gets the link, and sending it marks the question answered', async () => {
    const asker = await questionsTab(fair, 'member2@fair.test');
    await asker.getByLabel('Your question', { exact: true }).fill('Do you work in Kivu?');
    await asker.getByRole('button', { name: 'Ask', exact: true }).click();
    const host = await questionsTab(fair, 'host@fair.test');
    await item(host, 'Do you work in Kivu?').getByRole('button', { name: 'Answer in chat' }).click();
    const composer = host.getByLabel('Message', { exact: true });
    await expect.poll(() => composer.inputValue()).toMatch(/^#question-\d+ $/);
    await composer.pressSequentially('Yes, in North Kivu.');
    await composer.press('Enter');
    const answered = item(asker, 'Do you work in Kivu?');
    await answered.getByText('Answered by Claire').waitFor();
    await answered.getByRole('link', { name: 'See the answer in the chat' }).waitFor();
    for (const page of [asker, host]) await page.context().close();
  });

  it.each(LANGUAGES)(
    'finds nothing serious or critical on the Questions tab in %s at 360 px, for a member and for the host',
    async (language) => {
      const tab = { en: 'Questions', es: 'Preguntas', fr: 'Questions' }[language];
      for (const email of ['member@fair.test', 'host@fair.test']) {
        const page = await questionsTab(fair, email, { locale: language, tab });
        expect(await seriousViolations(page), `${email} in ${language}`).toEqual([]);
        await page.context().close();
      }
    },
    120_000,
  );
});
