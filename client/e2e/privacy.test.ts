import { expect, it } from 'vitest';
import { messages } from '../../server/db/tables.js';
import { createUser } from '../../server/test/harness.js';
import { describeBrowser, signIn, signedInPage, useBrowserFair } from './browser.js';

describeBrowser('my data in Chromium', () => {
  const fair = useBrowserFair();

  it('downloads the member’s data, deletes the account with the password, and shows their messages as a deleted member', async () => {
    const userId = await createUser(fair.server.db, { email: 'leaving@fair.test', displayName: 'Leaving Member', role: 'member' });
    const [booth] = await fair.server.sql<{ id: number }>('select id from booths where slug = ?', ['kujalink']);
    await fair.server.db.insert(messages).values({ boothId: booth!.id, seq: 1, userId, clientMsgId: crypto.randomUUID(), body: 'goodbye, everyone' });

    const context = await fair.browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'leaving@fair.test');
    await page.getByRole('link', { name: 'My data' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Delete my account' }).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toBe('digital-fair-my-data.json');

    const remove = page.getByRole('button', { name: 'Delete my account' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Your password, to confirm').fill('wrong password');
    await page.getByRole('checkbox', { name: 'I understand that my account will be deleted for good.' }).check();
    await remove.click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await page.getByLabel('Your password, to confirm').fill('fair-demo');
    await remove.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    await context.close();

    const other = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB' });
    await other.goto(`${fair.server.baseUrl}/booths/kujalink`);
    const log = other.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.getByText('This member’s account was deleted.').count()).toBe(1);
    expect(await log.getByText('deleted member').count()).toBe(1);
    expect(await log.getByText('Leaving Member').count()).toBe(0);
    expect(await log.getByText('goodbye, everyone').count()).toBe(0);
    await other.context().close();
  });
});
