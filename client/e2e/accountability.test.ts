import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/harness.js';
import { BOOTH_FEEDBACK_MIN_STAY_MS, LANGUAGES } from '../../shared/limits.js';
import { NPS_TEMPLATE_TEXT } from '../../shared/survey.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

const FRENCH_PHONE = { locale: 'fr-FR', viewport: { width: 360, height: 740 } };

describeBrowser('accountability in Chromium', () => {
  const fair = useBrowserFair();

  async function admin(): Promise<TestClient> {
    const client = new TestClient(fair.server.baseUrl);
    await client.login('admin@fair.test');
    return client;
  }

  it('in French: a member rates a booth on leaving it and answers the survey; the organiser sees the NPS', async () => {
    const organiserApi = await admin();
    const survey = await organiserApi.post('/api/surveys', { template: 'nps' });
    const surveyId = (survey.body as { id: number }).id;
    expect((await organiserApi.request('PATCH', `/api/surveys/${surveyId}`, { status: 'open' })).status).toBe(200);

    const page = await signedInPage(fair, 'member2@fair.test', FRENCH_PHONE);
    await page.clock.install();
    await page.goto(`${fair.server.baseUrl}/booths/kujalink`);
    await page.locator('#composer').waitFor();
    // Two minutes in the booth, on the page's own clock.
    const now = await page.evaluate(() => Date.now());
    await page.clock.setSystemTime(now + BOOTH_FEEDBACK_MIN_STAY_MS + 5_000);
    await page.getByRole('link', { name: 'Retour au hall d’accueil' }).first().click();

    const prompt = page.getByRole('region', { name: 'Comment s’est passée votre visite au stand KujaLink ?' });
    await prompt.getByRole('button', { name: '4 sur 5', exact: false }).click();
    await prompt.getByText('Merci : votre note a été envoyée.').waitFor();

    await page.getByRole('link', { name: 'Répondre à l’enquête' }).click();
    await page.getByRole('heading', { level: 1, name: 'Enquête sur la foire' }).waitFor();
    await page.getByRole('group', { name: NPS_TEMPLATE_TEXT.recommend.fr }).getByRole('radio', { name: '9', exact: true }).check();
    await page.getByLabel(NPS_TEMPLATE_TEXT.reason.fr, { exact: false }).fill('Des échanges utiles en français');
    await page.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await page.getByText('Merci : votre réponse est enregistrée.', { exact: false }).waitFor();
    await page.context().close();

    const organiser = await signedInPage(fair, 'admin@fair.test', FRENCH_PHONE);
    await organiser.goto(`${fair.server.baseUrl}/organisers`);
    const results = organiser.getByRole('region', { name: `Résultats de l’enquête n° ${surveyId}` });
    await results.getByText('NPS : 100').waitFor();
    await results.getByText('Des échanges utiles en français').waitFor();
    const ratings = (await organiserApi.get('/api/booths/kujalink/feedback')).body as { count: number; average: number };
    expect(ratings).toMatchObject({ count: 1, average: 4 });
    await organiser.context().close();
  });

  describe('axe on every new page, with data in them', () => {
    // Something on every page: a complaint with a reply, an open survey (from the test above),
    // a published response, inbox notices.
    beforeAll(async () => {
      const organiserApi = await admin();
      const member = new TestClient(fair.server.baseUrl);
      await member.login('member@fair.test');
      const filed = await member.post('/api/complaints', { category: 'accessibility', body: 'The captions were hard to read.', anonymous: false, language: 'en' });
      expect(filed.status).toBe(201);
      const complaintId = (filed.body as { id: number }).id;
      expect((await organiserApi.request('PATCH', `/api/complaints/${complaintId}`, { status: 'acknowledged', reply: 'Thank you: we are looking at it.' })).status).toBe(200);
      const response = await organiserApi.post('/api/responses', {
        title: { en: 'Larger captions', fr: 'Sous-titres plus grands' },
        body: { en: 'Captions are larger now.', fr: 'Les sous-titres sont plus grands.' },
        links: { complaintCategories: ['accessibility'] },
      });
      expect(response.status).toBe(201);
    });

    const pages: [email: string, path: string][] = [
      ['member@fair.test', '/inbox'],
      ['member@fair.test', '/complaints'],
      ['member@fair.test', '/complaints/track'],
      ['member@fair.test', '/survey'],
      ['member@fair.test', '/you-said'],
      ['member@fair.test', '/conduct'],
      ['admin@fair.test', '/organisers'],
    ];

    it.each(LANGUAGES)(
      'finds nothing serious or critical in %s, at desktop and 360 px',
      async (language) => {
        for (const viewport of [
          { width: 1280, height: 800 },
          { width: 360, height: 740 },
        ]) {
          for (const [email, path] of pages) {
            const page: Page = await signedInPage(fair, email, { locale: language, viewport });
            await page.goto(`${fair.server.baseUrl}${path}`);
            await page.locator('h1').first().waitFor();
            // Lazy sections load their data after the heading.
            await page.waitForLoadState('networkidle');
            expect(await seriousViolations(page), `${path} in ${language} at ${viewport.width} px`).toEqual([]);
            await page.context().close();
          }
        }
      },
      180_000,
    );
  });
});
