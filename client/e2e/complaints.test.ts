import { expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';
import { boothIdsBySlug, TestClient } from '../../server/test/harness.js';

describeBrowser('complaints to the organisers, in Spanish', () => {
  const fair = useBrowserFair();

  it('a member files an anonymous complaint, an organiser replies, and the member reads the reply by its code after a reload', async () => {
    const member = await signedInPage(fair, 'member@fair.test', { locale: 'es-ES' });
    await member.goto(fair.server.baseUrl);
    // One click from the header.
    await member.getByRole('link', { name: 'Quejas', exact: true }).click();
    await member.getByRole('heading', { level: 1, name: 'Quejas a la organización' }).waitFor();
    expect(await seriousViolations(member), 'complaint form').toEqual([]);

    await member.getByLabel('¿De qué trata?').selectOption('accessibility');
    await member.getByLabel('¿Qué pasó?').fill('La charla principal no tiene subtítulos.');
    await member.getByLabel('Qué stand (opcional)').selectOption({ label: 'Peace Direct' });
    await member.getByLabel('Enviarla de forma anónima').check();
    await member.getByRole('button', { name: 'Enviar la queja' }).click();
    await member.getByRole('heading', { name: 'Tu código de seguimiento' }).waitFor();
    const code = (await member.getByTestId('tracking-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(await seriousViolations(member), 'tracking code shown').toEqual([]);
    // Anonymous: nothing under the member's name.
    await member.getByText('No has enviado ninguna queja con tu nombre.').waitFor();

    // An organiser, in another browser context, answers it.
    const organiser = await signedInPage(fair, 'admin@fair.test', { locale: 'es-ES' });
    await organiser.goto(`${fair.server.baseUrl}/organisers#org-complaints`);
    const card = organiser.locator('article.complaint', { hasText: 'La charla principal no tiene subtítulos.' });
    await card.waitFor();
    await card.getByText('Enviada de forma anónima').waitFor();
    await card.getByText('Sobre el stand Peace Direct').waitFor();
    await card.getByLabel('Pasar a').selectOption('acknowledged');
    await card.getByLabel('Respuesta para quien la envió (opcional)').fill('Gracias: añadimos subtítulos esta tarde.');
    await card.getByRole('button', { name: 'Guardar el paso' }).click();
    await organiser.getByRole('status').filter({ hasText: 'Guardado.' }).waitFor();
    await card.getByText('Estado: Acusada de recibo').waitFor();
    await organiser.locator('#org-complaints').scrollIntoViewIfNeeded();
    expect(await seriousViolations(organiser), 'organisers’ complaints').toEqual([]);

    // The member, after a reload, reads the reply through the code kept on the device.
    await member.goto(`${fair.server.baseUrl}/complaints/track`);
    await member.reload();
    await member.getByText('Respuesta: Gracias: añadimos subtítulos esta tarde.').waitFor();
    await member.getByText('Estado: Acusada de recibo').waitFor();
    expect(await seriousViolations(member), 'tracking page').toEqual([]);

    // Typed in by hand on another device, the code shows the same.
    const elsewhere = await signedInPage(fair, 'member2@fair.test', { locale: 'es-ES' });
    await elsewhere.goto(`${fair.server.baseUrl}/complaints/track`);
    await elsewhere.getByLabel('Código de seguimiento').fill(code.toLowerCase());
    await elsewhere.getByRole('button', { name: 'Ver', exact: true }).click();
    await elsewhere.getByText('Respuesta: Gracias: añadimos subtítulos esta tarde.').waitFor();
    await elsewhere.getByLabel('Código de seguimiento').fill('AAAA-BBBB-CCCC-DDDD-EEEE');
    await elsewhere.getByRole('button', { name: 'Ver', exact: true }).click();
    await elsewhere.getByText('Ninguna queja tiene este código. Revísalo e inténtalo de nuevo.').waitFor();

    for (const page of [member, organiser, elsewhere]) await page.context().close();
  });

  it.each(LANGUAGES)('the complaint pages and the handlers’ list have no serious or critical axe violations in %s, at 360 px too', async (language) => {
    const member = await signedInPage(fair, 'member2@fair.test', { locale: language, viewport: { width: 360, height: 740 } });
    await member.goto(`${fair.server.baseUrl}/complaints`);
    await member.locator('#cx-body').waitFor();
    expect(await seriousViolations(member), `form (${language})`).toEqual([]);
    expect(await member.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await member.goto(`${fair.server.baseUrl}/complaints/track`);
    await member.locator('#cx-code').waitFor();
    expect(await seriousViolations(member), `tracking (${language})`).toEqual([]);
    const organiser = await signedInPage(fair, 'admin@fair.test', { locale: language });
    await organiser.goto(`${fair.server.baseUrl}/organisers/complaints`);
    await organiser.locator('#org-complaints-title').waitFor();
    await organiser.locator('article.complaint').first().waitFor();
    expect(await seriousViolations(organiser), `handlers (${language})`).toEqual([]);
    for (const page of [member, organiser]) await page.context().close();
  });

  it('alerts a moderator on the panel and in the lobby, at once and read out, when a safety complaint comes in', async () => {
    const panel = await signedInPage(fair, 'moderator@fair.test', { locale: 'es-ES' });
    await panel.goto(`${fair.server.baseUrl}/moderation`);
    await panel.getByRole('heading', { level: 1, name: 'Moderación' }).waitFor();
    const lobby = await signedInPage(fair, 'moderator@fair.test', { locale: 'en-GB' });
    await lobby.goto(fair.server.baseUrl);
    await lobby.getByRole('heading', { name: 'Moderation' }).waitFor();

    const member = new TestClient(fair.server.baseUrl);
    await member.login('member@fair.test');
    const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    const filed = await member.post('/api/complaints', { category: 'conduct_safety', body: 'Threats in the chat.', anonymous: true, language: 'en', aboutBoothId: boothId });
    expect(filed.status).toBe(201);

    await expect.poll(() => panel.getByRole('alert').allTextContents()).toContainEqual(expect.stringContaining('Ha llegado una queja de conducta o seguridad'));
    const alert = lobby.getByRole('alert').filter({ hasText: 'A conduct or safety complaint came in' });
    await alert.waitFor();
    // Where, never who or what: the booth it names is one click away.
    expect(await alert.textContent()).not.toContain('Threats');
    await alert.getByRole('link', { name: 'Go to Peace Direct' }).click();
    await lobby.getByRole('heading', { level: 1, name: 'Peace Direct' }).waitFor();
    for (const page of [panel, lobby]) await page.context().close();
  });
});
