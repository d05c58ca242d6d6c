import { describe, expect, it } from 'vitest';
import type { AdminBooth, Booth } from '../../shared/booths.js';
import { createUser, TestClient } from './harness.js';
import { useSignedInFair } from './fair.js';
import { nextEvent, request, signedInSocket } from './sockets.js';

const fair = useSignedInFair('admin@fair.test');

const newBooth = {
  slug: 'defenders-desk',
  name: 'Defenders desk',
  network: 'Protection network',
  description: 'Digital security for human-rights defenders.',
  translations: {
    es: { name: 'Mesa de defensores', description: 'Seguridad digital para personas defensoras.' },
    fr: { name: 'Bureau des défenseurs', description: 'Sécurité numérique pour les défenseurs des droits.' },
  },
  languages: ['en', 'es', 'fr'],
  capacity: 40,
};

const patch = (id: number, body: unknown) => fair.client.request('PATCH', `/api/admin/booths/${id}`, body);
const adminBooths = async () => ((await fair.client.get('/api/admin/booths')).body as unknown as { booths: AdminBooth[] }).booths;
const lobby = async (client: TestClient) => (await client.get('/api/booths')).body as unknown as Booth[];

describe('organisers run booths', () => {
  let boothId: number;

  it('create a booth with its Spanish and French text; every open lobby gets it at once', async () => {
    const watcher = await signedInSocket(fair.server.baseUrl, 'member@fair.test');
    const announced = nextEvent(watcher.socket, 'booth:updated', (booth) => booth.slug === newBooth.slug);
    const res = await fair.client.post('/api/admin/booths', newBooth);
    expect(res.status).toBe(201);
    const booth = res.body.booth as Booth;
    boothId = booth.id;
    expect(booth).toMatchObject({ slug: 'defenders-desk', capacity: 40, status: 'open', translations: newBooth.translations });
    expect((await announced).translations.es?.name).toBe('Mesa de defensores');
    expect((await lobby(watcher.client)).map((b) => b.slug)).toContain('defenders-desk');
    watcher.socket.disconnect();

    expect((await fair.client.post('/api/admin/booths', newBooth)).body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });
    expect((await fair.client.post('/api/admin/booths', { ...newBooth, slug: 'Bad Slug' })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'slug' } });
    expect((await fair.client.post('/api/admin/booths', { ...newBooth, slug: 'x', capacity: 0 })).body.error).toMatchObject({ details: { field: 'capacity' } });
  });

  it('edit every field, and archive a booth: gone from the lobby, closed to members, kept for organisers', async () => {
    const edited = await patch(boothId, { capacity: 2, status: 'closed', languages: ['es'], translations: { fr: newBooth.translations.fr }, tags: ['seguridad'] });
    expect(edited.status).toBe(200);
    expect(edited.body.booth).toMatchObject({ capacity: 2, status: 'closed', languages: ['es'], tags: ['seguridad'], translations: { fr: newBooth.translations.fr } });
    expect((edited.body.booth as Booth).translations.es).toBeUndefined();
    await patch(boothId, { status: 'open' });
    expect((await patch(boothId, { slug: 'kujalink' })).body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });
    expect((await patch(boothId, {})).body.error?.code).toBe('INVALID_PAYLOAD');

    const member = await signedInSocket(fair.server.baseUrl, 'member@fair.test');
    expect((await request(member.socket, 'booth:join', { boothId })).ok).toBe(true);
    await request(member.socket, 'booth:leave', { boothId });

    const archived = await patch(boothId, { archived: true });
    expect(archived.body.booth).toMatchObject({ status: 'closed' });
    expect((await lobby(member.client)).map((b) => b.slug)).not.toContain('defenders-desk');
    expect((await member.client.get('/api/booths/defenders-desk')).status).toBe(404);
    const refused = await request(member.socket, 'booth:join', { boothId });
    expect(refused.ok).toBe(false);
    member.socket.disconnect();
    expect((await adminBooths()).find((entry) => entry.booth.id === boothId)).toMatchObject({ archived: true });

    await patch(boothId, { archived: false, status: 'open' });
    expect((await lobby(fair.client)).map((b) => b.slug)).toContain('defenders-desk');
    const audit = (await fair.client.get('/api/moderation/audit?limit=10')).body.entries as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['booth:create', 'booth:edit', 'booth:archive', 'booth:unarchive']));
  });

  it('make someone who already has an account a host, invite someone who has none, and remove a host', async () => {
    const id = await createUser(fair.server.db, { email: 'new.host@example.org', displayName: 'New host', role: 'member' });
    const before = await signedInSocket(fair.server.baseUrl, 'new.host@example.org');
    const signedOut = new Promise((resolve) => before.socket.once('disconnect', resolve));
    const added = await fair.client.post(`/api/admin/booths/${boothId}/hosts`, { email: 'New.Host@example.org' });
    expect(added.status).toBe(200);
    expect(added.body.hosts).toEqual([{ id, displayName: 'New host', email: 'new.host@example.org' }]);
    await signedOut;
    const host = new TestClient(fair.server.baseUrl);
    await host.login('new.host@example.org');
    expect((await host.get('/api/me')).body.user).toMatchObject({ role: 'host', hostedBoothIds: [boothId] });
    expect((await host.get(`/api/booths/${boothId}/figures`)).status).toBe(200);

    const invited = await fair.client.post(`/api/admin/booths/${boothId}/hosts`, { email: 'not.yet@example.org' });
    expect(invited.status).toBe(201);
    expect(invited.body.invite).toMatchObject({ email: 'not.yet@example.org', role: 'host', boothSlug: 'defenders-desk' });

    expect((await fair.client.post(`/api/admin/booths/${boothId}/hosts`, { email: 'moderator@fair.test' })).body.error?.code).toBe('CONFLICT');
    expect((await fair.client.request('DELETE', `/api/admin/booths/${boothId}/hosts/${id}`)).status).toBe(204);
    expect((await host.get(`/api/booths/${boothId}/figures`)).status).toBe(401);
    const again = new TestClient(fair.server.baseUrl);
    await again.login('new.host@example.org');
    expect((await again.get(`/api/booths/${boothId}/figures`)).status).toBe(403);
    expect((await fair.client.request('DELETE', `/api/admin/booths/${boothId}/hosts/${id}`)).status).toBe(404);
  });

  it("export every booth's figures side by side as CSV", async () => {
    const visitor = await signedInSocket(fair.server.baseUrl, 'member@fair.test');
    expect((await request(visitor.socket, 'booth:join', { boothId })).ok).toBe(true);
    const sent = await request(visitor.socket, 'chat:send', { boothId, clientMsgId: crypto.randomUUID(), body: 'Hello from the figures test' });
    expect(sent.ok).toBe(true);
    const res = await fair.client.get('/api/admin/figures?tzOffsetMinutes=0');
    expect(res.headers.get('content-disposition')).toMatch(/booth-figures\.csv/);
    const lines = (res.body as unknown as string).trim().split('\r\n');
    expect(lines[0]).toBe('"booth","since","visitors_now","visitors_today","peak_concurrency","messages_today","average_visit_seconds"');
    expect(lines.length - 1).toBe((await lobby(fair.client)).length);
    const row = lines.find((line) => line.startsWith('"defenders-desk"'))!.split(',');
    expect(row[2]).toBe('"1"');
    expect(row[5]).toBe('"1"');
    visitor.socket.disconnect();
    const host = new TestClient(fair.server.baseUrl);
    await host.login('host@fair.test');
    expect((await host.get('/api/admin/figures')).status).toBe(403);
    expect((await fair.client.get('/api/admin/figures?tzOffsetMinutes=9999')).body.error).toMatchObject({ details: { field: 'tzOffsetMinutes' } });
  });

  it('export booths as CSV, and refuse all of it to anyone but organisers', async () => {
    const csv = await fair.client.get('/api/admin/booths?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (csv.body as unknown as string).trim().split('\r\n');
    expect(lines[0]).toBe('"slug","name","network","languages","capacity","status","archived","hosts","tags","description"');
    expect(lines.some((line) => line.startsWith('"defenders-desk"'))).toBe(true);
    const moderator = new TestClient(fair.server.baseUrl);
    await moderator.login('moderator@fair.test');
    expect((await moderator.get('/api/admin/booths')).status).toBe(403);
    expect((await moderator.post('/api/admin/booths', { ...newBooth, slug: 'mod-booth' })).status).toBe(403);
    expect((await moderator.request('PATCH', `/api/admin/booths/${boothId}`, { capacity: 9 })).status).toBe(403);
  });
});
