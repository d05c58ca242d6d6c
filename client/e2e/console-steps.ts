import type { Browser, Page } from 'playwright-core';
import { signIn } from './browser.js';

/** A roster as a spreadsheet in French exports it: `;`, French headers, a French role name; line 3 is bad. */
export const ROSTER_WITH_A_BAD_ROW = ['email;rôle;nom;stand;langue', 'ana@example.org;membre;Ana Pérez;;es', 'not-an-email;member;Bad Row;;', 'joe@example.org;host;Joe Bloggs;peace-direct;en'].join('\n');

export const csvFile = (text: string) => ({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

/** Signs in as the organiser in a fresh English context and opens the console from the header. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await signIn(page, baseUrl, 'admin@fair.test');
  await page.getByRole('link', { name: 'Organiser console' }).click();
  await page.getByRole('heading', { level: 1, name: 'Organiser console' }).waitFor();
  // The booths table has loaded.
  await page.getByRole('button', { name: 'Edit Peace Direct' }).waitFor();
  return page;
}

/**
 * Creates the booth "Water rights" (network Water Alliance, capacity 80) in English, Spanish and
 * French from the console's form: a Spanish name and description, a French description only.
 */
export async function createWaterRightsBooth(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New booth' }).click();
  const form = page.getByRole('form', { name: 'New booth' });
  await form.getByLabel('Web address (slug)').fill('water-rights');
  await form.getByLabel('Network').fill('Water Alliance');
  const languages = form.getByRole('group', { name: 'Languages' });
  await languages.getByLabel('Spanish').check();
  await languages.getByLabel('French').check();
  await form.getByLabel('Name in English').fill('Water rights');
  await form.getByLabel('Description in English').fill('Clean water is a human right.');
  await form.getByLabel('Name in Spanish').fill('Derecho al agua');
  await form.getByLabel('Description in Spanish').fill('El agua limpia es un derecho humano.');
  await form.getByLabel('Description in French').fill('L’eau potable est un droit humain.');
  await form.getByLabel('Capacity').fill('80');
  await form.getByRole('button', { name: 'Create booth' }).click();
  await page.getByRole('button', { name: 'Edit Water rights' }).waitFor();
}
