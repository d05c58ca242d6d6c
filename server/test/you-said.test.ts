import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseView } from '../../shared/you-said.js';
import { complaints } from '../db/tables.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';

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

async function signIn(email: string, headers: Record<string, string> = {}): Promise<{ client: TestClient; id: string }> {
  const client = new TestClient(server.baseUrl, headers);
  await client.login(email);
  return { client, id: ((await client.get('/api/me')).body.user as { id: string }).id };
}

async function responseNotices(client: TestClient) {
  const inbox = (await client.get('/api/inbox')).body as { notices: { kind: string; payload: Record<string, unknown> }[] };
  return inbox.notices.filter((notice) => notice.kind === 'response');
}

describe('you said, we did', () => {
  it('publishes a response that everyone reads in their language, newest first, with a fallback', async () => {
    const first = await admin.post('/api/responses', {
      title: { en: 'Captions in every session', es: 'Subtítulos en cada sesión', fr: 'Sous-titres à chaque séance' },
      body: { en: 'You asked for captions.', es: 'Pidieron subtítulos.', fr: 'Vous avez demandé des sous-titres.' },
      links: { themes: ['Accessibility'] },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ notified: 0 });
    await admin.post('/api/responses', { title: { en: 'Longer breaks' }, body: { en: 'Fifteen minutes between sessions.' } });

    const amina = await signIn('member@fair.test', { 'accept-language': 'es' });
    const list = (await amina.client.get('/api/responses')).body.responses as ResponseView[];
    expect(list.map((r) => r.title)).toEqual(['Longer breaks', 'Subtítulos en cada sesión']);
    expect(list[1]).toMatchObject({ body: 'Pidieron subtítulos.', links: { themes: ['accessibility'], complaintCategories: [], surveyId: null } });
    expect(((await amina.client.get('/api/responses?lang=fr')).body.responses as ResponseView[])[1]!.title).toBe('Sous-titres à chaque séance');

    const audit = await server.sql<{ action: string }>("SELECT action FROM audit_log WHERE action = 'response:publish'");
    expect(audit).toHaveLength(2);
  });

  it('tells each member whose named complaint is in a linked category, once, and nobody else', async () => {
    const amina = await signIn('member@fair.test');
    const luis = await signIn('member2@fair.test');
    const claire = await signIn('host@fair.test');
    await server.db.insert(complaints).values([
      { category: 'accessibility', body: 'No captions', filerId: amina.id },
      { category: 'technical', body: 'Video froze', filerId: amina.id },
      { category: 'accessibility', body: 'Small text', filerId: null, trackingHash: 'anonymous-hash' },
      { category: 'organisers', body: 'Late start', filerId: luis.id },
      { category: 'booth', body: 'Booth was empty', filerId: claire.id },
    ]);
    const published = await admin.post('/api/responses', {
      title: { en: 'Captions and stable video', fr: 'Sous-titres et vidéo stable' },
      body: { en: 'We fixed both.', fr: 'Nous avons corrigé les deux.' },
      links: { complaintCategories: ['accessibility', 'technical'] },
    });
    expect(published.status).toBe(201);
    // Amina filed twice in linked categories and hears once; the anonymous filer has no inbox to reach.
    expect(published.body.notified).toBe(1);
    expect(await responseNotices(amina.client)).toEqual([
      expect.objectContaining({ payload: { responseId: published.body.id, title: { en: 'Captions and stable video', fr: 'Sous-titres et vidéo stable' } } }),
    ]);
    expect(await responseNotices(luis.client)).toEqual([]);
    expect(await responseNotices(claire.client)).toEqual([]);
  });

  it('refuses members publishing, anyone signed out reading, and a bad body naming the field', async () => {
    const amina = await signIn('member@fair.test');
    expect((await amina.client.post('/api/responses', { title: { en: 'x' }, body: { en: 'y' } })).status).toBe(403);
    expect((await new TestClient(server.baseUrl).get('/api/responses')).status).toBe(401);
    const bad = await admin.post('/api/responses', { title: {}, body: { en: 'y' } });
    expect(bad.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'title' } });
  });
});
