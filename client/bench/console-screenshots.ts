/**
 * `npm run docs:screenshots`: the organiser console as the README shows it. Starts the fair
 * (production build, demo data, a fresh database on 127.0.0.1), fills in what an organiser
 * would (the fair's settings, a booth with its Spanish text, a roster to preview) and what
 * members said (complaints, survey answers), and saves
 * PNGs of the console's sections to docs/. Rerun it after changing the console.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { TestClient } from '../../server/test/harness.js';
import { launchBrowser, startFairForBrowser } from '../e2e/chromium.js';

const OUT = resolve('docs');
const ROSTER = ['email;rôle;nom;langue', 'ana@example.org;membre;Ana Pérez;es', 'not-an-email;member;Bad Row;', 'joe@example.org;moderator;Joe Bloggs;en'].join('\n');

async function shoot(page: Page, headingId: string, file: string): Promise<void> {
  const section = page.locator(`section[aria-labelledby="${headingId}"]`);
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: resolve(OUT, file) });
  console.log(`docs/${file}`);
}

mkdirSync(OUT, { recursive: true });
const server = await startFairForBrowser();
const browser = await launchBrowser();
try {
  const admin = new TestClient(server.baseUrl);
  await admin.login('admin@fair.test');
  await admin.request('PUT', '/api/admin/fair', {
    name: { en: 'Digital Fair for Collective Action', es: 'Feria Digital para la Acción Colectiva', fr: 'Foire numérique pour l’action collective' },
    welcome: { en: 'Welcome! Visit the booths and meet the networks.' },
    startsAt: '2027-03-01T13:00:00.000Z',
    endsAt: '2027-03-03T21:00:00.000Z',
    timeZone: 'America/Bogota',
    contactEmail: 'fair@alliance.example.org',
  });

  // What members said: complaints (one anonymous, one answered) and an open NPS survey with answers.
  const members = await Promise.all(
    ['member@fair.test', 'member2@fair.test', 'host@fair.test', 'moderator@fair.test'].map(async (email) => {
      const client = new TestClient(server.baseUrl);
      await client.login(email);
      return client;
    }),
  );
  await members[0]!.post('/api/complaints', { category: 'conduct_safety', body: 'Someone kept messaging me privately after I asked them to stop.', anonymous: true, language: 'en' });
  const named = await members[1]!.post('/api/complaints', { category: 'accessibility', body: 'The captions in the video booths were too small to read.', anonymous: false, language: 'es' });
  await admin.request('PATCH', `/api/complaints/${(named.body as { id: number }).id}`, { status: 'acknowledged', reply: 'Thank you: we are making them larger.' });
  const survey = (await admin.post('/api/surveys', { template: 'nps' })).body as { id: number };
  await admin.request('PATCH', `/api/surveys/${survey.id}`, { status: 'open' });
  for (const [i, member] of members.entries()) {
    await member.request('PUT', `/api/surveys/${survey.id}/response`, { answers: { recommend: [10, 9, 7, 4][i]!, reason: ['Met new partners', 'Useful booths', 'Good, but slow video', 'Hard to find the schedule'][i]! }, language: 'en' });
  }

  const page = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } })).newPage();
  await page.goto(server.baseUrl);
  await page.getByLabel('Email').fill('admin@fair.test');
  await page.getByLabel('Password').fill('fair-demo');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Organiser console' }).click();
  await page.getByRole('button', { name: 'Edit Peace Direct' }).waitFor();

  await shoot(page, 'org-fair-title', 'console-fair-settings.png');
  await shoot(page, 'org-booths-title', 'console-booths.png');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('heading', { name: /^People found/ }).waitFor();
  await shoot(page, 'org-people-title', 'console-people.png');
  await page.getByLabel('Roster file (CSV)').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(ROSTER, 'utf8') });
  await page.getByText(/^Ready to invite: 2\./).waitFor();
  await shoot(page, 'org-roster-title', 'console-roster-preview.png');
  await page.getByText('NPS: 25').waitFor();
  await shoot(page, 'org-survey-title', 'console-survey.png');
  await page.getByText('The captions in the video booths were too small to read.').waitFor();
  await shoot(page, 'org-complaints-title', 'console-complaints.png');
} finally {
  await browser.close();
  await server.close();
}
process.exit(0);
