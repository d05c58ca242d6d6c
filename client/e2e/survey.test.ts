import { expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { describeBrowser, signedInPage, useBrowserFair } from './browser.js';
import { TestClient } from '../../server/test/harness.js';
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

describeBrowser('an organiser’s own survey, in Chromium', () => {
  const fair = useBrowserFair();

  it('is written in French and Spanish in the console, opened, answered in Spanish on a phone, and its results shown per question', async () => {
    // Whatever another test left open is closed first: one survey is open at a time.
    const api = new TestClient(fair.server.baseUrl);
    await api.login('admin@fair.test');
    for (const survey of (await api.get('/api/surveys')).body.surveys as { id: number; status: string }[]) {
      if (survey.status === 'open') await api.request('PATCH', `/api/surveys/${survey.id}`, { status: 'closed' });
    }

    const organiser = await openConsole(fair.browser, fair.server.baseUrl);
    const section = organiser.getByRole('region', { name: 'Fair survey' });
    await section.getByRole('button', { name: 'Write your own survey' }).click();
    const form = section.getByRole('form', { name: 'New survey' });
    await form.getByLabel('Title, French').fill('Enquête de l’alliance');
    await form.getByLabel('Title, Spanish').fill('Encuesta de la alianza');
    // Question 1: a rating (the default kind).
    await form.getByLabel('Question 1, French').fill('Qu’avez-vous pensé des sessions ?');
    await form.getByLabel('Question 1, Spanish').fill('¿Qué te parecieron las sesiones?');
    // Question 2: a choice between two formats, written in French only at first.
    await form.getByRole('button', { name: 'Add a question' }).click();
    await form.getByLabel('Kind of answer, question 2').selectOption('choice');
    await form.getByLabel('Question 2, French').fill('Quel format pour la prochaine foire ?');
    const options = form.getByRole('group', { name: 'Options of question 2' });
    await options.getByLabel('Option 1, French').fill('En ligne');
    await options.getByLabel('Option 2, French').fill('Hybride');
    await form.getByRole('button', { name: 'Save the draft' }).click();
    await form
      .getByRole('alert')
      .getByText('Question 2 has no Spanish text, but the rest of the survey has: write it in Spanish too, or remove the Spanish text everywhere.')
      .waitFor();
    await form.getByLabel('Question 2, Spanish').fill('¿Qué formato para la próxima feria?');
    await options.getByLabel('Option 1, Spanish').fill('En línea');
    await options.getByLabel('Option 2, Spanish').fill('Híbrida');

    // The preview shows what members see, in each of the survey's languages.
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = form.getByRole('region', { name: 'Preview: what members see' });
    await preview.getByLabel('Preview in').selectOption('fr');
    await preview.getByRole('group', { name: 'Quel format pour la prochaine foire ?' }).getByRole('radio', { name: 'Hybride' }).waitFor();
    await preview.getByLabel('Preview in').selectOption('es');
    await preview.getByRole('group', { name: '¿Qué te parecieron las sesiones?' }).getByRole('radio', { name: '5', exact: true }).waitFor();
    expect(await seriousViolations(organiser)).toEqual([]);
    await organiser.setViewportSize({ width: 360, height: 740 });
    expect(await seriousViolations(organiser)).toEqual([]);
    await organiser.setViewportSize({ width: 1280, height: 800 });

    await form.getByRole('button', { name: 'Save the draft' }).click();
    await section.getByText('Draft saved. Open it when it is ready.').waitFor();
    const mine = ((await api.get('/api/surveys')).body.surveys as { id: number; template: string }[]).find((s) => s.template === 'custom')!;
    await section.getByRole('button', { name: `Open survey no. ${mine.id}` }).click();
    await section.getByRole('button', { name: `Close survey no. ${mine.id}` }).waitFor();

    // Amina, in Spanish, on a phone.
    const page = await signedInPage(fair, 'member@fair.test', { locale: 'es-ES', viewport: { width: 360, height: 740 } });
    await page.goto(fair.server.baseUrl);
    await page.getByText('La organización quiere saber tu opinión sobre la feria: una encuesta breve.').waitFor();
    await page.getByRole('link', { name: 'Responder la encuesta' }).click();
    await page.getByRole('heading', { level: 2, name: 'Encuesta de la alianza' }).waitFor();
    // Sending without choosing says which question is missing.
    await page.getByRole('button', { name: 'Enviar mi respuesta' }).click();
    await page.getByRole('alert').getByText('Responde esta pregunta: ¿Qué te parecieron las sesiones?').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('group', { name: '¿Qué te parecieron las sesiones?' }).getByRole('radio', { name: '4', exact: true }).check();
    await page.getByRole('group', { name: '¿Qué formato para la próxima feria?' }).getByRole('radio', { name: 'Híbrida' }).check();
    await page.getByRole('button', { name: 'Enviar mi respuesta' }).click();
    await page.getByText('Gracias: tu respuesta está guardada.', { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();

    // The organiser sees the result per question; every group is too small to break down.
    await organiser.reload();
    const results = organiser.getByRole('region', { name: `Results of survey no. ${mine.id}` });
    await results.getByText('Average: 4 out of 5 (1 answers)').waitFor();
    const format = results.getByRole('group', { name: 'Question 2: ¿Qué formato para la próxima feria?' });
    const counts = format.getByRole('region', { name: 'Answers per option, Question 2' });
    expect(await counts.getByRole('row', { name: 'Híbrida 1' }).count()).toBe(1);
    expect(await counts.getByRole('row', { name: 'En línea 0' }).count()).toBe(1);
    expect(await results.getByText('Too few answers to show (fewer than 5)').count()).toBe(10);
    expect(await seriousViolations(organiser)).toEqual([]);
    await organiser.context().close();
  });
});
