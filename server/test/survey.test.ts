import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountExport } from '../../shared/privacy.js';
import type { CurrentSurvey, SurveyResults } from '../../shared/survey.js';
import { boothVisits } from '../db/tables.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, type TestServer } from './harness.js';

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

async function member(email: string, role: 'member' | 'host' = 'member'): Promise<{ client: TestClient; id: string }> {
  const id = await createUser(server.db, { email, displayName: email.split('@')[0]!, role });
  const client = new TestClient(server.baseUrl);
  await client.login(email);
  return { client, id };
}

async function newSurvey(): Promise<number> {
  const made = await admin.post('/api/surveys', { template: 'nps' });
  expect(made.status).toBe(201);
  expect(made.body).toMatchObject({ template: 'nps', status: 'draft' });
  return made.body.id as number;
}

const patch = (client: TestClient, id: number, status: string) => client.request('PATCH', `/api/surveys/${id}`, { status });

describe('the fair survey', () => {
  let surveyId: number;

  it('is made from the NPS template and, once opened, shown to members in their language and delivered to every inbox', async () => {
    surveyId = await newSurvey();
    const amina = new TestClient(server.baseUrl, { 'accept-language': 'es' });
    await amina.login('member@fair.test');
    expect((await amina.get('/api/surveys/current')).body).toEqual({ survey: null, answer: null });

    expect((await patch(admin, surveyId, 'open')).body).toMatchObject({ id: surveyId, status: 'open' });
    const current = (await amina.get('/api/surveys/current')).body as unknown as CurrentSurvey;
    expect(current.survey).toMatchObject({ id: surveyId, language: 'es', questions: { recommend: '¿Qué probabilidad hay de que recomiendes la Feria Digital a un colega?' } });
    expect((await amina.get('/api/surveys/current?lang=fr')).body.survey).toMatchObject({ language: 'fr', questions: { change: 'Quelle chose devrions-nous changer ?' } });
    expect(current.answer).toBeNull();

    const inbox = (await amina.get('/api/inbox')).body as { notices: { kind: string; payload: Record<string, unknown> }[] };
    expect(inbox.notices.filter((n) => n.kind === 'survey_open')).toEqual([expect.objectContaining({ payload: { surveyId } })]);

    const audit = await server.sql<{ action: string; details: string }>("SELECT action, details FROM audit_log WHERE action LIKE 'survey:%'");
    expect(audit.map((row) => row.action)).toEqual(['survey:open']);
  });

  it('keeps one survey open at a time', async () => {
    const other = await newSurvey();
    const refused = await patch(admin, other, 'open');
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('CONFLICT');
    expect((await admin.get('/api/surveys')).body.surveys).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: other, status: 'draft' }), expect.objectContaining({ id: surveyId, status: 'open' })]),
    );
  });

  it('takes one answer per member, changeable until it closes, then refuses', async () => {
    const luis = new TestClient(server.baseUrl);
    await luis.login('member2@fair.test');
    const first = await luis.request('PUT', `/api/surveys/${surveyId}/response`, { answers: { recommend: 9, reason: 'Buenas charlas' }, language: 'es' });
    expect(first.status).toBe(200);
    const changed = await luis.request('PUT', `/api/surveys/${surveyId}/response`, { answers: { recommend: 10, reason: 'Muy buenas charlas', change: '' }, language: 'es' });
    expect(changed.body).toEqual({ answer: { recommend: 10, reason: 'Muy buenas charlas' } });
    expect((await luis.get('/api/surveys/current')).body.answer).toEqual({ recommend: 10, reason: 'Muy buenas charlas' });
    const rows = await server.sql<{ n: number }>('SELECT count(*) AS n FROM survey_responses WHERE survey_id = ?', [surveyId]);
    expect(Number(rows[0]!.n)).toBe(1);

    const bad = await luis.request('PUT', `/api/surveys/${surveyId}/response`, { answers: { recommend: 11 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'answers.recommend' } });
    expect((await luis.request('PUT', '/api/surveys/99999/response', { answers: { recommend: 3 } })).status).toBe(404);

    expect((await patch(admin, surveyId, 'closed')).body).toMatchObject({ status: 'closed' });
    const late = await luis.request('PUT', `/api/surveys/${surveyId}/response`, { answers: { recommend: 2 } });
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('CONFLICT');
    expect((await luis.get('/api/surveys/current')).body).toEqual({ survey: null, answer: null });
    const audit = await server.sql<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'survey:%' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(['survey:open', 'survey:close']);
  });
});

describe('the survey results', () => {
  let surveyId: number;

  beforeAll(async () => {
    // Close whatever the first part left open, then a fresh survey.
    for (const survey of (await admin.get('/api/surveys')).body.surveys as { id: number; status: string }[]) {
      if (survey.status === 'open') await patch(admin, survey.id, 'closed');
    }
    surveyId = await newSurvey();
    await patch(admin, surveyId, 'open');
    // 6 promoters, 2 passives, 2 detractors: 5 answers in Spanish, 4 in French, 1 in English; 2 hosts.
    const scores = [10, 9, 9, 10, 9, 10, 8, 7, 3, 6];
    const languages = ['es', 'es', 'es', 'es', 'es', 'fr', 'fr', 'fr', 'fr', 'en'];
    const boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
    for (const [i, score] of scores.entries()) {
      const { client, id } = await member(`nps${i}@fair.test`, i < 2 ? 'host' : 'member');
      const answers = i === 0 ? { recommend: score, reason: 'Great = people', change: 'More Spanish sessions' } : { recommend: score };
      expect((await client.request('PUT', `/api/surveys/${surveyId}/response`, { answers, language: languages[i] })).status).toBe(200);
      // Everyone but the last came to a booth.
      if (i < 9) await server.db.insert(boothVisits).values({ boothId, userId: id, joinedAt: new Date() });
    }
    // And one who came to a booth twice and did not answer.
    const [luis] = await server.sql<{ id: string }>("select id from users where email = 'member2@fair.test'");
    for (let visit = 0; visit < 2; visit++) await server.db.insert(boothVisits).values({ boothId, userId: luis!.id, joinedAt: new Date() });
  });

  it('computes the NPS, the distribution, and who answered out of who came', async () => {
    const results = (await admin.get(`/api/surveys/${surveyId}/results`)).body as unknown as SurveyResults;
    // Came: the nine who visited a booth, the one who answered without, and the one who visited without answering.
    expect(results).toMatchObject({ responses: 10, promoters: 6, passives: 2, detractors: 2, nps: 40, answered: 10, came: 11 });
    expect(results.distribution).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 1, 3, 3]);
    expect(results.comments).toEqual({ reason: ['Great = people'], change: ['More Spanish sessions'] });
  });

  it('shows no breakdown for a group of fewer than five answers', async () => {
    const results = (await admin.get(`/api/surveys/${surveyId}/results`)).body as unknown as SurveyResults;
    // Spanish: 10, 9, 9, 10, 9 → five promoters.
    expect(results.byLanguage.es).toEqual({ tooFew: false, responses: 5, promoters: 5, passives: 0, detractors: 0, nps: 100 });
    expect(results.byLanguage.fr).toEqual({ tooFew: true });
    expect(results.byLanguage.en).toEqual({ tooFew: true });
    expect(results.byRole.hosts).toEqual({ tooFew: true });
    expect(results.byRole.members).toMatchObject({ tooFew: false, responses: 8 });
  });

  it('exports the answers as CSV without ids or names', async () => {
    const response = await admin.get(`/api/surveys/${surveyId}/results?format=csv`);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = response.body as unknown as string;
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('"recommend","reason","change","language"');
    expect(lines).toHaveLength(11);
    expect(csv).toContain('"10","Great = people","More Spanish sessions","es"');
    const people = await server.sql<{ id: string; display_name: string; email: string }>("SELECT id, display_name, email FROM users WHERE email LIKE 'nps%'");
    for (const person of people) {
      expect(csv).not.toContain(person.id);
      expect(csv).not.toContain(person.display_name);
      expect(csv).not.toContain(person.email);
    }
  });

  it('is in the member’s data export, and erasing the account removes the answer', async () => {
    const { client, id } = await member('leaving@fair.test');
    await client.request('PUT', `/api/surveys/${surveyId}/response`, { answers: { recommend: 4, reason: 'Too noisy' }, language: 'fr' });
    const exported = (await client.get('/api/me/export')).body as unknown as AccountExport;
    expect(exported.surveyAnswers).toEqual([expect.objectContaining({ surveyId, answers: { recommend: 4, reason: 'Too noisy' }, language: 'fr' })]);
    expect((await admin.request('DELETE', `/api/admin/users/${id}`)).status).toBe(204);
    expect(await server.sql('SELECT survey_id FROM survey_responses WHERE user_id = ?', [id])).toEqual([]);
  });

  it('refuses members the results and the management routes', async () => {
    const amina = new TestClient(server.baseUrl);
    await amina.login('member@fair.test');
    expect((await amina.get(`/api/surveys/${surveyId}/results`)).status).toBe(403);
    expect((await amina.post('/api/surveys', { template: 'nps' })).status).toBe(403);
    expect((await patch(amina, surveyId, 'closed')).status).toBe(403);
    expect((await new TestClient(server.baseUrl).get('/api/surveys/current')).status).toBe(401);
    expect((await admin.post('/api/surveys', { template: 'custom' })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'template' } });
  });
});
