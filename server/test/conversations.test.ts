/**
 * Private 1:1 conversations (issue 16) with real socket clients: the same delivery guarantees as
 * booth chat (sequence numbers, idempotent resend, catch-up), only the two people, and moderation
 * once one of them reports a message.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConversationList, ConversationReport } from '../../shared/conversations.js';
import type { InboxPage } from '../../shared/inbox.js';
import type { AccountExport } from '../../shared/privacy.js';
import { conversations } from '../db/tables.js';
import { rooms } from '../realtime/types.js';
import { createUser, TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { collect, connected, cut, nextEvent, openSocket, rawRequest, request, sleep, type ClientSocket } from './sockets.js';

const fair = useSocketFair();
const { connect } = fair;

let accounts = 0;
/** A fresh account, so each test starts with people who share no conversation yet. */
async function person(role: 'member' | 'host' | 'moderator', name: string) {
  accounts += 1;
  const email = `${name.toLowerCase()}${accounts}@conversations.test`;
  const id = await createUser(fair.server.db, { email, displayName: `${name} ${accounts}`, role, hostsBoothId: role === 'host' ? fair.boothIds['peace-direct'] : undefined });
  return { email, id };
}

/** What accepting a contact request does (built elsewhere): the conversation row, made directly here. */
async function openConversation(memberId: string, staffId: string): Promise<number> {
  const boothId = fair.boothIds['peace-direct']!;
  const [row] = await fair.server.db.insert(conversations).values({ boothId, memberId, staffId }).returning({ id: conversations.id });
  return row!.id;
}

/** A member and a host of the booth, both connected, in a fresh conversation. */
async function twoPeople() {
  const member = await person('member', 'Member');
  const host = await person('host', 'Host');
  const conversationId = await openConversation(member.id, host.id);
  return { conversationId, member: { ...member, ...(await connect(member.email)) }, host: { ...host, ...(await connect(host.email)) } };
}

function say(socket: ClientSocket, conversationId: number, body: string, clientMsgId: string = randomUUID()) {
  return request(socket, 'conversation:send', { conversationId, clientMsgId, body });
}

async function history(socket: ClientSocket, conversationId: number, extra: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}) {
  const ack = await request(socket, 'conversation:history', { conversationId, ...extra });
  if (!ack.ok) throw new Error(`history refused: ${ack.error.code}`);
  return ack.data.messages;
}

describe('conversation:send', () => {
  it('stores the message and delivers it once to every tab of both people', async () => {
    const { conversationId, member, host } = await twoPeople();
    const memberSecondTab = openSocket(fair.server.baseUrl, member.client.cookie);
    fair.track(memberSecondTab);
    await connected(memberSecondTab);
    const toHost = collect(host.socket, 'conversation:message');
    const toSecondTab = collect(memberSecondTab, 'conversation:message');

    const sent = await say(member.socket, conversationId, '  Hello, could we talk about funding?  ');
    expect(sent).toMatchObject({ ok: true, data: { conversationId, seq: 1, body: 'Hello, could we talk about funding?', author: { id: member.id, role: 'member' } } });
    await sleep(200);
    expect(toHost).toHaveLength(1);
    expect(toSecondTab).toHaveLength(1);
    expect(toHost[0]).toEqual(sent.ok && sent.data);

    const answer = await say(host.socket, conversationId, 'Of course.');
    expect(answer).toMatchObject({ ok: true, data: { seq: 2, author: { id: host.id, role: 'host' } } });
    expect((await history(member.socket, conversationId)).map((m) => [m.seq, m.body])).toEqual([
      [1, 'Hello, could we talk about funding?'],
      [2, 'Of course.'],
    ]);
  });

  it('refuses bad input with a clear error', async () => {
    const { conversationId, member } = await twoPeople();
    const empty = await say(member.socket, conversationId, '   ');
    expect(empty).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const tooLong = await say(member.socket, conversationId, 'x'.repeat(2001));
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const notUuid = await rawRequest(member.socket, 'conversation:send', { conversationId, clientMsgId: 'one', body: 'hi' });
    expect(notUuid).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: { field: 'clientMsgId' } } });
    expect(await history(member.socket, conversationId)).toEqual([]);
  });

  it('keeps a third person out, even a host of the same booth, and tells them nothing', async () => {
    const { conversationId, member, host } = await twoPeople();
    const sent = await say(member.socket, conversationId, 'Only for you');
    if (!sent.ok) throw new Error('send failed');
    const colleague = await person('host', 'Colleague');
    const outsider = { ...colleague, ...(await connect(colleague.email)) };
    const moderator = await connect('moderator@fair.test');
    const overheard = [...[outsider.socket, moderator.socket].map((socket) => collect(socket, 'conversation:message'))];

    for (const socket of [outsider.socket, moderator.socket]) {
      expect(await say(socket, conversationId, 'Let me in')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await request(socket, 'conversation:history', { conversationId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await request(socket, 'conversation:report', { messageId: sent.data.id, reason: 'spam' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    // A conversation that does not exist answers the same.
    expect(await say(outsider.socket, 999_999, 'Anyone?')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await say(host.socket, conversationId, 'Still private');
    await sleep(200);
    expect(overheard.flat()).toEqual([]);
    expect((await history(host.socket, conversationId)).map((m) => m.body)).toEqual(['Only for you', 'Still private']);

    const listed = await outsider.client.get('/api/conversations');
    expect((listed.body as unknown as ConversationList).conversations.some((c) => c.id === conversationId)).toBe(false);
  });

  it('lists one’s conversations with the other person’s name and the booth', async () => {
    const { conversationId, member, host } = await twoPeople();
    await say(member.socket, conversationId, 'one');
    await say(host.socket, conversationId, 'two');
    for (const side of [member, host]) {
      const res = await side.client.get('/api/conversations');
      expect(res.status).toBe(200);
      const entry = (res.body as unknown as ConversationList).conversations.find((c) => c.id === conversationId);
      expect(entry).toMatchObject({ boothId: fair.boothIds['peace-direct'], boothName: 'Peace Direct', member: { id: member.id }, staff: { id: host.id }, lastSeq: 2 });
    }
    expect((await new TestClient(fair.server.baseUrl).get('/api/conversations')).status).toBe(401);
  });
});

describe('delivery through a dropped connection', () => {
  it('catches up with afterSeq on what the other side wrote meanwhile, and a resend after a lost ack stores once', async () => {
    const { conversationId, member, host } = await twoPeople();
    const first = await say(member.socket, conversationId, 'Before the drop');
    if (!first.ok) throw new Error('send failed');
    const heldSeq = first.data.seq;

    // The server cuts the member's connection (a flaky mobile link), while they had sent a
    // message whose ack never came back: stored, but they cannot know.
    const lostAckId = randomUUID();
    const hostSawLost = nextEvent(host.socket, 'conversation:message', (m) => m.clientMsgId === lostAckId);
    member.socket.emit('conversation:send', { conversationId, clientMsgId: lostAckId, body: 'Sent as the link dropped' }, () => undefined);
    await hostSawLost;
    const dropped = cut(member.socket, 3000);
    fair.server.app.io.in(rooms.user(member.id)).disconnectSockets(true);
    expect(await dropped).toBe('io server disconnect');

    // The host keeps writing while the member is away.
    for (const body of ['While you were away 1', 'While you were away 2', 'While you were away 3']) expect((await say(host.socket, conversationId, body)).ok).toBe(true);

    // Back: a new connection with the same session.
    const back = openSocket(fair.server.baseUrl, member.client.cookie);
    fair.track(back);
    await connected(back);
    const hostSees = collect(host.socket, 'conversation:message');
    // The outbox sends the unacknowledged message again, with the same clientMsgId.
    const resent = await say(back, conversationId, 'Sent as the link dropped', lostAckId);
    expect(resent).toMatchObject({ ok: true, data: { clientMsgId: lostAckId, seq: heldSeq + 1 } });
    const caughtUp = await history(back, conversationId, { afterSeq: heldSeq });
    expect(caughtUp.map((m) => [m.seq, m.body])).toEqual([
      [2, 'Sent as the link dropped'],
      [3, 'While you were away 1'],
      [4, 'While you were away 2'],
      [5, 'While you were away 3'],
    ]);
    await sleep(200);
    // The resend was an answer only: no second copy went to the host (the host's own messages may still echo in).
    expect(hostSees.filter((m) => m.clientMsgId === lostAckId)).toEqual([]);
    const all = await history(host.socket, conversationId);
    expect(all.filter((m) => m.clientMsgId === lostAckId)).toHaveLength(1);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('pages backwards with beforeSeq', async () => {
    const { conversationId, member } = await twoPeople();
    for (let i = 1; i <= 7; i++) await say(member.socket, conversationId, `m${i}`);
    expect((await history(member.socket, conversationId, { limit: 3 })).map((m) => m.seq)).toEqual([5, 6, 7]);
    expect((await history(member.socket, conversationId, { beforeSeq: 5, limit: 3 })).map((m) => m.seq)).toEqual([2, 3, 4]);
    expect((await history(member.socket, conversationId, { beforeSeq: 2 })).map((m) => m.seq)).toEqual([1]);
    expect(await request(member.socket, 'conversation:history', { conversationId, afterSeq: 1, beforeSeq: 3 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('a clientMsgId already used in another conversation is refused, not silently answered with the other message', async () => {
    const { conversationId, member, host } = await twoPeople();
    const other = await openConversation(member.id, host.id);
    const id = randomUUID();
    expect((await say(member.socket, conversationId, 'first', id)).ok).toBe(true);
    expect(await say(member.socket, other, 'second', id)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: { field: 'clientMsgId' } } });
  });
});

describe('sequence numbers', () => {
  it('stay unique and gap-free when both people send at once', async () => {
    const { conversationId, member, host } = await twoPeople();
    const perSide = 15;
    const sends = [member, host].flatMap((side) => Array.from({ length: perSide }, (_, i) => say(side.socket, conversationId, `${side.id.slice(0, 4)} ${i}`)));
    const acks = await Promise.all(sends);
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const seqs = acks.map((ack) => (ack.ok ? ack.data.seq : 0)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: perSide * 2 }, (_, i) => i + 1));
    const stored = await history(member.socket, conversationId, { limit: 100 });
    expect(stored.map((m) => m.seq)).toEqual(seqs);
    const listed = await member.client.get('/api/conversations');
    expect((listed.body as unknown as ConversationList).conversations.find((c) => c.id === conversationId)?.lastSeq).toBe(perSide * 2);
  });
});

describe('moderation of a reported conversation', () => {
  it('report → moderators see it with context → the message is removed for both → the reporter hears the outcome', async () => {
    const { conversationId, member, host } = await twoPeople();
    await say(member.socket, conversationId, 'Thanks for accepting');
    const abusive = await say(host.socket, conversationId, 'Something abusive');
    if (!abusive.ok) throw new Error('send failed');
    const moderator = await connect('moderator@fair.test');

    // Nobody moderates a conversation nobody reported.
    expect(await request(moderator.socket, 'conversation:delete', { messageId: abusive.data.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // One reports the other's messages, not their own.
    const own = await history(member.socket, conversationId);
    expect(await request(member.socket, 'conversation:report', { messageId: own[0]!.id, reason: 'spam' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const moderatorSees = nextEvent(moderator.socket, 'conversation:report-created');
    const reported = await request(member.socket, 'conversation:report', { messageId: abusive.data.id, reason: 'harassment', note: 'Please look' });
    expect(reported.ok).toBe(true);
    expect(await request(member.socket, 'conversation:report', { messageId: abusive.data.id, reason: 'harassment' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const live = await moderatorSees;
    expect(live).toMatchObject({
      messageId: abusive.data.id,
      conversationId,
      boothName: 'Peace Direct',
      reason: 'harassment',
      note: 'Please look',
      status: 'open',
      reporter: { id: member.id },
      message: { body: 'Something abusive', author: { id: host.id }, deleted: false },
      context: [{ seq: 1, body: 'Thanks for accepting', author: { id: member.id } }],
    });
    const queue = await moderator.client.get('/api/moderation/conversation-reports');
    expect((queue.body.reports as ConversationReport[]).map((r) => r.id)).toContain(live.id);
    expect((await moderator.client.get('/api/moderation/conversation-reports?status=nope')).body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'status' } });
    // A member cannot read the queue.
    expect((await member.client.get('/api/moderation/conversation-reports')).status).toBe(403);

    const memberSees = nextEvent(member.socket, 'conversation:deleted');
    const hostSees = nextEvent(host.socket, 'conversation:deleted');
    const removed = await request(moderator.socket, 'conversation:delete', { messageId: abusive.data.id, reason: 'harassment' });
    expect(removed).toEqual({ ok: true, data: { messageId: abusive.data.id, conversationId } });
    const expected = { conversationId, messageId: abusive.data.id, seq: abusive.data.seq };
    expect(await memberSees).toEqual(expected);
    expect(await hostSees).toEqual(expected);
    for (const side of [member, host]) {
      const kept = (await history(side.socket, conversationId)).find((m) => m.id === abusive.data.id);
      expect(kept).toMatchObject({ seq: abusive.data.seq, body: '', deleted: true });
    }
    expect(await request(moderator.socket, 'conversation:delete', { messageId: abusive.data.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const inboxNotice = nextEvent(member.socket, 'inbox:notice');
    const closed = await request(moderator.socket, 'conversation:resolve', { reportId: live.id, outcome: 'resolved', note: 'We removed the message.' });
    expect(closed).toMatchObject({ ok: true, data: { status: 'resolved', message: { body: 'Something abusive', deleted: true } } });
    expect(await request(moderator.socket, 'conversation:resolve', { reportId: live.id, outcome: 'dismissed', note: 'again' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await inboxNotice).toMatchObject({ kind: 'report_outcome', payload: { outcome: 'resolved', note: 'We removed the message.', conversationId, boothName: 'Peace Direct' } });
    const inbox = (await member.client.get('/api/inbox')).body as unknown as InboxPage;
    expect(inbox.notices[0]).toMatchObject({ kind: 'report_outcome', payload: { outcome: 'resolved' } });

    // The record: who removed what and who closed the report.
    const audit = await moderator.client.get(`/api/moderation/audit?targetId=${host.id}`);
    const actions = (audit.body.entries as { action: string; details: Record<string, unknown> }[]).map((e) => [e.action, e.details?.conversationMessageId]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['conversation:delete', abusive.data.id],
        ['conversation:resolve', abusive.data.id],
      ]),
    );
  });
});

describe('privacy', () => {
  it('exports one’s own conversation messages, and shows an erased account’s as from a deleted member', async () => {
    const { conversationId, member, host } = await twoPeople();
    await say(member.socket, conversationId, 'My words');
    await say(host.socket, conversationId, 'Their words');
    const exported = (await member.client.get('/api/me/export')).body as unknown as AccountExport;
    expect(exported.conversationMessages).toEqual([expect.objectContaining({ conversationId, seq: 1, body: 'My words', booth: 'peace-direct', deleted: false })]);

    const erased = await member.client.request('DELETE', '/api/me', { password: 'fair-demo' });
    expect(erased.status).toBe(204);
    const left = await history(host.socket, conversationId);
    expect(left[0]).toMatchObject({ seq: 1, body: '', deleted: true, author: { id: 'deleted' } });
    expect(left[1]).toMatchObject({ seq: 2, body: 'Their words' });
    // Erased, not just hidden: the stored text is gone, the other person's stays.
    const stored = await fair.server.sql<{ body: string }>('SELECT body FROM conversation_messages WHERE conversation_id = ? ORDER BY seq', [conversationId]);
    expect(stored.map((row) => row.body)).toEqual(['', 'Their words']);
    const listed = (await host.client.get('/api/conversations')).body as unknown as ConversationList;
    expect(listed.conversations.find((c) => c.id === conversationId)?.member.id).toBe('deleted');
  });
});
