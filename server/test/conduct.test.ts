import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONDUCT } from '../seed/demo-conduct.js';
import { boothIdsBySlug, startTestServer, TestClient, type TestServer } from './harness.js';
import { openSocket, connected, request, type ClientSocket } from './sockets.js';

// A fresh demo fair: its code of conduct (version 1) is published and nobody has accepted it.
let server: TestServer;
let boothId: number;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ conductAccepted: false });
  boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

async function signIn(email: string): Promise<{ client: TestClient; socket: ClientSocket; pending: number | null | undefined }> {
  const client = new TestClient(server.baseUrl);
  const login = await client.login(email, undefined, { conduct: 'pending' });
  const socket = openSocket(server.baseUrl, client.cookie);
  sockets.push(socket);
  await connected(socket);
  return { client, socket, pending: (login.body.user as { conductPending?: number | null }).conductPending };
}

async function presentIds(socket: ClientSocket): Promise<string[]> {
  const ack = await request(socket, 'presence:list', { boothId });
  return ack.ok ? ack.data.entries.map((entry) => entry.userId) : [];
}

describe('the code of conduct', () => {
  it('is read by anyone in their language: asked for, else the browser’s, else English', async () => {
    const anyone = new TestClient(server.baseUrl);
    expect((await anyone.get('/api/conduct')).body).toEqual({ version: 1, text: DEMO_CONDUCT.en, language: 'en', accepted: false });
    expect((await anyone.get('/api/conduct?lang=fr')).body).toMatchObject({ version: 1, text: DEMO_CONDUCT.fr, language: 'fr' });
    const spanish = new TestClient(server.baseUrl, { 'accept-language': 'es-CO,es;q=0.9' });
    expect((await spanish.get('/api/conduct')).body).toMatchObject({ text: DEMO_CONDUCT.es, language: 'es' });
  });

  it('keeps a member out of every booth until they accept it, leaving no trace of the refused join', async () => {
    const amina = await signIn('member@fair.test');
    expect(amina.pending).toBe(1);
    expect((await amina.client.get('/api/me')).body.user).toMatchObject({ conductPending: 1 });

    const refused = await request(amina.socket, 'booth:join', { boothId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONDUCT_NOT_ACCEPTED', details: { version: 1 } } });
    const luis = await signIn('member2@fair.test');
    await luis.client.post('/api/conduct/accept', { version: 1 });
    expect((await request(luis.socket, 'booth:join', { boothId })).ok).toBe(true);
    const aminaId = ((await amina.client.get('/api/me')).body.user as { id: string }).id;
    expect(await presentIds(luis.socket)).not.toContain(aminaId);

    const accepted = await amina.client.post('/api/conduct/accept', { version: 1 });
    expect(accepted.status).toBe(200);
    expect((await amina.client.get('/api/conduct')).body).toMatchObject({ version: 1, accepted: true });
    expect((await amina.client.get('/api/me')).body.user).toMatchObject({ conductPending: null });
    // The same connection, without signing in again.
    expect((await request(amina.socket, 'booth:join', { boothId })).ok).toBe(true);
    expect(await presentIds(luis.socket)).toContain(aminaId);
  });

  it('holds staff to it too', async () => {
    const claire = await signIn('host@fair.test');
    expect((await request(claire.socket, 'booth:join', { boothId })).ok).toBe(false);
    await claire.client.post('/api/conduct/accept', { version: 1 });
    expect((await request(claire.socket, 'booth:join', { boothId })).ok).toBe(true);
  });

  it('refuses accepting a version that is not the current one, or with no session', async () => {
    const kofi = await signIn('moderator@fair.test');
    const old = await kofi.client.post('/api/conduct/accept', { version: 7 });
    expect(old.status).toBe(409);
    expect(old.body.error).toMatchObject({ code: 'CONFLICT', details: { version: 1 } });
    expect((await kofi.client.post('/api/conduct/accept', { version: 'one' })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'version' } });
    expect((await new TestClient(server.baseUrl).post('/api/conduct/accept', { version: 1 })).status).toBe(401);
    expect((await kofi.client.get('/api/me')).body.user).toMatchObject({ conductPending: 1 });
  });

  it('asks everyone again when organisers change it, even on a connection opened before; the same text publishes nothing', async () => {
    const sam = await signIn('admin@fair.test');
    await sam.client.post('/api/conduct/accept', { version: 1 });
    const amina = await signIn('member@fair.test'); // accepted version 1 above
    expect(amina.pending).toBeNull();
    expect((await request(amina.socket, 'booth:join', { boothId })).ok).toBe(true);

    expect((await sam.client.get('/api/admin/conduct')).body).toMatchObject({ version: 1, text: DEMO_CONDUCT });
    const unchanged = await sam.client.request('PUT', '/api/admin/conduct', { baseVersion: 1, text: DEMO_CONDUCT });
    expect(unchanged.body).toMatchObject({ version: 1 });

    const text = { ...DEMO_CONDUCT, en: `${DEMO_CONDUCT.en}\n\n- Be patient with people on slow connections.` };
    const published = await sam.client.request('PUT', '/api/admin/conduct', { baseVersion: 1, text });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 2, text });
    // Its author has accepted it; an organiser still editing version 1 is told, not overwritten.
    expect((await sam.client.get('/api/me')).body.user).toMatchObject({ conductPending: null });
    const stale = await sam.client.request('PUT', '/api/admin/conduct', { baseVersion: 1, text: { en: 'An older draft.' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { version: 2 } });
    expect((await sam.client.get('/api/admin/conduct')).body).toMatchObject({ version: 2, text });
    const audit = (await sam.client.get('/api/moderation/audit?limit=1')).body.entries as { action: string; details: unknown }[];
    expect(audit[0]).toMatchObject({ action: 'conduct:publish', details: { version: 2, languages: ['en', 'es', 'fr'] } });

    // Already in a booth, Amina stays; entering (again) needs version 2.
    await request(amina.socket, 'booth:leave', { boothId });
    expect(await request(amina.socket, 'booth:join', { boothId })).toMatchObject({ ok: false, error: { code: 'CONDUCT_NOT_ACCEPTED', details: { version: 2 } } });
    expect((await amina.client.get('/api/conduct')).body).toMatchObject({ version: 2, accepted: false, text: text.en });
    expect((await amina.client.post('/api/conduct/accept', { version: 1 })).body.error).toMatchObject({ code: 'CONFLICT', details: { version: 2 } });
    await amina.client.post('/api/conduct/accept', { version: 2 });
    expect((await request(amina.socket, 'booth:join', { boothId })).ok).toBe(true);
  });

  it('refuses an empty text, an unknown language and anyone but organisers', async () => {
    const sam = new TestClient(server.baseUrl);
    await sam.login('admin@fair.test', undefined, { conduct: 'pending' });
    expect((await sam.request('PUT', '/api/admin/conduct', { baseVersion: 2, text: {} })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'text' } });
    expect((await sam.request('PUT', '/api/admin/conduct', { baseVersion: 2, text: { en: '   ' } })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await sam.request('PUT', '/api/admin/conduct', { baseVersion: 2, text: { de: 'Seid nett.' } })).body.error?.code).toBe('INVALID_PAYLOAD');
    expect((await sam.request('PUT', '/api/admin/conduct', { text: { en: 'No base.' } })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'baseVersion' } });
    const kofi = new TestClient(server.baseUrl);
    await kofi.login('moderator@fair.test', undefined, { conduct: 'pending' });
    expect((await kofi.request('PUT', '/api/admin/conduct', { baseVersion: 2, text: { en: 'Mine now.' } })).status).toBe(403);
    expect((await kofi.get('/api/admin/conduct')).status).toBe(403);
    expect((await sam.get('/api/admin/conduct')).body).toMatchObject({ version: 2 });
  });
});

describe('a fair whose organisers have published no code of conduct', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer({ conductAccepted: false });
    await bare.sql('DELETE FROM conduct_versions');
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('asks nobody to accept one', async () => {
    const client = new TestClient(bare.baseUrl);
    const login = await client.login('member@fair.test', undefined, { conduct: 'pending' });
    expect(login.body.user).toMatchObject({ conductPending: null });
    expect((await client.get('/api/conduct')).body).toEqual({ version: 0, text: '', language: null, accepted: false });
    expect((await client.post('/api/conduct/accept', { version: 1 })).status).toBe(404);
    const socket = openSocket(bare.baseUrl, client.cookie);
    await connected(socket);
    const id = (await boothIdsBySlug(bare.baseUrl))['peace-direct']!;
    expect((await request(socket, 'booth:join', { boothId: id })).ok).toBe(true);
    socket.disconnect();
  });
});
