import { expect, it } from 'vitest';
import { CHAT_HISTORY_SAVER_PAGE } from '../../shared/limits.js';
import { messages } from '../../server/db/tables.js';
import { describeBrowser, signIn, useBrowserFair } from './browser.js';

describeBrowser('data saver in Chromium', () => {
  const fair = useBrowserFair();

  it('turns on by itself with Save-Data: smaller history, people as a count', async () => {
    // 30 earlier messages in the booth.
    const [booth] = await fair.server.sql<{ id: number }>('select id from booths where slug = ?', ['kujalink']);
    const [host] = await fair.server.sql<{ id: string }>('select id from users where email = ?', ['host@fair.test']);
    await fair.server.db
      .insert(messages)
      .values(Array.from({ length: 30 }, (_, i) => ({ boothId: booth!.id, seq: i + 1, userId: host!.id, clientMsgId: crypto.randomUUID(), body: `earlier message ${i + 1}` })));

    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setDataSaverOverride' as never, { dataSaverEnabled: true } as never);
    await signIn(page, fair.server.baseUrl, 'member@fair.test');

    const toggle = page.getByRole('checkbox', { name: 'Data saver' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect(await page.getByText('Your browser asked to save data').count()).toBe(1);

    await page.getByRole('link', { name: 'Visit KujaLink' }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    await expect.poll(() => log.getByRole('listitem').count()).toBe(CHAT_HISTORY_SAVER_PAGE);
    expect(await log.getByText('earlier message 30').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Load earlier messages' }).count()).toBe(1);

    // People are a count; names only on request.
    expect(await page.getByText('1 person in this booth').count()).toBe(1);
    expect(await page.getByRole('list', { name: 'People here' }).isVisible()).toBe(false);
    await page.getByText('Show who is here').click();
    expect(await page.getByRole('list', { name: 'People here' }).isVisible()).toBe(true);
    await context.close();
  });

  it('can be chosen by hand and is remembered on the device', async () => {
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'member2@fair.test');
    const toggle = page.getByRole('checkbox', { name: 'Data saver' });
    await expect.poll(() => toggle.count()).toBe(1);
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Data saver' }).isChecked()).toBe(true);
    await context.close();
  });
});
