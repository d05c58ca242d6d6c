import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { boothIdsBySlug, TestClient } from '../../server/test/harness.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

/** The queue at a full booth (issue 16), as three people live it: one inside, one waiting, one in the lobby. */
describeBrowser('the queue at a full booth in Chromium', () => {
  const fair = useBrowserFair();
  let admin: TestClient;
  let boothId: number;

  beforeAll(async () => {
    admin = new TestClient(fair.server.baseUrl);
    await admin.login('admin@fair.test');
    boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    // One seat.
    expect((await admin.request('PATCH', `/api/admin/booths/${boothId}`, { capacity: 1 })).status).toBe(200);
  });

  async function insideBooth(email: string): Promise<Page> {
    const page = await signedInPage(fair, email, { locale: 'en-GB' });
    await page.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await page.getByLabel('Message', { exact: true }).waitFor();
    return page;
  }

  it('lets a member wait in line, shows the lobby how busy it is, and offers the freed seat to them', async () => {
    const occupant = await insideBooth('member2@fair.test');
    const lobby = await signedInPage(fair, 'admin@fair.test', { locale: 'en-GB' });
    await lobby.goto(fair.server.baseUrl);
    await lobby.getByRole('link', { name: 'Visit Peace Direct' }).waitFor();

    const waiter = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB' });
    await waiter.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await waiter.getByRole('heading', { name: 'This booth is full' }).waitFor();
    // Refused: no composer.
    expect(await waiter.getByLabel('Message', { exact: true }).count()).toBe(0);
    await waiter.getByRole('button', { name: 'Join the queue' }).click();
    await expect.poll(() => waiter.locator('.queue').textContent()).toContain('You are number 1 in line.');
    await expect.poll(() => waiter.locator('.queue').textContent()).toContain('Estimated wait: about 10 minutes');
    expect(await seriousViolations(waiter), 'the queue view').toEqual([]);

    // The lobby card says how busy it is.
    await expect.poll(() => lobby.locator('.booth-card', { hasText: 'Peace Direct' }).locator('.occupancy').textContent(), { timeout: 10_000 }).toContain('Full — 1 waiting');

    // The person inside leaves: the seat is offered to the one waiting, who is told and takes it.
    const before = await waiter.title();
    await occupant.getByRole('link', { name: 'Back to the lobby' }).first().click();
    const enter = waiter.getByRole('button', { name: /^Enter now \(\d+ s\)$/ });
    await enter.waitFor({ timeout: 10_000 });
    await expect.poll(() => waiter.evaluate(() => document.activeElement?.textContent ?? '')).toMatch(/^Enter now/);
    await expect.poll(() => waiter.title(), { timeout: 5_000 }).toContain('Your turn!');
    await enter.click();
    await waiter.getByLabel('Message', { exact: true }).waitFor();
    await expect.poll(() => waiter.title()).toBe(before);
    // Out again at once (no grace period), so the next test finds one seat and nobody in it.
    await waiter.getByRole('link', { name: 'Back to the lobby' }).first().click();
    await expect.poll(() => lobby.locator('.booth-card', { hasText: 'Peace Direct' }).locator('.occupancy').textContent(), { timeout: 10_000 }).not.toContain('waiting');

    for (const page of [occupant, lobby, waiter]) await page.context().close();
  }, 60_000);

  it.each(LANGUAGES)(
    'shows the queue in %s at 360 px with nothing serious or critical for axe',
    async (language) => {
      const occupant = await insideBooth('member2@fair.test');
      const waiter = await signedInPage(fair, 'member@fair.test', { locale: language, viewport: { width: 360, height: 740 } });
      await waiter.goto(`${fair.server.baseUrl}/booths/peace-direct`);
      const join = waiter.locator('.queue button').first();
      await join.waitFor();
      await join.click();
      await waiter.locator('.queue-position').waitFor();
      expect(await waiter.locator('.queue-position').textContent()).toMatch(/1/);
      expect(await seriousViolations(waiter), `the queue in ${language} at 360 px`).toEqual([]);
      // Leaving the line (the first button now) frees the place for the next test.
      await waiter.locator('.queue button').first().click();
      await waiter.locator('.queue-position').waitFor({ state: 'detached' });
      for (const page of [occupant, waiter]) await page.context().close();
      // The occupant stays present through the grace period: the next language finds the booth full again.
    },
    60_000,
  );
});
