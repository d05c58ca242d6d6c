import { expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, mailingBrowserFair } from './browser.js';
import { createWaterRightsBooth, csvFile, openConsole, ROSTER_WITH_A_BAD_ROW } from './console-steps.js';

describeBrowser('an organiser sets up a booth and its host, from nothing, in Chromium', () => {
  const { fair, mail } = mailingBrowserFair();

  it('creates a booth in three languages, previews a roster with a bad row, and invites a host who accepts the code of conduct and lands on their booth', async () => {
    const page = await openConsole(fair.browser, fair.server.baseUrl);
    await createWaterRightsBooth(page);

    // The roster's bad row is shown by its line before anything is written.
    const roster = page.getByRole('region', { name: 'Roster import' });
    await page.getByLabel('Roster file (CSV)').setInputFiles(csvFile(ROSTER_WITH_A_BAD_ROW));
    await roster.getByText('Ready to invite: 2. With problems: 1.').waitFor();
    const bad = roster.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '3', exact: true }) });
    expect(await bad.textContent()).toContain('not-an-email');

    // A host who has no account: the invitation goes out by email.
    await page.getByRole('button', { name: 'Edit Water rights' }).click();
    const hosts = page.getByRole('region', { name: 'Hosts of Water rights' });
    await hosts.getByLabel('Email of the new host').fill('rosa@example.org');
    await hosts.getByRole('button', { name: 'Add host' }).click();
    await hosts.getByText('rosa@example.org has no account yet: we have emailed them an invitation. The link is here too.').waitFor();
    await page.context().close();

    const email = await mail.current.waitFor('rosa@example.org');
    const link = email.links.find((href) => href.includes('/invite/'));
    expect(link).toBeDefined();
    expect(email.text).toContain('Water rights');

    // Rosa, in another browser, on a phone-sized screen.
    const context = await fair.browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 } });
    const rosa = await context.newPage();
    await rosa.goto(link!);
    await rosa.getByLabel('Your name as others will see it').fill('Rosa');
    await rosa.getByLabel('Choose a password').fill('a long enough password');
    await rosa.getByRole('button', { name: 'Join the fair' }).click();

    // First the code of conduct, before any booth.
    await rosa.getByRole('heading', { level: 1, name: 'Code of conduct' }).waitFor();
    await rosa.getByText('Treat everyone with respect.', { exact: false }).waitFor();
    expect(await seriousViolations(rosa)).toEqual([]);
    await rosa.getByRole('button', { name: 'I have read it and I accept it' }).click();

    // Then where her work is: her booth and its console.
    await rosa.getByRole('heading', { name: 'Your booth' }).waitFor();
    const console = rosa.getByRole('link', { name: 'Host console for Water rights' });
    expect(await console.getAttribute('href')).toBe('/booths/water-rights/console');
    await rosa.getByRole('link', { name: 'Go to Water rights' }).click();
    await rosa.getByLabel('Message', { exact: true }).waitFor();
    await context.close();
  });

  it('shows the code of conduct again in place of a booth once organisers change it', async () => {
    const page = await signedInPage(fair, 'member@fair.test', { locale: 'fr-FR' });
    await page.goto(fair.server.baseUrl);
    await page.getByRole('link', { name: 'Code de conduite' }).first().waitFor();

    const organiser = await openConsole(fair.browser, fair.server.baseUrl);
    const section = organiser.getByRole('region', { name: 'Code of conduct' });
    await section.getByText('Version 1, published', { exact: false }).waitFor();
    const french = section.getByLabel('In French');
    await french.fill(`${await french.inputValue()}\n\n- Soyez patients avec les personnes dont la connexion est lente.`);
    await section.getByRole('button', { name: 'Publish the code of conduct' }).click();
    await section.getByText('Published as version 2.', { exact: false }).waitFor();
    await organiser.context().close();

    // Already signed in, Amina opens a booth: the new version comes first, in French.
    await page.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await page.getByRole('heading', { level: 1, name: 'Code de conduite' }).waitFor();
    await page.getByText('Soyez patients avec les personnes dont la connexion est lente.').waitFor();
    await page.getByRole('button', { name: 'Je l’ai lu et je l’accepte' }).click();
    await page.getByRole('heading', { level: 1, name: 'Peace Direct' }).waitFor();
    await page.context().close();
  });
});
