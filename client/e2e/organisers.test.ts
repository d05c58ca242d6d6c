import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TestClient } from '../../server/test/harness.js';
import type { AdminBooth } from '../../shared/booths.js';
import type { PendingInvite, Person } from '../../shared/people.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';
import { createWaterRightsBooth, csvFile, openConsole, ROSTER_WITH_A_BAD_ROW } from './console-steps.js';

const ROSTER_FIXED = ROSTER_WITH_A_BAD_ROW.replace('not-an-email', 'bea@example.org');

/** Narrows the people list with the search box, and waits for it to show just one person. */
async function findOnePerson(page: Page, text: string): Promise<void> {
  await page.getByLabel('Name or email contains').fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect.poll(() => page.getByRole('heading', { name: /^People found/ }).textContent()).toBe('People found: 1');
}

describeBrowser('organiser console in Chromium', () => {
  const fair = useBrowserFair();

  async function adminApi(): Promise<TestClient> {
    const client = new TestClient(fair.server.baseUrl);
    await client.login('admin@fair.test');
    return client;
  }

  it('is linked from the header for organisers only', async () => {
    const member = await signedInPage(fair, 'moderator@fair.test', { locale: 'en-GB' });
    await member.goto(fair.server.baseUrl);
    await member.getByRole('link', { name: 'Moderation' }).waitFor();
    expect(await member.getByRole('link', { name: 'Organiser console' }).count()).toBe(0);
    await member.goto(`${fair.server.baseUrl}/organisers`);
    await expect.poll(() => member.getByRole('alert').first().textContent()).toContain('You do not have permission');
    await member.context().close();
  });

  it('creates a booth with a Spanish and a French description, which members read in their language', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);

    // Focus moves to the form's heading, so a keyboard user continues from there.
    await page.getByRole('button', { name: 'New booth' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('New booth');
    await page.getByRole('form', { name: 'New booth' }).getByRole('button', { name: 'Cancel' }).click();
    await createWaterRightsBooth(page);

    const { body } = await (await adminApi()).get('/api/admin/booths');
    const created = (body.booths as AdminBooth[]).find((entry) => entry.booth.slug === 'water-rights')!.booth;
    expect(created).toMatchObject({ name: 'Water rights', network: 'Water Alliance', description: 'Clean water is a human right.', languages: ['en', 'es', 'fr'], capacity: 80 });
    // French was given a description only: it keeps the first language's name.
    expect(created.translations).toEqual({
      es: { name: 'Derecho al agua', description: 'El agua limpia es un derecho humano.' },
      fr: { name: 'Water rights', description: 'L’eau potable est un droit humain.' },
    });

    // Editing shows what is stored, per language.
    await page.getByRole('button', { name: 'Edit Water rights' }).click();
    const edit = page.getByRole('form', { name: 'Edit booth: Water rights' });
    expect(await edit.getByLabel('Description in Spanish').inputValue()).toBe('El agua limpia es un derecho humano.');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await page.context().close();

    for (const [locale, text] of [
      ['es', 'El agua limpia es un derecho humano.'],
      ['fr', 'L’eau potable est un droit humain.'],
    ] as const) {
      const member = await signedInPage(fair, 'member@fair.test', { locale });
      await member.goto(fair.server.baseUrl);
      await member.getByText(text).waitFor();
      await member.context().close();
    }
  });

  it('adds a host who has an account at once, invites one who has none (copy link), removes a host, archives a booth', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fair.server.baseUrl });
    await page.getByRole('button', { name: 'Edit Water rights' }).click();
    const hosts = page.getByRole('region', { name: 'Hosts of Water rights' });
    const boothRow = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Edit Water rights' }) });
    expect(await hosts.textContent()).toContain('No hosts yet.');

    // By keyboard: type the address and press Enter.
    await hosts.getByLabel('Email of the new host').fill('member@fair.test');
    await hosts.getByLabel('Email of the new host').press('Enter');
    await hosts.getByRole('button', { name: 'Remove Amina as host' }).waitFor();
    await expect.poll(() => boothRow.textContent()).toContain('Amina');

    await hosts.getByLabel('Email of the new host').fill('newhost@example.org');
    await hosts.getByRole('button', { name: 'Add host' }).click();
    await hosts.getByText('newhost@example.org has no account yet: send them this invitation link.').waitFor();
    const link = await hosts.getByLabel('Invitation link for newhost@example.org', { exact: true }).inputValue();
    expect(link).toMatch(/\/invite\/[\w-]+$/);
    await hosts.getByRole('button', { name: 'Copy link: Invitation link for newhost@example.org' }).click();
    await hosts.getByText('Link copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    await hosts.getByRole('button', { name: 'Remove Amina as host' }).click();
    await hosts.getByText('No hosts yet.').waitFor();
    const { body } = await (await adminApi()).get('/api/admin/booths');
    expect((body.booths as AdminBooth[]).find((entry) => entry.booth.slug === 'water-rights')!.hosts).toEqual([]);

    const edit = page.getByRole('form', { name: 'Edit booth: Water rights' });
    await edit.getByLabel('Archived: out of the fair (its records stay)').check();
    await edit.getByRole('button', { name: 'Save booth' }).click();
    await expect.poll(() => boothRow.textContent()).toContain('Archived');
    await page.context().close();
  });

  it('imports a roster: the bad row shows by its line, nothing is written until the corrected file is confirmed', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);
    const roster = page.getByRole('region', { name: 'Roster import' });

    await page.getByLabel('Roster file (CSV)').setInputFiles(csvFile(ROSTER_WITH_A_BAD_ROW));
    await roster.getByText('Ready to invite: 2. With problems: 1.').waitFor();
    const rows = roster.getByRole('table').getByRole('row');
    expect(await rows.count()).toBe(4);
    const bad = rows.filter({ has: page.getByRole('rowheader', { name: '3', exact: true }) });
    expect(await bad.textContent()).toContain('not-an-email');
    expect(await bad.textContent()).toContain('Email:');
    const good = rows.filter({ has: page.getByRole('rowheader', { name: '2', exact: true }) });
    expect(await good.textContent()).toContain('Will be invited');
    // French headers and role names are read: Ana is a member, in Spanish.
    expect(await good.textContent()).toContain('Member');
    expect(await good.textContent()).toContain('Spanish');
    const confirm = roster.getByRole('button', { name: /^Import and create invitations/ });
    expect(await confirm.isDisabled()).toBe(true);

    const admin = await adminApi();
    const pendingEmails = async () => ((await admin.get('/api/admin/people')).body.invites as PendingInvite[]).map((invite) => invite.email);
    expect(await pendingEmails()).not.toContain('ana@example.org');

    await page.getByLabel('Roster file (CSV)').setInputFiles(csvFile(ROSTER_FIXED));
    await roster.getByText('Ready to invite: 3. With problems: 0.').waitFor();
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await roster.getByRole('heading', { name: 'Invitations created: 3' }).waitFor();
    const link = roster.getByLabel('Invitation link for bea@example.org', { exact: true });
    expect(await link.inputValue()).toMatch(/\/invite\/[\w-]+$/);
    expect(await pendingEmails()).toEqual(expect.arrayContaining(['ana@example.org', 'bea@example.org', 'joe@example.org']));
    // The people section lists them as pending.
    await expect.poll(() => page.getByRole('region', { name: /^Pending invitations/ }).textContent()).toContain('bea@example.org');

    // No mail server here: the console says the email was not sent. A resend makes a new link
    // (the old one dies); a revoke takes the invitation away.
    const pending = page.getByRole('region', { name: /^Pending invitations/ });
    const beaRow = pending.getByRole('row').filter({ hasText: 'bea@example.org' });
    expect(await beaRow.textContent()).toContain('Not emailed (no mail server)');
    const oldLink = await link.inputValue();
    await page.getByRole('button', { name: 'Resend the invitation to bea@example.org' }).click();
    const newLink = page.getByRole('region', { name: 'People' }).getByLabel('Invitation link for bea@example.org', { exact: true });
    await expect.poll(() => newLink.inputValue()).not.toBe(oldLink);
    expect((await new TestClient(fair.server.baseUrl).get(`/api/invites/${oldLink.split('/invite/')[1]}`)).status).toBe(410);
    expect((await new TestClient(fair.server.baseUrl).get(`/api/invites/${(await newLink.inputValue()).split('/invite/')[1]}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke the invitation to joe@example.org' }).click();
    await expect.poll(() => pendingEmails()).not.toContain('joe@example.org');
    await expect.poll(() => pending.textContent()).not.toContain('joe@example.org');
    await page.context().close();
  });

  it('changes someone’s role', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);
    await findOnePerson(page, 'member2');

    await page.getByLabel('Role of Luis').selectOption('moderator');
    await page.getByRole('button', { name: 'Change role: Luis' }).click();
    await expect.poll(() => page.getByText('Luis is now: Moderator.').count()).toBe(1);

    const { body } = await (await adminApi()).get('/api/admin/people?q=member2');
    expect((body.people as Person[]).map((person) => person.role)).toEqual(['moderator']);
    await page.context().close();
  });

  it('deactivates after a confirmation and reactivates; bans and unbans someone who is in no booth', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);
    await findOnePerson(page, 'member@fair.test');
    const canSignIn = async () => (await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email: 'member@fair.test', password: 'fair-demo' })).status;

    await page.getByRole('button', { name: 'Deactivate: Amina' }).click();
    const confirmation = page.getByRole('form', { name: 'Deactivate the account of Amina?' });
    await confirmation.getByRole('button', { name: 'Cancel' }).click();
    expect(await canSignIn()).toBe(200);
    await page.getByRole('button', { name: 'Deactivate: Amina' }).click();
    await confirmation.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByText('The account of Amina is deactivated.').waitFor();
    expect(await canSignIn()).toBe(403);
    await page.getByRole('button', { name: 'Reactivate: Amina' }).click();
    await page.getByText('The account of Amina is active again.').waitFor();
    expect(await canSignIn()).toBe(200);

    await page.getByRole('button', { name: 'Ban: Amina', exact: true }).click();
    const ban = page.getByRole('form', { name: 'Ban Amina from the fair' });
    await ban.getByLabel('Reason (recorded in the audit log)').fill('Threats in private messages');
    await ban.getByRole('button', { name: 'Ban', exact: true }).click();
    await page.getByText('Amina is banned from the fair.').waitFor();
    const banned = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email: 'member@fair.test', password: 'fair-demo' });
    expect(banned.body.error?.code).toBe('BANNED');
    await page.getByRole('button', { name: 'Unban: Amina' }).click();
    await page.getByText('The ban on Amina is lifted.').waitFor();
    expect(await canSignIn()).toBe(200);
    await page.context().close();
    // Five deliberately slow password checks besides the console's own steps: more than the
    // default 30 s on a loaded CI machine (it timed out once with the whole suite running).
  }, 60_000);

  it('saves the fair’s dates in the fair’s time zone, and shows refusals in the reader’s language', async () => {
    const page = await signedInPage(fair, 'admin@fair.test', { locale: 'fr', timezoneId: 'Asia/Tokyo' });
    await page.goto(`${fair.server.baseUrl}/organisers`);
    await page.getByLabel('Fuseau horaire de la foire').selectOption('America/Bogota');
    await page.getByLabel('Ouverture').fill('2026-06-01T09:00');
    await page.getByLabel('Fermeture').fill('2026-06-03T18:00');
    await page.getByRole('group', { name: 'Nom de la foire' }).getByLabel('En Français').fill('Foire de l’alliance');
    await page.getByRole('button', { name: 'Enregistrer les réglages de la foire' }).click();
    await page.getByRole('region', { name: 'Réglages de la foire' }).getByText('Enregistré.').waitFor();
    const { body } = await new TestClient(fair.server.baseUrl).get('/api/fair');
    // 09:00 in Bogotá (UTC−5), whatever the organiser's own zone (Tokyo here).
    expect(body).toMatchObject({ timeZone: 'America/Bogota', startsAt: '2026-06-01T14:00:00.000Z', endsAt: '2026-06-03T23:00:00.000Z', name: { fr: 'Foire de l’alliance' } });
    await page.reload();
    expect(await page.getByLabel('Ouverture').inputValue()).toBe('2026-06-01T09:00');

    // A booth whose address is taken: the refusal is in French.
    await page.getByRole('button', { name: 'Nouveau stand' }).click();
    const form = page.getByRole('form', { name: 'Nouveau stand' });
    await form.getByLabel('Adresse web (slug)').fill('peace-direct');
    await form.getByLabel('Réseau').fill('Copie');
    await form.getByLabel('Nom en Anglais').fill('Copie');
    // A refused field is named as the form labels it, in French (not `links.0.url`).
    await form.getByLabel('Liens').fill('Site ftp://exemple.org');
    await form.getByRole('button', { name: 'Créer le stand' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('Un champ du formulaire n’est pas correct : Liens');
    await form.getByLabel('Liens').fill('');
    await form.getByRole('button', { name: 'Créer le stand' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Cela existe déjà');
    await page.context().close();
  });

  it.each(['en', 'es', 'fr'] as const)('has no serious or critical axe violations in %s, at desktop and 360 px, with data in the tables', async (locale) => {
    const page = await signedInPage(fair, 'admin@fair.test', { locale, viewport: { width: 1280, height: 900 } });
    await page.goto(`${fair.server.baseUrl}/organisers`);
    await page.locator('#org-people-list').waitFor();
    await page.locator('#org-invites-list').waitFor();
    await page.locator('#fair-name-en').waitFor();
    // A roster preview (with a bad row) and an open booth editor with its hosts.
    await page.locator('#roster-file').setInputFiles(csvFile(ROSTER_WITH_A_BAD_ROW.replace('ana@', 'cora@')));
    await page.locator('#roster-preview-title').waitFor();
    await page.locator('#org-booths-title ~ div table button').first().click();
    await page.locator('.editor h4').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('#org-booths-title ~ div tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#org-invites-list + div tbody tr').count()).toBeGreaterThan(0);

    expect(await seriousViolations(page), `console, desktop (${locale})`).toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await seriousViolations(page), `console, 360 px (${locale})`).toEqual([]);
    // Nothing wider than the screen but the tables' own scrolling regions.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.context().close();
  });
});
