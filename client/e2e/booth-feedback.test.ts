import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { BOOTH_FEEDBACK_MIN_STAY_MS } from '../../shared/limits.js';
import { TestClient } from '../../server/test/harness.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const NARROW_FRENCH = { locale: 'fr-FR', viewport: { width: 360, height: 740 } };

describeBrowser('a member rates a booth on leaving it (Chromium, French, 360 px)', () => {
  const fair = useBrowserFair();

  /**
   * Enters a booth, lets the page's clock run past the two minutes (playwright's fake clock:
   * the client reads the time of its join with Date.now(); no timer fires), and leaves by the
   * booth's own link back to the lobby.
   */
  async function stayAndLeave(page: Page, slug: string): Promise<void> {
    await page.goto(`${fair.server.baseUrl}/booths/${slug}`);
    // The composer shows once the join succeeded: the stay starts there.
    await page.locator('#composer').waitFor();
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.setSystemTime(pageNow + BOOTH_FEEDBACK_MIN_STAY_MS + 5_000);
    await page.getByRole('link', { name: 'Retour au hall d’accueil' }).first().click();
    await page.locator('#lobby-title').waitFor();
  }

  async function feedbackOf(slug: string) {
    const admin = new TestClient(fair.server.baseUrl);
    await admin.login('admin@fair.test');
    return (await admin.get(`/api/booths/${slug}/feedback`)).body as { count: number; average: number | null; comments: { comment: string }[] };
  }

  it('asks once, takes one tap, does not ask again for that booth after a reload, and the host sees the rating', async () => {
    const page = await signedInPage(fair, 'member@fair.test', NARROW_FRENCH);
    await page.clock.install();
    await stayAndLeave(page, 'peace-direct');

    const prompt = page.getByRole('region', { name: 'Comment s’est passée votre visite au stand Peace Direct ?' });
    await prompt.waitFor();
    // Not a dialog: the lobby stays usable around it.
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await seriousViolations(page), 'lobby with the rating prompt at 360 px').toEqual([]);

    await prompt.getByText('Ajouter un commentaire (facultatif)').click();
    await prompt.getByLabel('Commentaire pour les hôtes du stand (ils ne verront pas votre nom)').fill('Très bon échange sur le financement');
    await prompt.getByRole('button', { name: '5 sur 5 (excellent)' }).click();
    await prompt.getByRole('status').filter({ hasText: 'Merci : votre note a été envoyée.' }).waitFor();
    expect(await feedbackOf('peace-direct')).toMatchObject({ count: 1, average: 5, comments: [{ comment: 'Très bon échange sur le financement' }] });

    // After a reload: a long stay in another booth asks about that one, and "Not now" dismisses it.
    await page.reload();
    await page.locator('#lobby-title').waitFor();
    await stayAndLeave(page, 'kujalink');
    const other = page.getByRole('region', { name: 'Comment s’est passée votre visite au stand KujaLink ?' });
    await other.waitFor();
    await other.getByRole('button', { name: 'Pas maintenant' }).click();
    expect(await other.count()).toBe(0);
    // The prompt's chunk is loaded now: a second long stay in either booth asks nothing.
    for (const slug of ['peace-direct', 'kujalink']) {
      await stayAndLeave(page, slug);
      await page.waitForTimeout(300);
      expect(await page.locator('.feedback-prompt').count(), slug).toBe(0);
    }
    expect(await feedbackOf('peace-direct')).toMatchObject({ count: 1 });
    expect((await feedbackOf('kujalink')).count).toBe(0);
    await page.context().close();

    const host = await signedInPage(fair, 'host@fair.test', NARROW_FRENCH);
    await host.goto(`${fair.server.baseUrl}/booths/peace-direct/console`);
    const ratings = host.getByRole('region', { name: 'Notes des visiteurs' });
    await ratings.getByText('Très bon échange sur le financement').waitFor();
    const text = await ratings.innerText();
    expect(text).toContain('5 sur 5');
    expect(text).not.toMatch(/Amina|member@/);
    expect(await seriousViolations(host), 'host console with ratings at 360 px').toEqual([]);
    await host.context().close();

    // Organisers see every booth side by side.
    const organiser = await signedInPage(fair, 'admin@fair.test', NARROW_FRENCH);
    await organiser.goto(`${fair.server.baseUrl}/organisers`);
    const table = organiser.getByRole('region', { name: 'Notes des stands' }).getByRole('table');
    const row = table.getByRole('row').filter({ has: organiser.getByRole('rowheader', { name: 'Peace Direct' }) });
    await row.waitFor();
    // Ratings, average, then how many gave 1 … 5.
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(['1', '5', '0', '0', '0', '0', '1']);
    expect(await seriousViolations(organiser), 'organisers’ console with the ratings at 360 px').toEqual([]);
    await organiser.context().close();
  });
});
