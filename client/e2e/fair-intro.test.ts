import { expect, it } from 'vitest';
import { TestClient } from '../../server/test/harness.js';
import { describeBrowser, signIn, useBrowserFair } from './browser.js';

describeBrowser('what organisers set, as members see it', () => {
  const fair = useBrowserFair();

  it("shows the fair's welcome and dates in the reader's language and the fair's time zone, and booths' own Spanish text", async () => {
    const admin = new TestClient(fair.server.baseUrl);
    await admin.login('admin@fair.test');
    const saved = await admin.request('PUT', '/api/admin/fair', {
      name: { en: 'Digital Fair', es: 'Feria Digital' },
      welcome: { en: 'Welcome to the fair.', es: 'Bienvenida a la feria.' },
      startsAt: '2027-03-01T13:00:00.000Z',
      endsAt: '2027-03-03T21:00:00.000Z',
      timeZone: 'America/Bogota',
      contactEmail: 'feria@alliance.example.org',
    });
    expect(saved.status).toBe(200);
    const made = await admin.post('/api/admin/booths', {
      slug: 'mesa-de-defensores',
      name: 'Defenders desk',
      network: 'Protection network',
      description: 'Digital security for defenders.',
      translations: { es: { name: 'Mesa de defensores', description: 'Seguridad digital para personas defensoras.' } },
      languages: ['en', 'es'],
      capacity: 50,
    });
    expect(made.status).toBe(201);

    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'member@fair.test');
    await expect.poll(() => page.getByText('Welcome to the fair.').count()).toBe(1);
    await page.getByLabel('Language').selectOption('es');
    await expect.poll(() => page.getByText('Bienvenida a la feria.').count()).toBe(1);
    expect(await page.getByText('Feria Digital', { exact: true }).count()).toBe(1);
    // 13:00 UTC is 08:00 in Bogotá.
    expect(await page.getByText(/8:00.*hora de America\/Bogota/).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'feria@alliance.example.org' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Mesa de defensores' }).count()).toBe(1);
    expect(await page.getByText('Seguridad digital para personas defensoras.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Defenders desk' }).count()).toBe(0);
    await context.close();
  });
});
