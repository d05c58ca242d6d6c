import { expect, it } from 'vitest';
import { DEMO_BOOTHS } from '../../server/seed/demo.js';
import { describeBrowser, signIn, useBrowserFair } from './browser.js';

describeBrowser('lobby in Chromium', () => {
  const fair = useBrowserFair();

  it('signs in the demo member, shows the 11 booths, and switches to Spanish', async () => {
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'member@fair.test');

    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Lobby' }).count()).toBe(1);
    const booths = page.getByRole('list', { name: 'Lobby' }).getByRole('listitem');
    await expect.poll(() => booths.count()).toBe(11);
    expect(await page.getByRole('heading', { name: 'Peace Direct' }).count()).toBe(1);

    await page.getByLabel('Language').selectOption('es');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Vestíbulo' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Cerrar sesión' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');

    // The choice is remembered on this device.
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Vestíbulo' }).count()).toBe(1);
    await context.close();
  });

  it('shows a clear error for a wrong password', async () => {
    const context = await fair.browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(fair.server.baseUrl);
    await page.getByLabel('Adresse e-mail').fill('member@fair.test');
    await page.getByLabel('Mot de passe').fill('wrong-password');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/ne correspondent à aucun compte/);
    await context.close();
  });

  it('filters booths by language and shows a first-visit guide that can be skipped for good', async () => {
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, fair.server.baseUrl, 'member2@fair.test');
    const booths = page.getByRole('list', { name: 'Lobby' }).getByRole('listitem');
    await expect.poll(() => booths.count()).toBe(11);

    await page.getByLabel('Show booths staffed in').selectOption('es');
    await expect.poll(() => booths.count()).toBe(DEMO_BOOTHS.filter((b) => b.languages.includes('es')).length);
    expect(await page.getByRole('heading', { name: 'Peace Direct' }).count()).toBe(0);

    const guide = page.getByRole('region', { name: 'New here? How the fair works' });
    expect(await guide.count()).toBe(1);
    await guide.getByRole('button', { name: 'Got it' }).click();
    expect(await guide.count()).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'How the fair works' }).count()).toBe(1);
    expect(await guide.count()).toBe(0);
    await context.close();
  });
});
