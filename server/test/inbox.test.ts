import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxNotice, InboxPage } from '../../shared/inbox.js';
import type { AccountExport } from '../../shared/privacy.js';
import { inboxNotices } from '../db/tables.js';
import { createLogger } from '../logger.js';
import { atCommitOf } from './pg-faults.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, testDialect, type TestServer } from './harness.js';
import { useSocketFair } from './fair.js';
import { collect, connected, joinedSocket, nextEvent, openSocket, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

const fair = useSocketFair();
const { join, connect, track } = fair;

let accounts = 0;
/** A new member (accounts made now see only the notices for everyone made from now on). */
async function newMember(name: string) {
  accounts += 1;
  const email = `${name.toLowerCase()}.inbox${accounts}@fair.test`;
  const id = await createUser(fair.server.db, { email, displayName: `${name} ${accounts}`, role: 'member' });
  return { email, id };
}

async function signedIn(email: string): Promise<TestClient> {
  const client = new TestClient(fair.server.baseUrl);
  await client.login(email);
  return client;
}

async function inboxOf(client: TestClient, query = ''): Promise<InboxPage> {
  const res = await client.get(`/api/inbox${query}`);
  expect(res.status).toBe(200);
  return res.body as unknown as InboxPage;
}

/** A message by `author` in the booth, reported by `reporter`: the report's id. */
async function reportedMessage(author: ClientSocket, reporter: ClientSocket, boothId: number): Promise<{ reportId: number; messageId: number }> {
  const sent = await request(author, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'you are all worthless' });
  if (!sent.ok) throw new Error('send failed');
  const report = await request(reporter, 'report:create', { messageId: sent.data.id, reason: 'harassment', note: 'Insults' });
  if (!report.ok) throw new Error(`report failed: ${report.error.code}`);
  return { reportId: report.data.reportId, messageId: sent.data.id };
}

/** Stores notices for one person straight in the database (the paging tests need many). */
async function storeNotices(userId: string, count: number): Promise<void> {
  await fair.server.db.insert(inboxNotices).values(Array.from({ length: count }, (_, n) => ({ userId, kind: 'announcement', payload: { text: `notice ${n + 1}` } })));
}

describe('the inbox: delivery to a member who was offline', () => {
  it('keeps a report outcome, a mute and a fair-wide announcement made while they were away, unread', async () => {
    const boothId = fair.boothIds['fair-share']!;
    const amina = await newMember('Amina');
    const author = await newMember('Troll');
    const reporter = await join(amina.email, 'fair-share');
    const writer = await join(author.email, 'fair-share');
    const moderator = await connect('moderator@fair.test');
    const { reportId, messageId } = await reportedMessage(writer.socket, reporter.socket, boothId);

    // Amina goes offline: no connection of hers is open when the moderator acts.
    reporter.socket.disconnect();
    await sleep(100);
    const resolved = await request(moderator.socket, 'report:resolve', { reportId, outcome: 'resolved', note: 'Message removed.' });
    expect(resolved.ok).toBe(true);
    const muted = await request(moderator.socket, 'moderation:mute', { userId: amina.id, minutes: 5, reason: 'Shouting' });
    expect(muted.ok).toBe(true);
    const announced = await request(moderator.socket, 'announcement:create', { text: 'Plenary at 3 pm.' });
    expect(announced.ok).toBe(true);

    // She signs in again, on another device.
    const client = await signedIn(amina.email);
    const page = await inboxOf(client);
    expect(page.unread).toBe(3);
    expect(page.nextBeforeId).toBeNull();
    expect(page.notices.map((n) => [n.kind, n.read])).toEqual([
      ['announcement', false],
      ['moderation', false],
      ['report_outcome', false],
    ]);
    const [announcement, mute, outcome] = page.notices as [InboxNotice, InboxNotice, InboxNotice];
    expect(announcement.payload).toMatchObject({ text: 'Plenary at 3 pm.', boothId: null, author: { displayName: 'Kofi', role: 'moderator' } });
    expect(mute.payload).toMatchObject({ kind: 'muted', boothId: null, reason: 'Shouting', until: expect.any(String) as unknown });
    expect(outcome.payload).toMatchObject({ reportId, messageId, outcome: 'resolved', note: 'Message removed.', reason: 'harassment', boothId, boothName: expect.any(String) as unknown });
    // The author of the reported message is told nothing about the report.
    const authorInbox = await inboxOf(await signedIn(author.email));
    expect(authorInbox.notices.map((n) => n.kind)).toEqual(['announcement']);
  });

  it('sends a connected member each notice live, on every tab, beside the live banner', async () => {
    const luis = await newMember('Luis');
    const firstTab = await connect(luis.email);
    const secondTab = openSocket(fair.server.baseUrl, firstTab.client.cookie);
    track(secondTab);
    await connected(secondTab);
    const moderator = await connect('moderator@fair.test');

    const onBoth = [nextEvent(firstTab.socket, 'inbox:notice'), nextEvent(secondTab, 'inbox:notice')];
    const banner = nextEvent(firstTab.socket, 'moderation:notice');
    expect((await request(moderator.socket, 'moderation:mute', { userId: luis.id, minutes: 1, reason: 'Cool off' })).ok).toBe(true);
    expect(await banner).toMatchObject({ kind: 'muted', reason: 'Cool off' });
    const [first, second] = await Promise.all(onBoth);
    expect(first).toMatchObject({ kind: 'moderation', read: false, payload: { kind: 'muted', reason: 'Cool off' } });
    expect(second).toEqual(first);

    const unmuted = [nextEvent(firstTab.socket, 'inbox:notice'), nextEvent(secondTab, 'inbox:notice')];
    expect((await request(moderator.socket, 'moderation:unmute', { userId: luis.id })).ok).toBe(true);
    for (const notice of await Promise.all(unmuted)) expect(notice.payload).toMatchObject({ kind: 'unmuted' });
    expect((await inboxOf(firstTab.client)).unread).toBe(2);
  });

  it('gives a booth’s announcement to those in the booth at the time, and nobody else', async () => {
    const inside = await newMember('Inside');
    const outside = await newMember('Outside');
    const present = await join(inside.email, 'unmute');
    const away = await connect(outside.email);
    const host = await join('moderator@fair.test', 'unmute');
    const awaySees = collect(away.socket, 'inbox:notice');
    const live = nextEvent(present.socket, 'inbox:notice');
    expect((await request(host.socket, 'announcement:create', { text: 'Q&A now', boothId: fair.boothIds.unmute })).ok).toBe(true);
    expect(await live).toMatchObject({ kind: 'announcement', payload: { text: 'Q&A now', boothId: fair.boothIds.unmute, boothName: expect.any(String) as unknown } });
    // Those who were there keep it, even after they leave.
    present.socket.disconnect();
    expect((await inboxOf(await signedIn(inside.email))).notices[0]).toMatchObject({ kind: 'announcement', payload: { text: 'Q&A now' } });
    await sleep(150);
    expect(awaySees).toHaveLength(0);
    expect((await inboxOf(away.client)).notices).toEqual([]);
  });

  it('shows a notice for everyone only to accounts that existed when it was made', async () => {
    const moderator = await connect('moderator@fair.test');
    const before = await newMember('Before');
    expect((await request(moderator.socket, 'announcement:create', { text: 'Welcome, everyone.' })).ok).toBe(true);
    await sleep(20);
    const after = await newMember('After');
    expect((await inboxOf(await signedIn(before.email))).notices.map((n) => n.payload.text)).toEqual(['Welcome, everyone.']);
    expect(await inboxOf(await signedIn(after.email))).toEqual({ notices: [], unread: 0, nextBeforeId: null });
  });
});

describe('the inbox: reading it', () => {
  it('pages newest first', async () => {
    const reader = await newMember('Pager');
    await storeNotices(reader.id, 5);
    const client = await signedIn(reader.email);
    const first = await inboxOf(client, '?limit=2');
    expect(first.notices.map((n) => n.payload.text)).toEqual(['notice 5', 'notice 4']);
    expect(first.unread).toBe(5);
    expect(first.nextBeforeId).toBe(first.notices[1]!.id);
    const second = await inboxOf(client, `?limit=2&beforeId=${first.nextBeforeId}`);
    expect(second.notices.map((n) => n.payload.text)).toEqual(['notice 3', 'notice 2']);
    const last = await inboxOf(client, `?limit=2&beforeId=${second.nextBeforeId}`);
    expect(last.notices.map((n) => n.payload.text)).toEqual(['notice 1']);
    expect(last.nextBeforeId).toBeNull();
    // Thirty at a time by default.
    await storeNotices(reader.id, 30);
    const full = await inboxOf(client);
    expect(full.notices).toHaveLength(30);
    expect(full.nextBeforeId).not.toBeNull();
  });

  it('marks chosen notices read, then all of them, and counts what is left', async () => {
    const reader = await newMember('Reader');
    await storeNotices(reader.id, 4);
    const client = await signedIn(reader.email);
    const page = await inboxOf(client);
    const [newest, second] = page.notices as [InboxNotice, InboxNotice];
    const some = await client.post('/api/inbox/read', { ids: [newest.id, second.id] });
    expect(some.status).toBe(200);
    expect(some.body).toEqual({ unread: 2 });
    // Twice is harmless.
    expect((await client.post('/api/inbox/read', { ids: [newest.id] })).body).toEqual({ unread: 2 });
    const after = await inboxOf(client);
    expect(after.notices.map((n) => n.read)).toEqual([true, true, false, false]);
    expect(after.unread).toBe(2);
    expect((await client.post('/api/inbox/read', { all: true })).body).toEqual({ unread: 0 });
    expect((await inboxOf(client)).notices.every((n) => n.read)).toBe(true);
  });

  it('tells every tab of theirs the new unread count when they read notices in one, and nobody else', async () => {
    const reader = await newMember('Tabs');
    await storeNotices(reader.id, 3);
    const firstTab = await connect(reader.email);
    const secondTab = openSocket(fair.server.baseUrl, firstTab.client.cookie);
    track(secondTab);
    await connected(secondTab);
    const someoneElse = await connect((await newMember('Other')).email);
    const strayCounts = collect(someoneElse.socket, 'inbox:read');
    const [newest] = (await inboxOf(firstTab.client)).notices as [InboxNotice];

    const onBoth = [nextEvent(firstTab.socket, 'inbox:read'), nextEvent(secondTab, 'inbox:read')];
    expect((await firstTab.client.post('/api/inbox/read', { ids: [newest.id] })).body).toEqual({ unread: 2 });
    expect(await Promise.all(onBoth)).toEqual([{ unread: 2 }, { unread: 2 }]);
    const allRead = nextEvent(secondTab, 'inbox:read');
    await firstTab.client.post('/api/inbox/read', { all: true });
    expect(await allRead).toEqual({ unread: 0 });
    expect(strayCounts).toEqual([]);
  });

  it('never shows or marks another person’s notices; a notice for everyone is read by each person apart', async () => {
    const owner = await newMember('Owner');
    const other = await newMember('Other');
    await storeNotices(owner.id, 1);
    const moderator = await connect('moderator@fair.test');
    expect((await request(moderator.socket, 'announcement:create', { text: 'For all of you' })).ok).toBe(true);
    const ownerClient = await signedIn(owner.email);
    const otherClient = await signedIn(other.email);
    const mine = await inboxOf(ownerClient);
    const personal = mine.notices.find((n) => n.payload.text === 'notice 1')!;
    const forAll = mine.notices.find((n) => n.payload.text === 'For all of you')!;

    const theirs = await inboxOf(otherClient);
    expect(theirs.notices.map((n) => n.id)).toEqual([forAll.id]);
    expect((await otherClient.post('/api/inbox/read', { ids: [personal.id, forAll.id] })).body).toEqual({ unread: 0 });
    // Marking someone else's notice did nothing; the shared one is read by the other person only.
    expect(await inboxOf(ownerClient)).toMatchObject({ unread: 2 });
    const rows = await fair.server.sql<{ user_id: string }>('select user_id from inbox_reads where notice_id = ?', [personal.id]);
    expect(rows).toEqual([]);
  });

  it('refuses bad input, naming the field', async () => {
    const client = await signedIn((await newMember('Careless')).email);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?beforeId=abc', 'beforeId'],
      ['?beforeId=-1', 'beforeId'],
    ] as const) {
      const res = await client.get(`/api/inbox${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field } });
    }
    const unknown = await client.get('/api/inbox?colour=red');
    expect(unknown.status).toBe(400);
    for (const [body, field] of [
      [{ ids: [] }, 'ids'],
      [{ ids: ['one'] }, 'ids.0'],
      [{ ids: [0] }, 'ids.0'],
      [{ all: false }, 'all'],
      [{}, 'ids'],
      [{ ids: [1], all: true }, 'ids'],
    ] as const) {
      const res = await client.post('/api/inbox/read', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field } });
    }
    const tooMany = await client.post('/api/inbox/read', { ids: Array.from({ length: 201 }, (_, n) => n + 1) });
    expect(tooMany.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'ids' } });
  });

  it('answers 401 to someone signed out', async () => {
    const anyone = new TestClient(fair.server.baseUrl);
    expect((await anyone.get('/api/inbox')).status).toBe(401);
    expect((await anyone.post('/api/inbox/read', { all: true })).status).toBe(401);
  });
});

describe('the inbox: the member’s data', () => {
  it('is in their export: their notices and those for everyone they could see, with when they read them', async () => {
    const member = await newMember('Exported');
    const moderator = await connect('moderator@fair.test');
    await storeNotices(member.id, 2);
    expect((await request(moderator.socket, 'announcement:create', { text: 'Lunch is served.' })).ok).toBe(true);
    const client = await signedIn(member.email);
    const [latestPersonal] = (await inboxOf(client)).notices.filter((n) => n.payload.text === 'notice 2');
    await client.post('/api/inbox/read', { ids: [latestPersonal!.id] });

    const data = (await client.get('/api/me/export')).body as unknown as AccountExport;
    expect(data.inbox).toEqual([
      { kind: 'announcement', payload: { text: 'notice 1' }, forEveryone: false, createdAt: expect.any(String) as unknown, readAt: null },
      { kind: 'announcement', payload: { text: 'notice 2' }, forEveryone: false, createdAt: expect.any(String) as unknown, readAt: expect.any(String) as unknown },
      expect.objectContaining({ kind: 'announcement', payload: expect.objectContaining({ text: 'Lunch is served.' }) as unknown, forEveryone: true, readAt: null }),
    ]);
    const other = (await (await signedIn((await newMember('Stranger')).email)).get('/api/me/export')).body as unknown as AccountExport;
    expect(other.inbox).toEqual([]);
  });

  it('goes when they erase their account: their notices and read marks, not the notices for everyone', async () => {
    const member = await newMember('Leaving');
    const moderator = await connect('moderator@fair.test');
    await storeNotices(member.id, 2);
    expect((await request(moderator.socket, 'announcement:create', { text: 'Goodbye party.' })).ok).toBe(true);
    const client = await signedIn(member.email);
    expect((await client.post('/api/inbox/read', { all: true })).body).toEqual({ unread: 0 });
    const [forAll] = await fair.server.sql<{ id: number }>('select id from inbox_notices where user_id is null order by id desc limit 1');

    expect((await client.request('DELETE', '/api/me', { password: 'fair-demo' })).status).toBe(204);
    expect(await fair.server.sql('select id from inbox_notices where user_id = ?', [member.id])).toEqual([]);
    expect(await fair.server.sql('select notice_id from inbox_reads where user_id = ?', [member.id])).toEqual([]);
    expect(await fair.server.sql('select id from inbox_notices where id = ?', [forAll!.id])).toHaveLength(1);
  });
});

/** Makes every commit that stored an inbox notice fail, as a full disk would: at COMMIT, after the insert went through. */
async function failInboxCommits(server: TestServer): Promise<() => Promise<void>> {
  if (testDialect === 'postgres') return atCommitOf(server, 'inbox_notices', "RAISE EXCEPTION 'injected commit failure' USING ERRCODE = '53100';");
  await server.sql('CREATE TABLE IF NOT EXISTS commit_blocker_parent (id INTEGER PRIMARY KEY)');
  await server.sql('CREATE TABLE IF NOT EXISTS commit_blocker (ref INTEGER REFERENCES commit_blocker_parent(id) DEFERRABLE INITIALLY DEFERRED)');
  await server.sql('CREATE TRIGGER fail_inbox_commit AFTER INSERT ON inbox_notices BEGIN INSERT INTO commit_blocker (ref) VALUES (-1); END');
  return async () => {
    await server.sql('DROP TRIGGER fail_inbox_commit');
  };
}

describe('the inbox when its write fails', () => {
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ deps: { logger: createLogger('error', { write: (line: string) => void lines.push(line) }) } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('logs it, and the command that sent the notice still did its work and says so', async () => {
    const boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
    const member = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
    const moderator = await signedInSocket(server.baseUrl, 'moderator@fair.test');
    const heal = await failInboxCommits(server);
    try {
      const banner = nextEvent(member.socket, 'moderation:notice');
      const muted = await request(moderator.socket, 'moderation:mute', { userId: member.userId, minutes: 5, reason: 'Flooding' });
      expect(muted.ok).toBe(true);
      expect(await banner).toMatchObject({ kind: 'muted', reason: 'Flooding' });
      const announced = await request(moderator.socket, 'announcement:create', { text: 'Still heard live.', boothId });
      expect(announced.ok).toBe(true);
    } finally {
      await heal();
    }
    // The mute holds; nothing half-written is in the inbox; the log says what was lost.
    const refused = await request(member.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'hello?' });
    expect(refused.ok || refused.error.code).toBe('MUTED');
    expect((await inboxOf(member.client)).notices).toEqual([]);
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; kind?: string });
    expect(logged.filter((line) => line.msg === 'inbox: a notice could not be stored').map((line) => line.kind)).toEqual(['moderation', 'announcement']);
    member.socket.disconnect();
    moderator.socket.disconnect();
  });
});
