import { beforeAll, describe, expect, it } from 'vitest';
import type { PendingInvite, Person } from '../../shared/people.js';
import { boothIdsBySlug, createUser, TestClient } from './harness.js';
import { useSignedInFair } from './fair.js';
import { signedInSocket } from './sockets.js';

const fair = useSignedInFair('admin@fair.test');
let kujalink: number;
beforeAll(async () => {
  kujalink = (await boothIdsBySlug(fair.server.baseUrl)).kujalink!;
});

const patch = (client: TestClient, id: string, body: unknown) => client.request('PATCH', `/api/admin/people/${id}`, body);
const list = async (query = '') => (await fair.client.get(`/api/admin/people${query}`)).body as unknown as { people: Person[]; invites: PendingInvite[] };

/** Resolves with the reason once the server closes the socket. */
const closedBy = (socket: Awaited<ReturnType<typeof signedInSocket>>['socket']) =>
  new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

describe('GET /api/admin/people', () => {
  it('lists people with their status and booths, and pending invitations with their expiry, filtered', async () => {
    await createUser(fair.server.db, { email: 'jose.nunez@example.org', displayName: 'José Núñez', role: 'host', hostsBoothId: kujalink });
    const invited = await fair.client.post('/api/admin/invites', { email: 'pending.host@example.org', role: 'host', boothSlug: 'kujalink' });
    expect(invited.status).toBe(201);

    const everyone = await list();
    const jose = everyone.people.find((p) => p.email === 'jose.nunez@example.org')!;
    expect(jose).toMatchObject({ displayName: 'José Núñez', role: 'host', status: 'active', hostedBooths: ['kujalink'] });
    expect(JSON.stringify(everyone)).not.toMatch(/password/i);
    const pending = everyone.invites.find((i) => i.email === 'pending.host@example.org')!;
    expect(pending).toMatchObject({ role: 'host', boothSlug: 'kujalink', locale: 'en' });
    // No SMTP_URL here: the email went to the server log, and the console says so.
    expect(pending.mail.state).toBe('logged');
    expect(Date.parse(pending.expiresAt)).toBeGreaterThan(Date.now());

    // Search ignores case and accents; filters combine.
    expect((await list('?q=NUNEZ')).people.map((p) => p.email)).toEqual(['jose.nunez@example.org']);
    const hostsHere = await list('?booth=kujalink&role=host');
    expect(hostsHere.people.map((p) => p.email)).toContain('jose.nunez@example.org');
    expect(hostsHere.people.every((p) => p.role === 'host' && p.hostedBooths.includes('kujalink'))).toBe(true);
    expect(hostsHere.invites.map((i) => i.email)).toEqual(['pending.host@example.org']);
    expect((await list('?role=moderator')).people.every((p) => p.role === 'moderator')).toBe(true);
    expect((await fair.client.get('/api/admin/people?role=wizard')).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'role' } });

    // By the language of their emails: an account's (from its invitation), an invitation's own.
    await fair.server.sql("UPDATE users SET locale = 'fr' WHERE email = 'jose.nunez@example.org'");
    expect((await fair.client.post('/api/admin/invites', { email: 'ines@example.org', role: 'member', locale: 'es' })).status).toBe(201);
    const french = await list('?language=fr');
    expect(french.people.map((p) => p.email)).toEqual(['jose.nunez@example.org']);
    expect(french.people[0]).toMatchObject({ language: 'fr' });
    expect(french.invites).toEqual([]);
    const spanish = await list('?language=es');
    expect(spanish.people).toEqual([]);
    expect(spanish.invites.map((i) => i.email)).toEqual(['ines@example.org']);
    expect((await list('?language=en')).people.map((p) => p.email)).toContain('admin@fair.test');
    expect((await fair.client.get('/api/admin/people?language=de')).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'language' } });
  });
});

describe('GET /api/admin/people?format=csv', () => {
  it('exports people without password data, filtered as the list, and audits the export', async () => {
    const res = await fair.client.get('/api/admin/people?format=csv&role=moderator');
    expect(res.headers.get('content-disposition')).toMatch(/people\.csv/);
    const lines = (res.body as unknown as string).trim().split('\r\n');
    expect(lines[0]).toBe('"email","display_name","verified_name","role","status","language","booths","created_at"');
    expect(lines.slice(1).every((line) => line.includes('"moderator"'))).toBe(true);
    expect(lines.some((line) => line.startsWith('"moderator@fair.test"'))).toBe(true);
    expect((res.body as unknown as string)).not.toMatch(/\$argon|\$scrypt|password/i);
    const audit = (await fair.client.get('/api/moderation/audit?limit=1')).body.entries as { action: string }[];
    expect(audit[0]!.action).toBe('people:export');
  });
});

describe('PATCH /api/admin/people/:id', () => {
  it('deactivates an account: its open pages are signed out at once, sign-in is refused, and reactivation lets it back', async () => {
    const id = await createUser(fair.server.db, { email: 'leaving@example.org', displayName: 'Leaving', role: 'member' });
    const { socket, client } = await signedInSocket(fair.server.baseUrl, 'leaving@example.org');
    const closed = closedBy(socket);

    const res = await patch(fair.client, id, { status: 'deactivated' });
    expect(res.status).toBe(200);
    expect(res.body.person).toMatchObject({ id, status: 'deactivated' });
    expect(await closed).toBe('io server disconnect');
    expect((await client.get('/api/me')).status).toBe(401);
    const again = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email: 'leaving@example.org', password: 'fair-demo' });
    expect(again.status).toBe(403);
    expect(again.body.error?.message).toMatch(/deactivated/);
    // A wrong password learns nothing about the account.
    const wrong = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email: 'leaving@example.org', password: 'not-the-password' });
    expect(wrong.body.error?.code).toBe('INVALID_CREDENTIALS');
    expect((await list('?status=deactivated')).people.map((p) => p.email)).toEqual(['leaving@example.org']);

    expect((await patch(fair.client, id, { status: 'active' })).body.person).toMatchObject({ status: 'active' });
    await new TestClient(fair.server.baseUrl).login('leaving@example.org');

    const audit = (await fair.client.get('/api/moderation/audit?limit=5')).body.entries as { action: string; details: unknown }[];
    expect(audit.slice(0, 2).map((e) => e.action)).toEqual(['people:reactivate', 'people:deactivate']);
  });

  it('changes a role: the old session ends, and the next sign-in has the new powers', async () => {
    const id = await createUser(fair.server.db, { email: 'promoted@example.org', displayName: 'Promoted', role: 'member' });
    const { socket } = await signedInSocket(fair.server.baseUrl, 'promoted@example.org');
    const closed = closedBy(socket);
    const res = await patch(fair.client, id, { role: 'moderator' });
    expect(res.body.person).toMatchObject({ role: 'moderator', status: 'active' });
    await closed;
    const promoted = new TestClient(fair.server.baseUrl);
    await promoted.login('promoted@example.org');
    expect((await promoted.get('/api/moderation/reports')).status).toBe(200);
    const audit = (await fair.client.get('/api/moderation/audit?limit=1')).body.entries as { action: string; details: unknown }[];
    expect(audit[0]).toMatchObject({ action: 'people:role', details: { role: { from: 'member', to: 'moderator' } } });
  });

  it('refuses a change to oneself, an unknown account, a bad body, and anyone but organisers', async () => {
    const me = (await fair.client.get('/api/me')).body.user as { id: string };
    expect((await patch(fair.client, me.id, { role: 'member' })).body.error?.code).toBe('FORBIDDEN');
    expect((await patch(fair.client, 'no-such-id', { status: 'deactivated' })).status).toBe(404);
    expect((await patch(fair.client, me.id, {})).body.error?.code).toBe('INVALID_PAYLOAD');
    expect((await patch(fair.client, me.id, { status: 'gone' })).body.error?.details).toMatchObject({ field: 'status' });
    const id = await createUser(fair.server.db, { email: 'bystander@example.org', displayName: 'Bystander', role: 'member' });
    const moderator = new TestClient(fair.server.baseUrl);
    await moderator.login('moderator@fair.test');
    expect((await patch(moderator, id, { status: 'deactivated' })).status).toBe(403);
    expect((await moderator.get('/api/admin/people')).status).toBe(403);
  });
});
