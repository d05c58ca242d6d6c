import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentSurvey, SurveyQuestionResult, SurveyResults, SurveySummary } from '../../shared/survey.js';
import { createUser, startTestServer, TestClient, type TestServer } from './harness.js';

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = new TestClient(server.baseUrl);
  await admin.login('admin@fair.test');
});
afterAll(async () => {
  await server?.close();
});

async function person(email: string, role: 'member' | 'host' = 'member', language?: string): Promise<TestClient> {
  await createUser(server.db, { email, displayName: email.split('@')[0]!, role });
  const client = new TestClient(server.baseUrl, language ? { 'accept-language': language } : undefined);
  await client.login(email);
  return client;
}

const patch = (id: number, status: string) => admin.request('PATCH', `/api/surveys/${id}`, { status });
const answer = (client: TestClient, id: number, answers: Record<string, unknown>, language?: string) =>
  client.request('PUT', `/api/surveys/${id}/response`, { answers, ...(language ? { language } : {}) });

/** An organiser's two-language survey: a rating, a choice, a free text. */
const ALLIANCE_SURVEY = {
  title: { es: 'Encuesta de la alianza', fr: 'Enquête de l’alliance' },
  questions: [
    { key: 'sessions', kind: 'rating', text: { es: '¿Qué te parecieron las sesiones?', fr: 'Qu’avez-vous pensé des sessions ?' } },
    {
      key: 'next_format',
      kind: 'choice',
      text: { es: '¿Qué formato prefieres para la próxima feria?', fr: 'Quel format préférez-vous pour la prochaine foire ?' },
      options: [
        { key: 'online', text: { es: 'En línea', fr: 'En ligne' } },
        { key: 'hybrid', text: { es: 'Híbrida', fr: 'Hybride' } },
        { key: 'in_person', text: { es: 'Presencial', fr: 'En présentiel' } },
      ],
    },
    { key: 'ideas', kind: 'text', text: { es: '¿Alguna idea?', fr: 'Des idées ?' } },
  ],
};

describe('an organiser’s own survey', () => {
  let surveyId: number;

  it('is written in two languages, audited, and listed with its questions', async () => {
    const made = await admin.post('/api/surveys', ALLIANCE_SURVEY);
    expect(made.status).toBe(201);
    const survey = made.body as unknown as SurveySummary;
    expect(survey).toMatchObject({ template: 'custom', status: 'draft', title: ALLIANCE_SURVEY.title });
    expect(survey.questions.map((q) => [q.key, q.kind, q.required])).toEqual([
      ['sessions', 'rating', true],
      ['next_format', 'choice', true],
      ['ideas', 'text', undefined],
    ]);
    surveyId = survey.id;
    const audit = await server.sql<{ action: string; details: string | Record<string, unknown> }>("SELECT action, details FROM audit_log WHERE action LIKE 'survey:%'");
    expect(audit.map((row) => row.action)).toEqual(['survey:create']);
    const details = audit[0]!.details;
    expect(typeof details === 'string' ? JSON.parse(details) : details).toMatchObject({ surveyId, template: 'custom', questions: 3 });
  });

  it('refuses a survey that is not whole, saying what is missing where', async () => {
    const refused = async (body: unknown) => {
      const response = await admin.post('/api/surveys', body);
      expect(response.status).toBe(400);
      expect(response.body.error?.code).toBe('INVALID_PAYLOAD');
      return response.body.error as unknown as { message: string; details: { field: string } };
    };
    expect(await refused({ questions: [] })).toMatchObject({ details: { field: 'questions' } });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `q${i}`, kind: 'text', text: { en: 'Why?' } }));
    expect((await refused({ questions: eleven })).details.field).toBe('questions');
    const twice = await refused({ questions: [{ key: 'a', kind: 'rating', text: { en: 'One' } }, { key: 'a', kind: 'text', text: { en: 'Two' } }] });
    expect(twice).toMatchObject({ details: { field: 'questions.1.key' } });
    expect(twice.message).toContain('unique');
    expect(await refused({ questions: [{ key: 'a', kind: 'rating', text: { en: '  ' } }] })).toMatchObject({ details: { field: 'questions.0.text' } });
    const noFrench = await refused({ questions: [{ key: 'a', kind: 'rating', text: { es: 'Uno', fr: 'Un' } }, { key: 'b', kind: 'text', text: { es: 'Dos' } }] });
    expect(noFrench.details.field).toBe('questions.1.text.fr');
    expect(noFrench.message).toBe(
      'Question 2 (b) has no French text, but question 1 (a) has: write it in French too, or remove the French text everywhere.',
    );
    const oneOption = await refused({ questions: [{ key: 'a', kind: 'choice', text: { en: 'Which?' }, options: [{ text: { en: 'Only' } }] }] });
    expect(oneOption.details.field).toBe('questions.0.options');
    const optionLanguage = await refused({
      questions: [{ key: 'a', kind: 'choice', text: { en: 'Which?', es: '¿Cuál?' }, options: [{ text: { en: 'Yes', es: 'Sí' } }, { text: { en: 'No' } }] }],
    });
    expect(optionLanguage.details.field).toBe('questions.0.options.1.text.es');
    expect((await refused({ questions: [{ key: 'a', kind: 'dance', text: { en: 'Hm' } }] })).details.field).toBe('questions.0.kind');
    // The NPS template with its wording changed keeps its keys and kinds.
    expect((await refused({ template: 'nps', questions: [{ key: 'recommend', kind: 'rating', text: { en: 'Hm' } }] })).details.field).toBe('questions');
  });

  it('has its questions changed while a draft, and not once opened (409)', async () => {
    const changed = await admin.request('PUT', `/api/surveys/${surveyId}/questions`, {
      ...ALLIANCE_SURVEY,
      questions: ALLIANCE_SURVEY.questions.map((q) => (q.key === 'sessions' ? { ...q, text: { es: '¿Qué tal las sesiones?', fr: 'Et les sessions ?' } } : q)),
    });
    expect(changed.status).toBe(200);
    expect((changed.body as unknown as SurveySummary).questions[0]!.text).toEqual({ es: '¿Qué tal las sesiones?', fr: 'Et les sessions ?' });
    expect((await admin.request('PUT', `/api/surveys/${surveyId}/questions`, { questions: [{ key: 'x', kind: 'text', text: { en: 'Hm' } }, { key: 'x', kind: 'text', text: { en: 'Hm' } }] })).status).toBe(400);

    expect((await patch(surveyId, 'open')).status).toBe(200);
    const late = await admin.request('PUT', `/api/surveys/${surveyId}/questions`, ALLIANCE_SURVEY);
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('CONFLICT');
    expect(late.body.error?.message).toContain('has been opened: its questions can no longer change');
    const audit = await server.sql<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'survey:%' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(['survey:create', 'survey:questions', 'survey:open']);

    const amina = new TestClient(server.baseUrl);
    await amina.login('member@fair.test');
    expect((await amina.request('PUT', `/api/surveys/${surveyId}/questions`, ALLIANCE_SURVEY)).status).toBe(403);
  });

  it('is shown in each member’s language, falling back to one it has', async () => {
    const inSpanish = await person('ana@fair.test', 'member', 'es');
    const current = (await inSpanish.get('/api/surveys/current')).body as unknown as CurrentSurvey;
    expect(current.survey).toMatchObject({ id: surveyId, template: 'custom', language: 'es', title: 'Encuesta de la alianza', questions: { sessions: '¿Qué tal las sesiones?' } });
    expect(current.survey!.items[1]).toEqual({
      key: 'next_format',
      kind: 'choice',
      text: '¿Qué formato prefieres para la próxima feria?',
      required: true,
      options: [
        { key: 'online', text: 'En línea' },
        { key: 'hybrid', text: 'Híbrida' },
        { key: 'in_person', text: 'Presencial' },
      ],
    });
    expect((await inSpanish.get('/api/surveys/current?lang=fr')).body.survey).toMatchObject({ language: 'fr', title: 'Enquête de l’alliance', questions: { ideas: 'Des idées ?' } });
    // No English: the first language it has (Spanish).
    expect((await inSpanish.get('/api/surveys/current?lang=en')).body.survey).toMatchObject({ language: 'es' });
  });

  it('takes answers checked against its own questions, in each language, changeable while open', async () => {
    const bea = await person('bea@fair.test', 'member', 'fr');
    const invalid = async (answers: Record<string, unknown>, field: string) => {
      const response = await answer(bea, surveyId, answers, 'fr');
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field } });
    };
    await invalid({ next_format: 'online' }, 'answers.sessions');
    await invalid({ sessions: 6, next_format: 'online' }, 'answers.sessions');
    await invalid({ sessions: 4.5, next_format: 'online' }, 'answers.sessions');
    await invalid({ sessions: 4, next_format: 'on the moon' }, 'answers.next_format');
    await invalid({ sessions: 4, next_format: 'online', recommend: 9 }, 'answers.recommend');
    await invalid({ sessions: 4, next_format: 'online', ideas: 3 }, 'answers.ideas');

    const first = await answer(bea, surveyId, { sessions: 3, next_format: 'online', ideas: '' }, 'fr');
    expect(first.body).toEqual({ answer: { sessions: 3, next_format: 'online' } });
    const changed = await answer(bea, surveyId, { sessions: 4, next_format: 'hybrid', ideas: 'Plus de pauses' }, 'fr');
    expect(changed.body).toEqual({ answer: { sessions: 4, next_format: 'hybrid', ideas: 'Plus de pauses' } });
    expect((await bea.get('/api/surveys/current')).body.answer).toEqual({ sessions: 4, next_format: 'hybrid', ideas: 'Plus de pauses' });
    const rows = await server.sql<{ n: number }>('SELECT count(*) AS n FROM survey_responses WHERE survey_id = ?', [surveyId]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  describe('its results', () => {
    beforeAll(async () => {
      // Bea (above, French): 4, hybrid. Then five in Spanish (two hosts) and two more in French.
      const answers: [string, 'member' | 'host', string, number, string, string?][] = [
        ['es1@fair.test', 'host', 'es', 5, 'in_person', 'Más tiempo para hablar'],
        ['es2@fair.test', 'host', 'es', 4, 'hybrid'],
        ['es3@fair.test', 'member', 'es', 5, 'hybrid'],
        ['es4@fair.test', 'member', 'es', 2, 'online'],
        ['es5@fair.test', 'member', 'es', 4, 'hybrid'],
        ['fr1@fair.test', 'member', 'fr', 3, 'online'],
        ['fr2@fair.test', 'member', 'fr', 1, 'hybrid'],
      ];
      for (const [email, role, language, sessions, format, ideas] of answers) {
        const client = await person(email, role, language);
        expect((await answer(client, surveyId, { sessions, next_format: format, ...(ideas ? { ideas } : {}) }, language)).status).toBe(200);
      }
    });

    const resultsOf = async () => (await admin.get(`/api/surveys/${surveyId}/results`)).body as unknown as SurveyResults;
    const question = <K extends SurveyQuestionResult['kind']>(results: SurveyResults, key: string, kind: K) => {
      const found = results.questions.find((q) => q.key === key);
      expect(found?.kind).toBe(kind);
      return found as Extract<SurveyQuestionResult, { kind: K }>;
    };

    it('gives each question its own figures: a rating’s average and distribution, a choice’s counts, a text’s comments', async () => {
      const results = await resultsOf();
      expect(results).toMatchObject({ answered: 8, responses: 8, nps: null, comments: { ideas: ['Plus de pauses', 'Más tiempo para hablar'] } });
      expect(results.came).toBeGreaterThanOrEqual(8);
      const sessions = question(results, 'sessions', 'rating');
      // 4 + 5 + 4 + 5 + 2 + 4 + 3 + 1 = 28 over 8.
      expect(sessions).toMatchObject({ responses: 8, average: 3.5, distribution: [1, 1, 1, 3, 2] });
      const format = question(results, 'next_format', 'choice');
      expect(format.options.map((o) => [o.key, o.count])).toEqual([
        ['online', 2],
        ['hybrid', 5],
        ['in_person', 1],
      ]);
      expect(format.options[0]!.text).toEqual({ es: 'En línea', fr: 'En ligne' });
      expect(question(results, 'ideas', 'text').comments).toEqual(['Plus de pauses', 'Más tiempo para hablar']);
    });

    it('shows no breakdown of a custom question for a group of fewer than five answers', async () => {
      const results = await resultsOf();
      const sessions = question(results, 'sessions', 'rating');
      // Spanish: 5, 4, 5, 2, 4.
      expect(sessions.byLanguage.es).toEqual({ tooFew: false, responses: 5, average: 4, distribution: [0, 1, 0, 2, 2] });
      expect(sessions.byLanguage.fr).toEqual({ tooFew: true });
      expect(sessions.byLanguage.en).toEqual({ tooFew: true });
      expect(sessions.byRole.hosts).toEqual({ tooFew: true });
      expect(sessions.byRole.members).toMatchObject({ tooFew: false, responses: 6 });
      const format = question(results, 'next_format', 'choice');
      expect(format.byLanguage.es).toEqual({ tooFew: false, responses: 5, counts: { online: 1, hybrid: 3, in_person: 1 } });
      expect(format.byLanguage.fr).toEqual({ tooFew: true });
      expect(format.byRole.hosts).toEqual({ tooFew: true });
    });

    it('exports a column per question, anonymised', async () => {
      const response = await admin.get(`/api/surveys/${surveyId}/results?format=csv`);
      const csv = response.body as unknown as string;
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe('"sessions","next_format","ideas","language"');
      expect(lines).toHaveLength(9);
      // A choice shows the option in the survey's first language (Spanish here).
      expect(csv).toContain('"5","Presencial","Más tiempo para hablar","es"');
      expect(csv).toContain('"4","Híbrida","Plus de pauses","fr"');
      const people = await server.sql<{ id: string; display_name: string; email: string }>("SELECT id, display_name, email FROM users WHERE email LIKE 'es%' OR email LIKE 'fr%' OR email LIKE 'bea%'");
      for (const one of people) {
        expect(csv).not.toContain(one.id);
        expect(csv).not.toContain(one.email);
      }
    });

    it('refuses answers once closed', async () => {
      expect((await patch(surveyId, 'closed')).status).toBe(200);
      const late = await answer(await person('late@fair.test'), surveyId, { sessions: 5, next_format: 'online' });
      expect(late.status).toBe(409);
    });
  });
});

describe('the NPS template with its wording changed', () => {
  it('stays the NPS template, with the same results shape, and becomes the organiser’s own once its questions change', async () => {
    const wording = { en: 'Would you recommend this fair to another organisation in the alliance?', es: '¿Recomendarías esta feria a otra organización de la alianza?', fr: 'Recommanderiez-vous cette foire à une autre organisation de l’alliance ?' };
    const made = await admin.post('/api/surveys', {
      template: 'nps',
      questions: [
        { key: 'recommend', kind: 'nps', text: wording },
        { key: 'reason', kind: 'text', text: { en: 'Why?', es: '¿Por qué?', fr: 'Pourquoi ?' } },
        { key: 'change', kind: 'text', text: { en: 'What should change?', es: '¿Qué cambiar?', fr: 'Que changer ?' } },
      ],
    });
    expect(made.status).toBe(201);
    const id = (made.body as unknown as SurveySummary).id;
    expect(made.body).toMatchObject({ template: 'nps' });
    expect((await patch(id, 'open')).status).toBe(200);
    const carla = await person('carla@fair.test', 'member', 'fr');
    expect((await carla.get('/api/surveys/current')).body.survey).toMatchObject({ template: 'nps', questions: { recommend: wording.fr, reason: 'Pourquoi ?' } });
    expect((await answer(carla, id, { recommend: 9, reason: 'Utile' }, 'fr')).status).toBe(200);
    const results = (await admin.get(`/api/surveys/${id}/results`)).body as unknown as SurveyResults;
    expect(results).toMatchObject({ responses: 1, promoters: 1, passives: 0, detractors: 0, nps: 100, comments: { reason: ['Utile'], change: [] } });
    expect(results.distribution).toHaveLength(11);
    expect(results.questions.map((q) => q.kind)).toEqual(['nps', 'text', 'text']);
    expect((await admin.get(`/api/surveys/${id}/results?format=csv`)).body).toContain('"recommend","reason","change","language"');
    // The accountability report counts this survey's NPS question.
    expect((await admin.get('/api/accountability/report')).body.survey).toMatchObject({ surveyId: id, responses: 1, promoters: 1, nps: 100 });
    await patch(id, 'closed');

    // A draft from the template that gets a new question is the organiser's own.
    const draft = ((await admin.post('/api/surveys', { template: 'nps' })).body as unknown as SurveySummary);
    const extended = await admin.request('PUT', `/api/surveys/${draft.id}/questions`, {
      questions: [...draft.questions, { key: 'venue', kind: 'rating', text: NPS_LIKE_TEXT, required: false }],
    });
    expect(extended.body).toMatchObject({ template: 'custom' });
  });
});

const NPS_LIKE_TEXT = { en: 'How was the venue?', es: '¿Qué tal el lugar?', fr: 'Et le lieu ?' };
