import { expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';
import { openConsole } from './console-steps.js';

describeBrowser('the fair survey, in Chromium', () => {
  const fair = useBrowserFair();

  it('is opened by an organiser, answered and changed by a member in Spanish on a phone, and its NPS shown with too-small groups hidden', async () => {
    const organiser = await openConsole(fair.browser, fair.server.baseUrl);
    const section = organiser.getByRole('region', { name: 'Fair survey' });
    await section.getByRole('button', { name: 'Create the NPS survey' }).click();
    await section.getByRole('button', { name: 'Open survey no. 1' }).click();
    await section.getByRole('button', { name: 'Close survey no. 1' }).waitFor();

    // Amina, in Spanish, on a phone: the lobby prompts her once.
    const page = await signedInPage(fair, 'member@fair.test', { locale: 'es-ES', viewport: { width: 360, height: 740 } });
    await page.goto(fair.server.baseUrl);
    const answer = page.getByRole('link', { name: 'Responder la encuesta' });
    await answer.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await answer.click();

    await page.getByRole('heading', { level: 1, name: 'Encuesta de la feria' }).waitFor();
    const score = page.getByRole('group', { name: '¿Qué probabilidad hay de que recomiendes la Feria Digital a un colega?' });
    await score.getByRole('radio', { name: '9', exact: true }).check();
    await page.getByLabel('¿Cuál es la razón principal de tu puntuación?', { exact: false }).fill('Las charlas en español');
    await page.getByRole('button', { name: 'Enviar mi respuesta' }).click();
    await page.getByText('Gracias: tu respuesta está guardada.', { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // She changes her mind after a reload: her answer is there, and she makes it a 10.
    await page.reload();
    const nine = page.getByRole('radio', { name: '9', exact: true });
    await nine.waitFor();
    expect(await nine.isChecked()).toBe(true);
    expect(await page.getByLabel('¿Cuál es la razón principal de tu puntuación?', { exact: false }).inputValue()).toBe('Las charlas en español');
    await page.getByRole('radio', { name: '10', exact: true }).check();
    await page.getByRole('button', { name: 'Cambiar mi respuesta' }).click();
    await page.getByText('Gracias: tu respuesta está guardada.', { exact: false }).waitFor();

    // Back in the lobby, the prompt is not shown again; "You said, we did" is one link away.
    await page.goto(fair.server.baseUrl);
    const youSaid = page.getByRole('link', { name: 'Ustedes dijeron, nosotros actuamos', exact: false });
    await youSaid.waitFor();
    expect(await page.getByRole('link', { name: 'Responder la encuesta' }).count()).toBe(0);
    await youSaid.click();
    await page.getByRole('heading', { level: 1, name: 'Ustedes dijeron, nosotros actuamos' }).waitFor();
    await page.getByText('Todavía no se ha publicado nada.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();

    // The organiser sees one answer: NPS 100, and no breakdown for any group that small.
    await organiser.reload();
    const results = organiser.getByRole('region', { name: 'Results of survey no. 1' });
    await results.getByText('NPS: 100').waitFor();
    expect(await results.getByText('Too few answers to show (fewer than 5)').count()).toBe(5);
    await results.getByText('Las charlas en español').waitFor();
    expect(await results.getByRole('link', { name: 'Download the anonymised answers (CSV)' }).getAttribute('href')).toBe('/api/surveys/1/results?format=csv');
    await organiser.context().close();
  });
});
