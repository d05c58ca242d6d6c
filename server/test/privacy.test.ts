import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETED_AUTHOR } from '../../shared/deleted-account.js';
import type { AccountExport } from '../../shared/privacy.js';
import type { ChatMessage } from '../../shared/protocol.js';
import { boothQuestions, boothVisits, contactRequests, conversationMessages, conversationReports, conversations, inboxNotices, inboxReads, invites, questionVotes } from '../db/tables.js';
import { createLogger } from '../logger.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { joinedSocket, nextEvent, request, sleep, type ClientSocket } from './sockets.js';

const DAY_MS = 86_400_000;

/** A pino destination that keeps every line, so tests can read what the fair logged. */
function capturedLog() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}

async function say(socket: ClientSocket, boothId: number, body: string): Promise<ChatMessage> {
  const ack = await request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.data;
}

async function history(socket: ClientSocket, boothId: number): Promise<ChatMessage[]> {
  const ack = await request(socket, 'chat:history', { boothId, limit: 100 });
  if (!ack.ok) throw new Error(`history failed: ${ack.error.code}`);
  return ack.data.messages;
}

const countOf = async (server: TestServer, table: string): Promise<number> =>
  (await server.sql<{ n: number }>(`select cast(count(*) as integer) as n from ${table}`))[0]!.n;

describe('retention', () => {
  const log = capturedLog();
  const fairEnds = new Date(Date.now() + 3_600_000);
  let server: TestServer;
  let boothId: number;
  let heldMessageId: number;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { FAIR_ENDS_AT: fairEnds.toISOString() },
      deps: { logger: createLogger('info', log.stream), retentionJob: 'on-demand', presenceGraceMs: 100, lobbyIntervalMs: 100 },
    });
    boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
    // A real booth: messages, a visit, a report still open, a mute (audit entry and restriction).
    const member = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
    const other = await joinedSocket(server.baseUrl, 'member2@fair.test', boothId);
    const moderator = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
    open.push(member.socket, other.socket, moderator.socket);
    await say(member.socket, boothId, 'hello from the fair');
    const reported = await say(member.socket, boothId, 'a message someone reported');
    await say(other.socket, boothId, 'hello back');
    heldMessageId = reported.id;
    const report = await request(other.socket, 'report:create', { messageId: reported.id, reason: 'spam' });
    expect(report.ok).toBe(true);
    const mute = await request(moderator.socket, 'moderation:mute', { userId: member.userId, minutes: 5, reason: 'cool down' });
    expect(mute.ok).toBe(true);
    for (const socket of open) expect((await request(socket, 'booth:leave', { boothId })).ok).toBe(true);
    for (const socket of open) socket.disconnect();
    await sleep(200);
  });
  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    await server?.close();
  });

  const lastCounts = () => log.records().filter((r) => r.feature === 'retention').at(-1);

  it('deletes nothing before the fair has ended plus RETENTION_DAYS', async () => {
    const before = { messages: await countOf(server, 'messages'), visits: await countOf(server, 'booth_visits'), audit: await countOf(server, 'audit_log') };
    expect(before.messages).toBe(3);
    expect(before.visits).toBe(3);
    expect(before.audit).toBeGreaterThan(0);
    expect(await server.app.runRetention()).toMatchObject({ messages: 0, visits: 0, auditEntries: 0 });
    server.clock.advance(fairEnds.getTime() - Date.now() + 89 * DAY_MS);
    const counts = await server.app.runRetention();
    expect(counts).toMatchObject({ messages: 0, visits: 0, auditEntries: 0 });
    // Sign-ins from the set-up are 14 days old by now: the same job ended them.
    expect(counts.sessions).toBeGreaterThan(0);
    expect({ messages: await countOf(server, 'messages'), visits: await countOf(server, 'booth_visits'), audit: await countOf(server, 'audit_log') }).toEqual(before);
  });

  it('deletes messages and visits once due, keeps what an open report needs and the audit log, and logs the counts', async () => {
    const auditBefore = await countOf(server, 'audit_log');
    server.clock.advance(DAY_MS + 60_000);
    const counts = await server.app.runRetention();
    expect(counts).toMatchObject({ messages: 2, visits: 3, invites: 0, auditEntries: 0, restrictions: 0 });
    const left = await server.sql<{ id: number }>('select id from messages');
    expect(left).toEqual([{ id: heldMessageId }]);
    expect(await countOf(server, 'booth_visits')).toBe(0);
    expect(await countOf(server, 'audit_log')).toBe(auditBefore);
    expect(lastCounts()).toMatchObject({ level: 30, msg: 'retention: deleted what was due', messages: 2, visits: 3, auditEntries: 0 });
  });

  it('deletes the audit log, ended restrictions and held messages after AUDIT_RETENTION_DAYS', async () => {
    const auditBefore = await countOf(server, 'audit_log');
    // The fair ended 364 days (and a minute) ago: the audit period is not over.
    server.clock.advance((364 - 90) * DAY_MS);
    expect(await server.app.runRetention()).toMatchObject({ messages: 0, auditEntries: 0 });
    server.clock.advance(DAY_MS);
    const counts = await server.app.runRetention();
    expect(counts).toMatchObject({ messages: 1, visits: 0, auditEntries: auditBefore, restrictions: 1 });
    expect(await countOf(server, 'audit_log')).toBe(0);
    expect(await countOf(server, 'reports')).toBe(0);
    expect(lastCounts()).toMatchObject({ messages: 1, auditEntries: auditBefore });
  });

  it('keeps deleting in batches when there are more rows than one statement takes', async () => {
    const [member] = await server.sql<{ id: string }>("select id from users where email = 'member@fair.test'");
    const longAgo = server.clock.now() - 400 * DAY_MS;
    const visit = { boothId, userId: member!.id, joinedAt: new Date(longAgo), leftAt: new Date(longAgo + 1000) };
    await server.db.insert(boothVisits).values(Array.from({ length: 2_345 }, () => visit));
    expect(await server.app.runRetention()).toMatchObject({ visits: 2_345 });
    expect(await countOf(server, 'booth_visits')).toBe(0);
  });

  it('deletes used and expired invitations with the chat, and keeps one still waiting to be used', async () => {
    const now = server.clock.now();
    const at = (ms: number) => new Date(now + ms);
    await server.db.insert(invites).values([
      { codeHash: 'used', email: 'used@example.org', role: 'member', expiresAt: at(-300 * DAY_MS), usedAt: at(-399 * DAY_MS), createdAt: at(-400 * DAY_MS) },
      { codeHash: 'expired', email: 'expired@example.org', role: 'member', expiresAt: at(-300 * DAY_MS), usedAt: null, createdAt: at(-400 * DAY_MS) },
      { codeHash: 'waiting', email: 'waiting@example.org', role: 'member', expiresAt: at(DAY_MS), usedAt: null, createdAt: at(-400 * DAY_MS) },
    ]);
    expect(await server.app.runRetention()).toMatchObject({ invites: 2 });
    expect(await server.sql('select email from invites')).toEqual([{ email: 'waiting@example.org' }]);
  });

  it('deletes private conversations, questions, contact requests and inbox notices with the chat, and keeps what an open report needs', async () => {
    const now = server.clock.now();
    const at = (days: number) => new Date(now - days * DAY_MS);
    const [member] = await server.sql<{ id: string }>("select id from users where email = 'member@fair.test'");
    const [staff] = await server.sql<{ id: string }>("select id from users where email = 'member2@fair.test'");
    const memberId = member!.id;
    const staffId = staff!.id;
    // The fair ended over a year ago: due after RETENTION_DAYS (90), and the audit period (365) is over too.
    const [oldRequest] = await server.db
      .insert(contactRequests)
      .values({ boothId, memberId, message: 'please write to me', share: ['email'], status: 'accepted', createdAt: at(400) })
      .returning({ id: contactRequests.id });
    await server.db.insert(contactRequests).values({ boothId, memberId, message: 'a request made this week', share: ['email'], createdAt: at(1) });
    const conversation = async (createdAt: Date, requestId: number | null) =>
      (await server.db.insert(conversations).values({ boothId, requestId, memberId, staffId, lastSeq: 0, createdAt }).returning({ id: conversations.id }))[0]!.id;
    const said = async (conversationId: number, seq: number, body: string, createdAt: Date) =>
      (await server.db.insert(conversationMessages).values({ conversationId, seq, userId: memberId, clientMsgId: randomUUID(), body, createdAt }).returning({ id: conversationMessages.id }))[0]!.id;
    const over = await conversation(at(400), oldRequest!.id);
    await said(over, 1, 'my phone number is …', at(400));
    await said(over, 2, 'and my address', at(399));
    // A hundred days old: due, but reported and not yet looked at.
    const reported = await conversation(at(100), null);
    const heldId = await said(reported, 1, 'a message someone reported', at(100));
    await server.db.insert(conversationReports).values({ messageId: heldId, reporterId: staffId, reason: 'harassment', createdAt: at(100) });
    const recent = await conversation(at(1), null);
    await said(recent, 1, 'still talking', at(1));
    const [oldQuestion] = await server.db.insert(boothQuestions).values({ boothId, userId: memberId, body: 'an old question', createdAt: at(400) }).returning({ id: boothQuestions.id });
    await server.db.insert(questionVotes).values({ questionId: oldQuestion!.id, userId: staffId, createdAt: at(400) });
    await server.db.insert(boothQuestions).values({ boothId, userId: memberId, body: 'a question from this week', createdAt: at(1) });
    const [oldNotice] = await server.db.insert(inboxNotices).values({ userId: memberId, kind: 'announcement', payload: {}, createdAt: at(400) }).returning({ id: inboxNotices.id });
    await server.db.insert(inboxReads).values({ userId: memberId, noticeId: oldNotice!.id, readAt: at(399) });
    await server.db.insert(inboxNotices).values({ userId: null, kind: 'announcement', payload: {}, createdAt: at(400) });
    await server.db.insert(inboxNotices).values({ userId: memberId, kind: 'announcement', payload: {}, createdAt: at(1) });

    const counts = await server.app.runRetention();
    expect(counts).toMatchObject({ conversationMessages: 2, conversations: 1, questions: 1, contactRequests: 1, inboxNotices: 2 });
    expect(await server.sql('select body from conversation_messages order by id')).toEqual([{ body: 'a message someone reported' }, { body: 'still talking' }]);
    expect((await server.sql<{ id: number }>('select id from conversations order by id')).map((row) => row.id)).toEqual([reported, recent]);
    expect(await countOf(server, 'conversation_reports')).toBe(1);
    expect(await server.sql('select body from booth_questions')).toEqual([{ body: 'a question from this week' }]);
    expect(await countOf(server, 'question_votes')).toBe(0);
    expect(await server.sql('select message from contact_requests')).toEqual([{ message: 'a request made this week' }]);
    expect(await countOf(server, 'inbox_notices')).toBe(1);
    expect(await countOf(server, 'inbox_reads')).toBe(0);
    expect(lastCounts()).toMatchObject({ conversationMessages: 2, questions: 1, contactRequests: 1, inboxNotices: 2 });

    // Once the report is closed, the held message goes at the next run, and its conversation with it.
    await server.sql("update conversation_reports set status = 'dismissed'");
    expect(await server.app.runRetention()).toMatchObject({ conversationMessages: 1, conversations: 1 });
    expect(await countOf(server, 'conversation_reports')).toBe(0);
  });
});

describe('my data', () => {
  const log = capturedLog();
  let server: TestServer;
  let boothId: number;
  const open: ClientSocket[] = [];
  let accounts = 0;

  beforeAll(async () => {
    server = await startTestServer({ deps: { logger: createLogger('trace', log.stream), retentionJob: 'on-demand', presenceGraceMs: 100, lobbyIntervalMs: 100 } });
    boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
  });
  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    await server?.close();
  });

  /** A new member who has joined the booth and said something; their socket is closed after the file. */
  async function activeMember(words: string[]) {
    accounts += 1;
    const email = `privacy${accounts}@fair.test`;
    const id = await createUser(server.db, { email, displayName: `Privacy ${accounts}`, role: 'member' });
    server.clock.advance(11_000);
    const session = await joinedSocket(server.baseUrl, email, boothId);
    open.push(session.socket);
    const sent = [];
    for (const body of words) sent.push(await say(session.socket, boothId, body));
    return { ...session, id, email, sent };
  }

  it('says in the log that nothing is due while the fair has no end date', async () => {
    expect(await server.app.runRetention()).toMatchObject({ messages: 0, visits: 0, auditEntries: 0 });
    expect(log.records().find((r) => r.feature === 'retention')).toMatchObject({ reason: 'FAIR_ENDS_AT is not set' });
  });

  describe('GET /api/me/export', () => {
    it('hands a member everything held about them, and nothing about anyone else', async () => {
      const me = await activeMember(['my own words']);
      const other = await activeMember(['somebody else’s secret']);
      const report = await request(me.socket, 'report:create', { messageId: other.sent[0]!.id, reason: 'spam', note: 'off topic' });
      expect(report.ok).toBe(true);

      const res = await me.client.get('/api/me/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?digital-fair-my-data\.json/);
      const data = res.body as unknown as AccountExport;
      expect(data.account).toMatchObject({ id: me.id, email: me.email, displayName: 'Privacy 1', role: 'member', verifiedName: null });
      expect(data.messages).toEqual([expect.objectContaining({ boothId, booth: 'peace-direct', seq: me.sent[0]!.seq, body: 'my own words', deleted: false, private: false })]);
      expect(data.visits).toEqual([expect.objectContaining({ boothId, leftAt: null, private: false })]);
      expect(data.reportsFiled).toEqual([expect.objectContaining({ messageId: other.sent[0]!.id, reason: 'spam', note: 'off topic', status: 'open' })]);
      expect(data.sessions).toHaveLength(1);
      expect(Object.keys(data.sessions[0]!).sort()).toEqual(['browser', 'createdAt', 'expiresAt', 'lastSeenAt', 'method']);
      const text = JSON.stringify(data);
      expect(text).not.toContain(other.email);
      expect(text).not.toContain('somebody else’s secret');
      expect(text).not.toContain(other.id);
      expect(text).not.toMatch(/tokenHash|token_hash|passwordHash|scrypt/);
    });

    it('shows what moderators did to the member with their role, not who they are', async () => {
      const me = await activeMember([]);
      const moderator = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
      open.push(moderator.socket);
      const mute = await request(moderator.socket, 'moderation:mute', { userId: me.id, minutes: 5, reason: 'too loud' });
      expect(mute.ok).toBe(true);
      const data = (await me.client.get('/api/me/export')).body as unknown as AccountExport;
      expect(data.restrictions).toEqual([expect.objectContaining({ kind: 'mute', reason: 'too loud', liftedAt: null })]);
      expect(data.actionsOnMe).toEqual([expect.objectContaining({ action: 'moderation:mute', byRole: 'moderator', reason: 'too loud' })]);
      expect(JSON.stringify(data)).not.toContain(moderator.userId);
    });

    it('needs a signed-in member', async () => {
      expect((await new TestClient(server.baseUrl).get('/api/me/export')).status).toBe(401);
    });
  });

  describe('DELETE /api/me', () => {
    it('refuses a wrong password and leaves the account as it was', async () => {
      const me = await activeMember(['still here']);
      const res = await me.client.request('DELETE', '/api/me', { password: 'not-my-password' });
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('INVALID_CREDENTIALS');
      expect((await me.client.get('/api/me')).status).toBe(200);
      expect(me.socket.connected).toBe(true);
    });

    it('ends the account: no sign-in, sockets closed, messages kept in place under the deleted marker, audited without the email', async () => {
      const me = await activeMember(['first words', 'second words']);
      const bystander = await activeMember(['a reply']);
      const reporter = await activeMember([]);
      // An open report on the second message: moderators still need its body.
      expect((await request(reporter.socket, 'report:create', { messageId: me.sent[1]!.id, reason: 'spam' })).ok).toBe(true);
      const closed = new Promise<number>((resolve) => me.socket.once('disconnect', () => resolve(Date.now())));
      const sawDeleted = nextEvent(bystander.socket, 'chat:deleted', (p) => p.messageId === me.sent[0]!.id);
      const started = Date.now();

      const res = await me.client.request('DELETE', '/api/me', { password: 'fair-demo' });
      expect(res.status).toBe(204);
      expect((await closed) - started).toBeLessThan(1000);
      expect(await sawDeleted).toEqual({ boothId, messageId: me.sent[0]!.id, seq: me.sent[0]!.seq });
      expect((await me.client.get('/api/me')).status).toBe(401);
      const again = await new TestClient(server.baseUrl).post('/api/auth/login', { email: me.email, password: 'fair-demo' });
      expect(again.status).toBe(401);

      const messages = await history(bystander.socket, boothId);
      const seqs = messages.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
      for (const sent of me.sent) {
        expect(messages.find((m) => m.id === sent.id)).toMatchObject({ seq: sent.seq, author: DELETED_AUTHOR, body: '', deleted: true });
      }
      expect(JSON.stringify(messages)).not.toContain(me.id);
      // Blanked, except the one under an open report (hidden from members, kept for moderators).
      const rows = await server.sql('select body, delete_reason as reason from messages where user_id = ? order by id', [me.id]);
      expect(rows).toEqual([
        { body: '', reason: 'account deleted' },
        { body: 'second words', reason: 'account deleted' },
      ]);
      const [user] = await server.sql('select email, display_name, verified_name, deleted_at from users where id = ?', [me.id]);
      expect(user).toMatchObject({ email: `deleted-${me.id}@invalid`, display_name: 'deleted member', verified_name: null });
      expect(user!.deleted_at).not.toBeNull();
      for (const table of ['sessions', 'booth_visits', 'passkeys', 'private_aliases']) {
        expect([table, (await server.sql(`select cast(count(*) as integer) as n from ${table} where user_id = ?`, [me.id]))[0]]).toEqual([table, { n: 0 }]);
      }

      const admin = new TestClient(server.baseUrl);
      await admin.login('admin@fair.test');
      const audit = await admin.get(`/api/moderation/audit?action=account:deleted&targetId=${me.id}`);
      const entries = (audit.body as { entries: { action: string; actor: { id: string } | null; target: { id: string } | null }[] }).entries;
      expect(entries.map((e) => [e.action, e.actor?.id, e.target?.id])).toEqual([['account:deleted', me.id, me.id]]);
      expect(JSON.stringify(audit.body)).not.toContain(me.email);
    });
  });

  describe('DELETE /api/me, guarded', () => {
    it('stops answering wrong passwords after a few', async () => {
      const me = await activeMember([]);
      for (let i = 0; i < 5; i++) expect((await me.client.request('DELETE', '/api/me', { password: `guess-${i}` })).status).toBe(401);
      const refused = await me.client.request('DELETE', '/api/me', { password: 'fair-demo' });
      expect(refused.status).toBe(429);
      expect(refused.body.error?.code).toBe('RATE_LIMITED');
      server.clock.advance(16 * 60_000);
      expect((await me.client.get('/api/me')).status).toBe(200);
    });

    it('keeps the last organiser account', async () => {
      const admin = new TestClient(server.baseUrl);
      await admin.login('admin@fair.test');
      const res = await admin.request('DELETE', '/api/me', { password: 'fair-demo' });
      expect(res.status).toBe(409);
      expect((await admin.get('/api/me')).status).toBe(200);
    });
  });

  describe('DELETE /api/admin/users/:id', () => {
    it('lets an organiser erase an account on request, with the same outcome', async () => {
      const them = await activeMember(['please forget me']);
      const bystander = await activeMember([]);
      const admin = new TestClient(server.baseUrl);
      const adminLogin = await admin.login('admin@fair.test');
      const closed = new Promise<void>((resolve) => them.socket.once('disconnect', () => resolve()));
      const res = await admin.request('DELETE', `/api/admin/users/${them.id}`);
      expect(res.status).toBe(204);
      await closed;
      expect((await them.client.get('/api/me')).status).toBe(401);
      expect((await new TestClient(server.baseUrl).post('/api/auth/login', { email: them.email, password: 'fair-demo' })).status).toBe(401);
      const erased = (await history(bystander.socket, boothId)).find((m) => m.id === them.sent[0]!.id);
      expect(erased).toMatchObject({ author: DELETED_AUTHOR, body: '', deleted: true });
      const audit = await admin.get(`/api/moderation/audit?action=account:erased&targetId=${them.id}`);
      const adminId = (adminLogin.body.user as { id: string }).id;
      const entries = (audit.body as { entries: { actor: { id: string } | null; target: { id: string } | null }[] }).entries;
      expect(entries.map((e) => [e.actor?.id, e.target?.id])).toEqual([[adminId, them.id]]);
      expect(JSON.stringify(audit.body)).not.toContain(them.email);
      expect((await admin.request('DELETE', `/api/admin/users/${them.id}`)).status).toBe(404);
    });

    it('is refused to members', async () => {
      const them = await activeMember([]);
      const member = new TestClient(server.baseUrl);
      await member.login('member2@fair.test');
      const res = await member.request('DELETE', `/api/admin/users/${them.id}`);
      expect(res.status).toBe(403);
      expect((await them.client.get('/api/me')).status).toBe(200);
    });
  });

  describe('the logs', () => {
    it('hold no email and no IP address through a failed sign-in, an invite and an account deletion', async () => {
      const from = log.lines.length;
      const stranger = new TestClient(server.baseUrl);
      expect((await stranger.post('/api/auth/login', { email: 'member@fair.test', password: 'wrong-password' })).status).toBe(401);
      const admin = new TestClient(server.baseUrl);
      await admin.login('admin@fair.test');
      expect((await admin.post('/api/admin/invites', { email: 'invitee-log@example.org', role: 'member' })).status).toBe(201);
      const me = await activeMember(['bye']);
      expect((await me.client.request('DELETE', '/api/me', { password: 'fair-demo' })).status).toBe(204);
      await sleep(50);
      const written = log.lines.slice(from).join('');
      // Something was logged (the deletion), so the test would see a leak.
      expect(written).toContain('account erased');
      for (const secret of ['member@fair.test', 'admin@fair.test', 'invitee-log@example.org', me.email, '127.0.0.1', '::ffff', 'fair-demo']) {
        expect([secret, written.includes(secret)]).toEqual([secret, false]);
      }
    });

    it('censors emails and addresses even when a log call passes them', () => {
      const lines = capturedLog();
      createLogger('info', lines.stream).info({ email: 'someone@example.org', user: { email: 'x@example.org' }, ip: '203.0.113.9', req: { remoteAddress: '203.0.113.9' } }, 'careless');
      expect(lines.text()).not.toMatch(/example\.org|203\.0\.113\.9/);
      expect(lines.text()).toContain('[redacted]');
    });
  });
});
