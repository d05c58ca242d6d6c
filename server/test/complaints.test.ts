import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplaintMessagePreview, ComplaintTracking, ComplaintView } from '../../shared/complaints.js';
import { COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS } from '../../shared/complaints.js';
import { TRACKING_MISSES_MAX } from '../complaints/routes.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { collect, nextEvent, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

let server: TestServer;
let boothId: number;
const sockets: ClientSocket[] = [];
const HOUR_MS = 3_600_000;

/** An audit line's details: JSON text in SQLite, an object from PostgreSQL. */
const detailsOf = (line: Record<string, unknown> | undefined) => (typeof line?.details === 'string' ? JSON.parse(line.details) : line?.details) as Record<string, unknown> | null;

beforeAll(async () => {
  server = await startTestServer();
  boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

/** Signed in over HTTP only (sockets count against per-account limits: only tests that listen open one). */
async function signIn(email: string) {
  const client = new TestClient(server.baseUrl);
  const login = await client.login(email);
  return { client, userId: (login.body.user as { id: string }).id };
}

async function connectedAs(email: string) {
  const session = await signedInSocket(server.baseUrl, email);
  sockets.push(session.socket);
  return session;
}

const file = (client: TestClient, body: Record<string, unknown>) =>
  client.post('/api/complaints', { category: 'booth', body: 'The booth’s video kept freezing.', anonymous: false, language: 'es', ...body });

/** Signs in, enters the booth (privately if asked) and says something there: the stored message's id. */
async function postedBy(email: string, body: string, options: { private?: boolean } = {}) {
  const session = await connectedAs(email);
  const joined = await request(session.socket, 'booth:join', { boothId, ...options });
  if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  const sent = await request(session.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
  if (!sent.ok) throw new Error(`send failed: ${sent.error.code}`);
  return { ...session, messageId: sent.data.id };
}

const grant = (admin: TestClient, userId: string, method: 'PUT' | 'DELETE') => admin.request(method, `/api/admin/people/${userId}/grants/complaints:handle`);

async function listed(client: TestClient, query = ''): Promise<ComplaintView[]> {
  const res = await client.get(`/api/complaints${query}`);
  expect(res.status).toBe(200);
  return res.body.complaints as ComplaintView[];
}

describe('complaints', () => {
  it('keeps an anonymous complaint unlinkable: the row, its steps and its audit line hold nobody', async () => {
    const amina = await signIn('member@fair.test');
    const filed = await file(amina.client, { category: 'accessibility', body: 'No captions in the main talk.', anonymous: true, aboutBoothId: boothId });
    expect(filed.status).toBe(201);
    const { id, trackingCode } = filed.body as { id: number; trackingCode: string };
    expect(trackingCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);

    const [row] = await server.sql<Record<string, unknown>>('select * from complaints where id = ?', [id]);
    const sessionIds = (await server.sql<{ id: string }>('select token_hash as id from sessions where user_id = ?', [amina.userId])).map((s) => s.id);
    // Every column, by name: nothing beyond what the complaint itself says.
    expect(Object.keys(row!).sort()).toEqual(
      ['about_booth_id', 'about_message_id', 'about_user_id', 'acknowledged_at', 'body', 'category', 'closed_at', 'created_at', 'filer_id', 'id', 'locale', 'status', 'tracking_hash'].sort(),
    );
    expect(row).toMatchObject({ filer_id: null, about_user_id: null, about_message_id: null, category: 'accessibility', status: 'received', locale: 'es' });
    const values = Object.values(row!).map((value) => String(value));
    for (const secret of [amina.userId, ...sessionIds, '127.0.0.1', trackingCode, trackingCode.replaceAll('-', '')]) {
      expect(values.some((value) => value.includes(secret))).toBe(false);
    }
    const steps = await server.sql<Record<string, unknown>>('select * from complaint_steps where complaint_id = ?', [id]);
    expect(steps).toEqual([expect.objectContaining({ status: 'received', reply: null, actor_id: null })]);
    const audit = await server.sql<Record<string, unknown>>("select * from audit_log where action = 'complaint:file'", []);
    const line = audit.find((entry) => detailsOf(entry)?.complaintId === id);
    expect(line).toMatchObject({ actor_id: null, target_user_id: null });
    expect(JSON.stringify(line)).not.toContain(amina.userId);
    // Nor does the named list of the filer show it.
    expect(((await amina.client.get('/api/complaints/mine')).body.complaints as unknown[]).length).toBe(0);
  });

  it('runs the whole workflow for an anonymous complaint, followed by its code', async () => {
    const amina = await signIn('member@fair.test');
    const admin = await signIn('admin@fair.test');
    const { id, trackingCode } = (await file(amina.client, { anonymous: true, aboutBoothId: boothId })).body as { id: number; trackingCode: string };

    const anyone = new TestClient(server.baseUrl);
    const tracked = await anyone.get(`/api/complaints/track/${trackingCode}`);
    expect(tracked.status).toBe(200);
    expect(Object.keys(tracked.body).sort()).toEqual(['category', 'createdAt', 'id', 'status', 'steps']);
    expect(tracked.body).toMatchObject({ id, status: 'received', steps: [{ status: 'received', reply: null }] });
    // Typed back by hand: case, spaces and dashes do not matter.
    expect((await anyone.get(`/api/complaints/track/${trackingCode.replaceAll('-', ' ').toLowerCase()}`)).body).toMatchObject({ id });

    const seen = (await listed(admin.client)).find((c) => c.id === id)!;
    expect(seen).toMatchObject({ anonymous: true, filer: null, status: 'received', about: { booth: { id: boothId }, person: null }, language: 'es', overdue: false });

    const patch = (status: string, reply?: string) => admin.client.request('PATCH', `/api/complaints/${id}`, reply ? { status, reply } : { status });
    expect((await patch('acknowledged', 'Gracias, lo estamos mirando.')).body).toMatchObject({ status: 'acknowledged' });
    expect((await patch('received')).body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'acknowledged' } });
    expect((await patch('in_progress')).status).toBe(200);
    expect((await patch('resolved', 'El stand tiene subtítulos desde hoy.')).status).toBe(200);
    const closed = await patch('declined');
    expect(closed.status).toBe(409);

    const after = (await anyone.get(`/api/complaints/track/${trackingCode}`)).body as unknown as ComplaintTracking;
    expect(after.status).toBe('resolved');
    expect(after.steps.map((step) => [step.status, step.reply])).toEqual([
      ['received', null],
      ['acknowledged', 'Gracias, lo estamos mirando.'],
      ['in_progress', null],
      ['resolved', 'El stand tiene subtítulos desde hoy.'],
    ]);
    for (const step of after.steps) expect(Date.parse(step.at)).not.toBeNaN();
    // Every step in the audit log, by the handler, naming no filer.
    const lines = await server.sql<Record<string, unknown>>("select * from audit_log where action = 'complaint:step'", []);
    const ours = lines.filter((line) => detailsOf(line)?.complaintId === id);
    expect(ours).toHaveLength(3);
    for (const line of ours) expect(line).toMatchObject({ actor_id: admin.userId, target_user_id: null });
  });

  it('runs the workflow for a named complaint, followed from the member’s list and inbox', async () => {
    const luis = await connectedAs('member2@fair.test');
    const admin = await signIn('admin@fair.test');
    const filed = await file(luis.client, { category: 'technical', body: 'The lobby does not load on my phone.', language: 'fr' });
    expect(filed.status).toBe(201);
    expect(Object.keys(filed.body)).toEqual(['id']);
    const id = filed.body.id as number;
    expect((await server.sql('select filer_id, tracking_hash from complaints where id = ?', [id]))[0]).toEqual({ filer_id: luis.userId, tracking_hash: null });
    expect((await luis.client.get('/api/complaints/mine')).body.complaints).toEqual([expect.objectContaining({ id, status: 'received', category: 'technical' })]);
    expect((await listed(admin.client)).find((c) => c.id === id)).toMatchObject({ anonymous: false, filer: { id: luis.userId, displayName: 'Luis' } });

    const notice = nextEvent(luis.socket, 'inbox:notice', (n) => n.kind === 'complaint_reply');
    await admin.client.request('PATCH', `/api/complaints/${id}`, { status: 'acknowledged', reply: 'Nous regardons.' });
    expect((await notice).payload).toEqual({ complaintId: id, status: 'acknowledged', reply: 'Nous regardons.' });
    await admin.client.request('PATCH', `/api/complaints/${id}`, { status: 'declined', reply: 'Ce téléphone n’est pas pris en charge.' });
    const inbox = (await luis.client.get('/api/inbox')).body.notices as { kind: string; payload: Record<string, unknown> }[];
    expect(inbox.filter((n) => n.kind === 'complaint_reply').map((n) => n.payload.status)).toEqual(['declined', 'acknowledged']);
    const [mine] = (await luis.client.get('/api/complaints/mine')).body.complaints as ComplaintTracking[];
    expect(mine).toMatchObject({ id, status: 'declined' });
    expect(mine!.steps.map((s) => s.reply)).toEqual([null, 'Nous regardons.', 'Ce téléphone n’est pas pris en charge.']);
  });

  it('refuses bad input naming the field, and unknown things it is about', async () => {
    const amina = await signIn('member@fair.test');
    expect((await file(amina.client, { category: 'weather' })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'category' } });
    expect((await file(amina.client, { body: 'x'.repeat(4001) })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'body' } });
    expect((await file(amina.client, { body: '   ' })).body.error).toMatchObject({ details: { field: 'body' } });
    expect((await file(amina.client, { anonymous: 'yes' })).body.error).toMatchObject({ details: { field: 'anonymous' } });
    expect((await file(amina.client, { aboutBoothId: 99999 })).body.error).toMatchObject({ details: { field: 'aboutBoothId' } });
    expect((await file(amina.client, { aboutUserId: 'nobody' })).body.error).toMatchObject({ details: { field: 'aboutUserId' } });
    expect((await new TestClient(server.baseUrl).post('/api/complaints', { category: 'other', body: 'x', anonymous: true, language: 'en' })).status).toBe(401);
  });

  it('flags a complaint not acknowledged within COMPLAINT_ACK_TARGET_HOURS as overdue', async () => {
    const amina = await signIn('member@fair.test');
    const admin = await signIn('admin@fair.test');
    const id = (await file(amina.client, { category: 'organisers', body: 'Nobody answers the contact address.' })).body.id as number;
    expect(server.config.complaintAckTargetMs).toBe(48 * HOUR_MS);
    server.clock.advance(47 * HOUR_MS);
    expect((await listed(admin.client)).find((c) => c.id === id)).toMatchObject({ overdue: false });
    expect((await listed(admin.client, '?overdue=true')).map((c) => c.id)).not.toContain(id);
    server.clock.advance(2 * HOUR_MS);
    expect((await listed(admin.client)).find((c) => c.id === id)).toMatchObject({ overdue: true });
    expect((await listed(admin.client, '?overdue=true')).map((c) => c.id)).toContain(id);
    expect((await listed(admin.client, '?overdue=false')).map((c) => c.id)).not.toContain(id);
    expect((await listed(admin.client, '?status=received&category=organisers')).map((c) => c.id)).toContain(id);
    expect((await listed(admin.client, '?category=technical')).map((c) => c.id)).not.toContain(id);
    expect((await admin.client.get('/api/complaints?overdue=maybe')).body.error).toMatchObject({ details: { field: 'overdue' } });

    await admin.client.request('PATCH', `/api/complaints/${id}`, { status: 'acknowledged' });
    expect((await listed(admin.client)).find((c) => c.id === id)).toMatchObject({ overdue: false, status: 'acknowledged' });
    expect((await listed(admin.client, '?overdue=true')).map((c) => c.id)).not.toContain(id);
  });

  it('lets organisers grant complaints:handle to a named person, and take it back', async () => {
    const admin = await signIn('admin@fair.test');
    const luis = await signIn('member2@fair.test');
    const kofi = await signIn('moderator@fair.test');
    expect((await luis.client.get('/api/complaints')).status).toBe(403);
    expect((await luis.client.get('/api/complaints/access')).body).toEqual({ handle: false });
    // Moderators do not handle complaints by role, nor grant.
    expect((await kofi.client.get('/api/complaints')).status).toBe(403);
    expect((await kofi.client.request('PUT', `/api/admin/people/${luis.userId}/grants/complaints:handle`)).status).toBe(403);
    expect((await admin.client.request('PUT', `/api/admin/people/${luis.userId}/grants/everything`)).status).toBe(404);
    expect((await admin.client.request('PUT', '/api/admin/people/nobody/grants/complaints:handle')).status).toBe(404);

    expect((await admin.client.request('PUT', `/api/admin/people/${luis.userId}/grants/complaints:handle`)).body).toEqual({ granted: true });
    await admin.client.request('PUT', `/api/admin/people/${luis.userId}/grants/complaints:handle`);
    expect((await admin.client.get('/api/admin/grants/complaints:handle')).body).toEqual({ userIds: [luis.userId] });
    expect((await luis.client.get('/api/complaints')).status).toBe(200);
    expect((await luis.client.get('/api/complaints/access')).body).toEqual({ handle: true });

    expect((await admin.client.request('DELETE', `/api/admin/people/${luis.userId}/grants/complaints:handle`)).body).toEqual({ granted: false });
    expect((await luis.client.get('/api/complaints')).status).toBe(403);
    const lines = await server.sql<Record<string, unknown>>("select action, actor_id, target_user_id from audit_log where action in ('people:grant', 'people:revoke') order by id", []);
    // Granted once (the second PUT changed nothing), revoked once.
    expect(lines).toEqual([
      { action: 'people:grant', actor_id: admin.userId, target_user_id: luis.userId },
      { action: 'people:revoke', actor_id: admin.userId, target_user_id: luis.userId },
    ]);
  });

  it('never shows a complaint about a person to that person, even when they handle complaints', async () => {
    const admin = await signIn('admin@fair.test');
    const amina = await signIn('member@fair.test');
    const kofi = await signIn('moderator@fair.test');
    await admin.client.request('PUT', `/api/admin/people/${kofi.userId}/grants/complaints:handle`);
    const aboutKofi = (await file(amina.client, { category: 'organisers', body: 'A moderator was rude to me.', aboutUserId: kofi.userId })).body.id as number;
    const other = (await file(amina.client, { category: 'other', body: 'Something else.' })).body.id as number;

    const ids = (await listed(kofi.client)).map((c) => c.id);
    expect(ids).toContain(other);
    expect(ids).not.toContain(aboutKofi);
    expect((await kofi.client.get(`/api/complaints/${aboutKofi}`)).status).toBe(404);
    expect((await kofi.client.request('PATCH', `/api/complaints/${aboutKofi}`, { status: 'acknowledged' })).status).toBe(404);
    expect((await kofi.client.get(`/api/complaints/${other}`)).status).toBe(200);
    // The organisers see it, naming the person.
    expect((await admin.client.get(`/api/complaints/${aboutKofi}`)).body).toMatchObject({ status: 'received', about: { person: { id: kofi.userId, displayName: 'Kofi' } } });
    await admin.client.request('DELETE', `/api/admin/people/${kofi.userId}/grants/complaints:handle`);
  });

  it('alerts online moderators at once of a safety complaint, never the person it is about', async () => {
    const amina = await connectedAs('member@fair.test');
    const kofi = await connectedAs('moderator@fair.test');
    const admin = await connectedAs('admin@fair.test');
    const kofiAlerts = collect(kofi.socket, 'complaint:safety');
    const aminaAlerts = collect(amina.socket, 'complaint:safety');

    const toAdmin = nextEvent(admin.socket, 'complaint:safety');
    const toKofi = nextEvent(kofi.socket, 'complaint:safety');
    const id = (await file(amina.client, { category: 'conduct_safety', body: 'Someone is threatening me in chat.', anonymous: true, aboutBoothId: boothId })).body.id as number;
    const alert = await toAdmin;
    expect(alert).toMatchObject({ id, aboutBoothId: boothId });
    expect(Object.keys(alert).sort()).toEqual(['aboutBoothId', 'createdAt', 'id']);
    expect(await toKofi).toMatchObject({ id });

    const aboutKofi = nextEvent(admin.socket, 'complaint:safety');
    const second = (await file(amina.client, { category: 'conduct_safety', body: 'The moderator harassed me.', aboutUserId: kofi.userId })).body.id as number;
    expect(await aboutKofi).toMatchObject({ id: second });
    await sleep(200);
    expect(kofiAlerts.map((a) => a.id)).toEqual([id]);
    expect(aminaAlerts).toEqual([]);
    // Other categories alert nobody.
    await file(amina.client, { category: 'technical', body: 'Slow.' });
    await sleep(200);
    expect(kofiAlerts.map((a) => a.id)).toEqual([id]);
  });

  it('puts named complaints and grants in the filer’s export, and erases them with the account', async () => {
    const admin = await signIn('admin@fair.test');
    const id = await createUser(server.db, { email: 'leaving@fair.test', displayName: 'Leaving', role: 'member' });
    const leaving = await signIn('leaving@fair.test');
    const named = (await file(leaving.client, { category: 'other', body: 'Mine, by name.' })).body.id as number;
    const anonymous = (await file(leaving.client, { category: 'other', body: 'Mine, anonymously.', anonymous: true })).body.id as number;
    await admin.client.request('PATCH', `/api/complaints/${named}`, { status: 'acknowledged', reply: 'Seen.' });
    await admin.client.request('PUT', `/api/admin/people/${id}/grants/complaints:handle`);
    const data = (await leaving.client.get('/api/me/export')).body as { complaintsFiled: { id: number; steps: { reply: string | null }[] }[]; grants: { capability: string }[] };
    expect(data.complaintsFiled.map((c) => c.id)).toEqual([named]);
    expect(data.complaintsFiled[0]!.steps.map((s) => s.reply)).toEqual([null, 'Seen.']);
    expect(data.grants).toEqual([{ capability: 'complaints:handle', createdAt: expect.any(String) as unknown }]);

    expect((await admin.client.request('DELETE', `/api/admin/users/${id}`)).status).toBeLessThan(300);
    expect(await server.sql('select id from complaints where id = ?', [named])).toEqual([]);
    expect(await server.sql('select id from complaint_steps where complaint_id = ?', [named])).toEqual([]);
    expect(await server.sql('select user_id from capability_grants where user_id = ?', [id])).toEqual([]);
    // The anonymous one was never theirs as far as the fair knows: it stays.
    expect(await server.sql('select id from complaints where id = ?', [anonymous])).toHaveLength(1);
  });

  it('slows down guessing tracking codes, counting only wrong ones', async () => {
    const amina = await signIn('member@fair.test');
    const { trackingCode } = (await file(amina.client, { anonymous: true })).body as { trackingCode: string };
    const anyone = new TestClient(server.baseUrl);
    for (let i = 0; i < 5; i += 1) expect((await anyone.get(`/api/complaints/track/${trackingCode}`)).status).toBe(200);
    for (let i = 0; i < TRACKING_MISSES_MAX; i += 1) expect((await anyone.get(`/api/complaints/track/AAAA-AAAA-AAAA-AAAA-AAA${i % 10}`)).status).toBe(404);
    const refused = await anyone.get('/api/complaints/track/not-a-code');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await anyone.get(`/api/complaints/track/${trackingCode}`)).status).toBe(429);
  });
  describe('about a message', () => {
    it('shows handlers the message in its booth, and never shows the complaint to its author, even as a handler', async () => {
      const luis = await postedBy('member2@fair.test', 'You people from the south should not be here.');
      const amina = await signIn('member@fair.test');
      const admin = await signIn('admin@fair.test');

      // The form shows the message before sending: author and a short excerpt, as Amina sees it.
      const preview = await amina.client.get(`/api/complaints/messages/${luis.messageId}`);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({
        id: luis.messageId,
        booth: { id: boothId, slug: 'peace-direct' },
        author: { id: luis.userId, displayName: 'Luis' },
        authorNameable: true,
        excerpt: 'You people from the south should not be here.',
      });

      const filed = await file(amina.client, { category: 'conduct_safety', body: 'This message is hateful.', aboutMessageId: luis.messageId });
      expect(filed.status).toBe(201);
      const id = filed.body.id as number;
      const seen = (await admin.client.get(`/api/complaints/${id}`)).body as unknown as ComplaintView;
      expect(seen.about).toMatchObject({
        messageId: luis.messageId,
        person: null,
        message: {
          id: luis.messageId,
          booth: { id: boothId, slug: 'peace-direct', name: expect.any(String) as unknown },
          author: { id: luis.userId, displayName: 'Luis' },
          body: 'You people from the south should not be here.',
          deleted: false,
        },
      });

      // Its author handles complaints too: still not theirs to see, list, read or move.
      await grant(admin.client, luis.userId, 'PUT');
      try {
        const other = (await file(amina.client, { category: 'other', body: 'Unrelated.' })).body.id as number;
        const ids = (await listed(luis.client)).map((c) => c.id);
        expect(ids).toContain(other);
        expect(ids).not.toContain(id);
        expect((await luis.client.get(`/api/complaints/${id}`)).status).toBe(404);
        expect((await luis.client.request('PATCH', `/api/complaints/${id}`, { status: 'acknowledged' })).status).toBe(404);
        expect((await server.sql<{ status: string }>('select status from complaints where id = ?', [id]))[0]!.status).toBe('received');
      } finally {
        await grant(admin.client, luis.userId, 'DELETE');
      }
    });

    it('keeps a private visitor’s identity from the filer, while the complaint reaches handlers and never the visitor', async () => {
      const visitorId = await createUser(server.db, { email: 'quiet.one@fair.test', displayName: 'Zephyrine Quillfeather', role: 'member' });
      const visitor = await postedBy('quiet.one@fair.test', 'I know where your office is.', { private: true });
      const amina = await connectedAs('member@fair.test');
      const admin = await signIn('admin@fair.test');
      const luis = await signIn('member2@fair.test');
      const leaks = (value: unknown) => ['Zephyrine', 'Quillfeather', visitorId].filter((needle) => JSON.stringify(value).includes(needle));

      const preview = (await amina.client.get(`/api/complaints/messages/${visitor.messageId}`)).body as unknown as ComplaintMessagePreview;
      expect(preview.author.id).toMatch(/^private:.+/);
      expect(preview.author.displayName).toMatch(/^Private visitor \d+$/);
      expect(preview.excerpt).toBe('I know where your office is.');
      expect(preview.authorNameable).toBe(false);
      expect(leaks(preview)).toEqual([]);
      // The author themself sees their own name on it.
      expect((await visitor.client.get(`/api/complaints/messages/${visitor.messageId}`)).body).toMatchObject({ author: { id: visitorId }, authorNameable: false });

      // The pseudonym names nobody: it cannot be complained about as a person.
      expect((await file(amina.client, { aboutUserId: preview.author.id })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'aboutUserId' } });

      const aminaAlerts = collect(amina.socket, 'complaint:safety');
      const filed = await file(amina.client, { category: 'conduct_safety', body: 'A threat.', aboutMessageId: visitor.messageId });
      expect(filed.status).toBe(201);
      expect(leaks(filed.body)).toEqual([]);
      const id = filed.body.id as number;
      expect(leaks(await amina.client.get('/api/complaints/mine'))).toEqual([]);
      await sleep(100);
      expect(leaks(aminaAlerts)).toEqual([]);

      // Organisers staff every booth: they see who wrote it.
      expect(((await admin.client.get(`/api/complaints/${id}`)).body as unknown as ComplaintView).about.message).toMatchObject({
        body: 'I know where your office is.',
        author: { id: visitorId, displayName: 'Zephyrine Quillfeather' },
      });
      await grant(admin.client, luis.userId, 'PUT');
      await grant(admin.client, visitorId, 'PUT');
      try {
        // A member granted complaints:handle reads the message under the pseudonym, as in the booth.
        const byLuis = (await luis.client.get(`/api/complaints/${id}`)).body as unknown as ComplaintView;
        expect(byLuis.about.message).toMatchObject({ body: 'I know where your office is.', author: { id: preview.author.id, displayName: preview.author.displayName } });
        expect(leaks(byLuis)).toEqual([]);
        // The visitor never sees it.
        expect((await listed(visitor.client)).map((c) => c.id)).not.toContain(id);
        expect((await visitor.client.get(`/api/complaints/${id}`)).status).toBe(404);
      } finally {
        await grant(admin.client, luis.userId, 'DELETE');
        await grant(admin.client, visitorId, 'DELETE');
      }
    });

    it('does not alert the message’s author of a safety complaint about it', async () => {
      const kofi = await postedBy('moderator@fair.test', 'Moderators are above the rules here.');
      const admin = await connectedAs('admin@fair.test');
      const amina = await signIn('member@fair.test');
      const kofiAlerts = collect(kofi.socket, 'complaint:safety');
      const toAdmin = nextEvent(admin.socket, 'complaint:safety');
      const id = (await file(amina.client, { category: 'conduct_safety', body: 'The moderator bullied me.', aboutMessageId: kofi.messageId })).body.id as number;
      expect(await toAdmin).toMatchObject({ id });
      await sleep(200);
      expect(kofiAlerts.map((a) => a.id)).not.toContain(id);
    });

    it('shortens a long message to an excerpt for the form', async () => {
      const luis = await postedBy('member2@fair.test', `${'word '.repeat(80)}end`);
      const amina = await signIn('member@fair.test');
      const { excerpt } = (await amina.client.get(`/api/complaints/messages/${luis.messageId}`)).body as unknown as ComplaintMessagePreview;
      expect(excerpt.length).toBeLessThanOrEqual(COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS);
      expect(excerpt).toMatch(/^word word .*word…$/);
    });

    it('refuses a message that does not exist or was removed, with a clear error', async () => {
      const amina = await signIn('member@fair.test');
      const kofi = await connectedAs('moderator@fair.test');
      expect((await file(amina.client, { aboutMessageId: 99_999_999 })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'aboutMessageId' } });
      expect((await file(amina.client, { aboutMessageId: 'twelve' })).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'aboutMessageId' } });
      expect((await amina.client.get('/api/complaints/messages/99999999')).status).toBe(404);
      expect((await amina.client.get('/api/complaints/messages/not-a-number')).status).toBe(404);
      expect((await new TestClient(server.baseUrl).get('/api/complaints/messages/1')).status).toBe(401);

      const luis = await postedBy('member2@fair.test', 'Soon gone.');
      expect((await request(kofi.socket, 'chat:delete', { messageId: luis.messageId, reason: 'spam' })).ok).toBe(true);
      const refused = await file(amina.client, { aboutMessageId: luis.messageId });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'aboutMessageId' } });
      expect(refused.body.error?.message).toMatch(/removed/);
      expect((await amina.client.get(`/api/complaints/messages/${luis.messageId}`)).body.error).toMatchObject({ code: 'NOT_FOUND' });
      // One thing at a time: a message and a person together are refused.
      const other = await postedBy('member2@fair.test', 'Still here.');
      expect((await file(amina.client, { aboutMessageId: other.messageId, aboutUserId: other.userId })).status).toBe(400);
    });
  });

  it('names the person a complaint is about for handlers, by their display name', async () => {
    const amina = await signIn('member@fair.test');
    const admin = await signIn('admin@fair.test');
    const luis = await signIn('member2@fair.test');
    const id = (await file(amina.client, { category: 'conduct_safety', body: 'He keeps messaging me.', aboutUserId: luis.userId })).body.id as number;
    expect(((await admin.client.get(`/api/complaints/${id}`)).body as unknown as ComplaintView).about).toEqual({
      booth: null,
      messageId: null,
      message: null,
      person: { id: luis.userId, displayName: 'Luis' },
    });
  });
});
