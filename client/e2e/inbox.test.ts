import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { inboxNotices, users } from '../../server/db/tables.js';
import { eq } from 'drizzle-orm';
import { boothIdsBySlug } from '../../server/test/harness.js';
import { joinedSocket, request, signedInSocket } from '../../server/test/sockets.js';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';

describeBrowser('the inbox in Chromium', () => {
  const fair = useBrowserFair();

  it('holds what a member missed while offline, in French, and is read at 360 px', async () => {
    const boothId = (await boothIdsBySlug(fair.server.baseUrl))['peace-direct']!;
    // Amina reports a message, then goes offline (her only connection closes).
    const author = await joinedSocket(fair.server.baseUrl, 'member2@fair.test', boothId);
    const amina = await joinedSocket(fair.server.baseUrl, 'member@fair.test', boothId);
    const sent = await request(author.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'Personne ne vous écoute.' });
    if (!sent.ok) throw new Error('send failed');
    const report = await request(amina.socket, 'report:create', { messageId: sent.data.id, reason: 'harassment' });
    if (!report.ok) throw new Error('report failed');
    amina.socket.disconnect();
    author.socket.disconnect();

    // Meanwhile a moderator resolves her report and announces something to the whole fair.
    const kofi = await signedInSocket(fair.server.baseUrl, 'moderator@fair.test');
    expect((await request(kofi.socket, 'report:resolve', { reportId: report.data.reportId, outcome: 'resolved', note: 'Message retiré.' })).ok).toBe(true);
    expect((await request(kofi.socket, 'announcement:create', { text: 'La plénière de clôture commence à 15 h.' })).ok).toBe(true);
    kofi.socket.disconnect();

    // She comes back on her phone, in French: the header says what waits for her.
    const page = await signedInPage(fair, 'member@fair.test', { locale: 'fr-FR', viewport: { width: 360, height: 740 } });
    await page.goto(fair.server.baseUrl);
    const unread = page.getByRole('link', { name: 'Notifications, 2 à lire' });
    await unread.waitFor();
    expect(await unread.textContent()).toBe('Notifications (2)');

    await unread.click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const notices = page.getByRole('list', { name: 'Vos notifications, des plus récentes aux plus anciennes' }).getByRole('listitem');
    await expect.poll(() => notices.count()).toBe(2);
    // Newest first, each said in French, each marked new.
    const announcement = await notices.nth(0).textContent();
    expect(announcement).toContain('Nouveau');
    expect(announcement).toContain('Annonce de Kofi');
    expect(announcement).toContain('La plénière de clôture commence à 15 h.');
    const outcome = await notices.nth(1).textContent();
    expect(outcome).toContain('Votre signalement a été examiné et des mesures ont été prises. Note de l’équipe de modération : Message retiré.');
    expect(outcome).toContain('Stand : Peace Direct');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await page.getByRole('status').filter({ hasText: 'Toutes vos notifications sont marquées comme lues.' }).waitFor();
    await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: /à lire/ }).count()).toBe(0);
    expect(await notices.filter({ hasText: 'Nouveau' }).count()).toBe(0);

    // After a reload the count stays gone and both notices are still there, read.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await expect.poll(() => notices.count()).toBe(2);
    expect(await page.getByRole('link', { name: /à lire/ }).count()).toBe(0);
    expect(await notices.filter({ hasText: 'Nouveau' }).count()).toBe(0);

    // Online, in the lobby: a new announcement counts at once in the header, beside its live banner.
    await page.locator('a.brand').click();
    const moderator = await signedInSocket(fair.server.baseUrl, 'moderator@fair.test');
    await expect
      .poll(async () => {
        if ((await page.getByRole('link', { name: 'Notifications, 1 à lire' }).count()) > 0) return 'counted';
        // Her connection may not be up yet right after the page opened: the moderator announces again.
        await request(moderator.socket, 'announcement:create', { text: 'Pause café.' });
        await page.waitForTimeout(500);
        return 'waiting';
      }, { timeout: 10_000 })
      .toBe('counted');
    moderator.socket.disconnect();
    await page.context().close();
  });

  it('says every kind in Spanish, with its link, a generic line for a kind it does not know, and pages back', async () => {
    const [luis] = await fair.server.db.select({ id: users.id }).from(users).where(eq(users.email, 'member2@fair.test'));
    const userId = luis!.id;
    // Thirty older notices, then one of each kind the other parts of the fair send.
    await fair.server.db.insert(inboxNotices).values(Array.from({ length: 30 }, (_, n) => ({ userId, kind: 'announcement', payload: { text: `Aviso antiguo ${n + 1}`, author: { displayName: 'Kofi', role: 'moderator' } } })));
    await fair.server.db.insert(inboxNotices).values([
      { userId, kind: 'complaint_reply', payload: { complaintId: 7, status: 'resolved', reply: 'Hemos añadido subtítulos.' } },
      { userId: null, kind: 'survey_open', payload: { surveyId: 1 } },
      { userId, kind: 'response', payload: { responseId: 3, title: { en: 'Captions everywhere', es: 'Subtítulos en todas partes' } } },
      { userId, kind: 'a_kind_from_the_future', payload: {} },
    ]);
    const page = await signedInPage(fair, 'member2@fair.test', { locale: 'es-ES', viewport: { width: 360, height: 740 } });
    await page.goto(`${fair.server.baseUrl}/inbox`);
    await page.getByRole('heading', { level: 1, name: 'Buzón' }).waitFor();
    const notices = page.getByRole('list', { name: 'Tus avisos, del más reciente al más antiguo' }).getByRole('listitem');
    await expect.poll(() => notices.count()).toBe(30);
    expect(await notices.nth(0).textContent()).toContain('Tienes un aviso que esta versión de la feria no puede mostrar.');
    expect(await notices.nth(1).textContent()).toContain('La organización publicó una respuesta a lo que dijeron los miembros: Subtítulos en todas partes');
    expect(await notices.nth(1).getByRole('link', { name: 'Lo que dijiste, lo que hicimos' }).getAttribute('href')).toBe('/you-said');
    expect(await notices.nth(2).textContent()).toContain('La encuesta de la feria está abierta');
    expect(await notices.nth(2).getByRole('link', { name: 'Responder la encuesta' }).getAttribute('href')).toBe('/survey');
    expect(await notices.nth(3).textContent()).toContain('Tu queja se ha resuelto.Su respuesta: Hemos añadido subtítulos.');
    expect(await notices.nth(3).getByRole('link', { name: 'Tus quejas' }).getAttribute('href')).toBe('/complaints/mine');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Avisos anteriores' }).click();
    // The rest: the oldest of these (and any older announcement to everyone).
    await expect.poll(() => notices.count()).toBeGreaterThan(30);
    await expect.poll(() => page.getByRole('button', { name: 'Avisos anteriores' }).count()).toBe(0);
    expect(await notices.filter({ hasText: /Aviso antiguo 1$/ }).count()).toBe(1);
    await page.context().close();
  });
});
