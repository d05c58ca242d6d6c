import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AccountExport } from '../../shared/privacy.js';
import type { Question } from '../../shared/questions.js';
import { createUser, rawSql, TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { collect, joinedSocket, nextEvent, rawRequest, request, sleep, type ClientSocket } from './sockets.js';

// The ask limit is tested below on a fair of its own; here members ask as often as the tests need.
const fair = useSocketFair({ questionRate: { maxAsks: 1e6, maxVotes: 1e6 } });
const { join, connect } = fair;

async function ask(socket: ClientSocket, body: string, anonymous?: boolean): Promise<Question> {
  const ack = await request(socket, 'question:ask', { boothId: fair.boothIds['peace-direct']!, body, anonymous });
  if (!ack.ok) throw new Error(`question:ask failed: ${ack.error.code}`);
  return ack.data.question;
}

async function listed(socket: ClientSocket, boothId = fair.boothIds['peace-direct']!): Promise<Question[]> {
  const ack = await request(socket, 'question:list', { boothId });
  if (!ack.ok) throw new Error(`question:list failed: ${ack.error.code}`);
  return ack.data.questions;
}

/** The question:updated events one socket got for one question. */
const updatesOf = (seen: Question[], questionId: number) => seen.filter((q) => q.id === questionId);

describe('questions to a booth', () => {
  it('asks, tells everyone in the booth live, and lists it with its votes', async () => {
    const asker = await join('member@fair.test');
    const other = await join('member2@fair.test');
    const seen = nextEvent(other.socket, 'question:updated');
    const question = await ask(asker.socket, '  Do you fund youth groups?  ');
    expect(question).toMatchObject({ body: 'Do you fund youth groups?', votes: 0, mine: true, anonymous: false, answered: null, asker: { id: asker.userId } });
    const event = await seen;
    expect(event).toMatchObject({ id: question.id, body: 'Do you fund youth groups?', votes: 0, asker: { id: asker.userId, displayName: 'Amina' } });
    expect(event.mine).toBeUndefined();
    const list = await listed(other.socket);
    expect(list.find((q) => q.id === question.id)).toMatchObject({ votedByMe: false, votes: 0 });
    const [row] = await rawSql<{ body: string }>(fair.server.db, 'select body from booth_questions where id = ?', [question.id]);
    expect(row?.body).toBe('Do you fund youth groups?');

    // Sent again (its ack lost on a poor link), twice at once: the same question, stored once, told once.
    const resends = await Promise.all([1, 2].map(() => ask(asker.socket, 'Do you fund youth groups?')));
    expect(resends.map((q) => q.id)).toEqual([question.id, question.id]);
    const [stored] = await rawSql<{ n: number | string }>(fair.server.db, 'select count(*) as n from booth_questions where id > 0 and body = ?', ['Do you fund youth groups?']);
    expect(Number(stored?.n)).toBe(1);
  });

  it('counts each member once, also for two votes sent at the same moment, and lets a vote be withdrawn', async () => {
    const asker = await join('member@fair.test');
    const voter = await join('member2@fair.test');
    const host = await join('host@fair.test');
    const created = nextEvent(asker.socket, 'question:updated');
    const question = await ask(asker.socket, 'How do we apply?');
    await created;
    const askerSees = collect(asker.socket, 'question:updated');

    const [first, second] = await Promise.all([request(voter.socket, 'question:vote', { questionId: question.id }), request(voter.socket, 'question:vote', { questionId: question.id })]);
    expect(first.ok && second.ok).toBe(true);
    expect([first.ok && first.data.votes, second.ok && second.data.votes]).toEqual([1, 1]);
    expect(first.ok && first.data.votedByMe).toBe(true);
    const again = await request(voter.socket, 'question:vote', { questionId: question.id });
    expect(again.ok && again.data.votes).toBe(1);
    const byHost = await request(host.socket, 'question:vote', { questionId: question.id });
    expect(byHost.ok && byHost.data.votes).toBe(2);

    expect((await listed(voter.socket)).find((q) => q.id === question.id)).toMatchObject({ votes: 2, votedByMe: true });
    expect((await listed(asker.socket)).find((q) => q.id === question.id)).toMatchObject({ votes: 2, votedByMe: false, mine: true });
    const [stored] = await rawSql<{ votes: number; counted: number | string }>(
      fair.server.db,
      'select votes, (select count(*) from question_votes v where v.question_id = q.id) as counted from booth_questions q where id = ?',
      [question.id],
    );
    expect([stored?.votes, Number(stored?.counted)]).toEqual([2, 2]);

    const withdrawn = await request(voter.socket, 'question:unvote', { questionId: question.id });
    expect(withdrawn.ok && [withdrawn.data.votes, withdrawn.data.votedByMe]).toEqual([1, false]);
    const withdrawnAgain = await request(voter.socket, 'question:unvote', { questionId: question.id });
    expect(withdrawnAgain.ok && withdrawnAgain.data.votes).toBe(1);
    await sleep(200);
    // One event per change: two votes and a withdrawal, never one for a vote that changed nothing.
    expect(updatesOf(askerSees, question.id).map((q) => q.votes)).toEqual([1, 2, 1]);
  });

  it('counts a member once when two of their tabs vote at the same moment', async () => {
    const asker = await join('member@fair.test');
    const [tabA, tabB] = [await join('member2@fair.test'), await join('member2@fair.test')];
    const question = await ask(asker.socket, 'Two tabs, one vote?');
    const acks = await Promise.all([tabA, tabB].map((tab) => request(tab.socket, 'question:vote', { questionId: question.id })));
    expect(acks.map((ack) => ack.ok && ack.data.votes)).toEqual([1, 1]);
    expect((await listed(asker.socket)).find((q) => q.id === question.id)?.votes).toBe(1);
  });

  it('takes an erased member’s questions down and their votes back', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    await createUser(fair.server.db, { email: 'leaving@fair.test', displayName: 'Leaving', role: 'member' });
    const leaving = await join('leaving@fair.test');
    const other = await join('member2@fair.test');
    const theirs = await ask(leaving.socket, 'Something only I should be able to take back');
    const othersQuestion = await ask(other.socket, 'Will it still count?');
    expect((await request(leaving.socket, 'question:vote', { questionId: othersQuestion.id })).ok).toBe(true);

    const admin = new TestClient(fair.server.baseUrl);
    await admin.login('admin@fair.test');
    expect((await admin.request('DELETE', `/api/admin/users/${leaving.userId}`)).status).toBe(204);

    const list = await listed(other.socket, boothId);
    expect(list.some((q) => q.id === theirs.id)).toBe(false);
    expect(list.find((q) => q.id === othersQuestion.id)?.votes).toBe(0);
    const [row] = await rawSql<{ body: string }>(fair.server.db, 'select body from booth_questions where id = ?', [theirs.id]);
    expect(row?.body).toBe('');
  });

  it('puts a member’s questions and votes in their data export', async () => {
    const asker = await join('member@fair.test');
    const voter = await join('member2@fair.test');
    const question = await ask(asker.socket, 'Exported with my data?', true);
    expect((await request(voter.socket, 'question:vote', { questionId: question.id })).ok).toBe(true);
    const asked = (await asker.client.get('/api/me/export')).body as unknown as AccountExport;
    expect(asked.questionsAsked.find((q) => q.id === question.id)).toMatchObject({ body: 'Exported with my data?', anonymous: true, votes: 1, removed: false });
    const voted = (await voter.client.get('/api/me/export')).body as unknown as AccountExport;
    expect(voted.questionVotes.map((v) => v.questionId)).toContain(question.id);
  });

  it('does not let the asker vote for their own question', async () => {
    const asker = await join('member@fair.test');
    const question = await ask(asker.socket, 'Mine?');
    const own = await request(asker.socket, 'question:vote', { questionId: question.id });
    expect(own.ok || own.error.code).toBe('FORBIDDEN');
  });

  it('never tells other members who asked anonymously (event, list, ack), but tells the booth staff', async () => {
    const asker = await join('member@fair.test');
    const other = await join('member2@fair.test');
    const host = await join('host@fair.test');
    const memberEvent = nextEvent(other.socket, 'question:updated');
    const hostEvent = nextEvent(host.socket, 'question:updated');
    const question = await ask(asker.socket, 'Is it safe to speak about land rights here?', true);
    expect(question).toMatchObject({ anonymous: true, mine: true, asker: { id: asker.userId } });

    const seenByMember = await memberEvent;
    expect(seenByMember.asker).toBeNull();
    expect(JSON.stringify(seenByMember)).not.toContain(asker.userId);
    expect(JSON.stringify(seenByMember)).not.toContain('Amina');
    expect((await hostEvent).asker).toMatchObject({ id: asker.userId, displayName: 'Amina' });

    const inMemberList = (await listed(other.socket)).find((q) => q.id === question.id);
    expect(inMemberList?.asker).toBeNull();
    expect(JSON.stringify(inMemberList)).not.toContain(asker.userId);
    expect((await listed(host.socket)).find((q) => q.id === question.id)?.asker?.id).toBe(asker.userId);

    // A vote's ack and events do not reveal the asker either.
    const afterVote = nextEvent(asker.socket, 'question:updated', (q) => q.id === question.id);
    const vote = await request(other.socket, 'question:vote', { questionId: question.id });
    expect(vote.ok && vote.data.asker).toBeNull();
    expect(JSON.stringify(vote)).not.toContain(asker.userId);
    expect((await afterVote).mine).toBe(true);

    // Answered by staff: still nameless to members.
    const answeredSeen = nextEvent(other.socket, 'question:updated', (q) => q.id === question.id && q.answered !== null);
    expect((await request(host.socket, 'question:answer', { questionId: question.id })).ok).toBe(true);
    expect((await answeredSeen).asker).toBeNull();
  });

  it('keeps a private visitor nameless to other members even without ticking anonymous', async () => {
    const visitor = await joinedSocket(fair.server.baseUrl, 'member@fair.test', fair.boothIds['peace-direct']!, { private: true });
    fair.track(visitor.socket);
    const other = await join('member2@fair.test');
    const seen = nextEvent(other.socket, 'question:updated');
    const question = await ask(visitor.socket, 'Asked on a private visit');
    expect(question.anonymous).toBe(true);
    expect((await seen).asker).toBeNull();
    const inList = (await listed(other.socket)).find((q) => q.id === question.id);
    expect(inList?.asker).toBeNull();
    expect(JSON.stringify(inList)).not.toContain(visitor.userId);
  });

  it('lets only the booth staff mark answered (with a chat message of the booth) and remove, removal audited', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const asker = await join('member@fair.test');
    const member = await join('member2@fair.test');
    const host = await join('host@fair.test');
    const moderator = await connect('moderator@fair.test');
    const question = await ask(asker.socket, 'When is the next grant round?');

    const byMember = await request(member.socket, 'question:answer', { questionId: question.id });
    expect(byMember.ok || byMember.error.code).toBe('FORBIDDEN');
    const removeByMember = await request(member.socket, 'question:remove', { questionId: question.id });
    expect(removeByMember.ok || removeByMember.error.code).toBe('FORBIDDEN');

    const reply = await request(host.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `#question-${question.id} In March.` });
    if (!reply.ok) throw new Error('chat:send failed');
    const elsewhere = await request(moderator.socket, 'booth:join', { boothId: fair.boothIds.kujalink! });
    expect(elsewhere.ok).toBe(true);
    const foreign = await request(moderator.socket, 'chat:send', { boothId: fair.boothIds.kujalink!, clientMsgId: randomUUID(), body: 'elsewhere' });
    if (!foreign.ok) throw new Error('chat:send failed');
    const wrongBooth = await request(host.socket, 'question:answer', { questionId: question.id, messageId: foreign.data.id });
    expect(wrongBooth.ok || wrongBooth.error.details?.field).toBe('messageId');

    const seen = nextEvent(member.socket, 'question:updated', (q) => q.id === question.id && q.answered !== null);
    const answered = await request(host.socket, 'question:answer', { questionId: question.id, messageId: reply.data.id });
    expect(answered.ok && answered.data.answered).toMatchObject({ by: { displayName: 'Claire', role: 'host' }, messageId: reply.data.id });
    expect((await seen).answered?.messageId).toBe(reply.data.id);
    const closed = await request(member.socket, 'question:vote', { questionId: question.id });
    expect(closed.ok || closed.error.code).toBe('CONFLICT');

    const gone = nextEvent(member.socket, 'question:updated', (q) => q.id === question.id && q.removed === true);
    const removed = await request(moderator.socket, 'question:remove', { questionId: question.id, reason: 'off topic' });
    expect(removed.ok && removed.data.removed).toBe(true);
    expect((await gone).body).toBe('');
    expect((await listed(member.socket)).some((q) => q.id === question.id)).toBe(false);
    const twice = await request(host.socket, 'question:remove', { questionId: question.id });
    expect(twice.ok || twice.error.code).toBe('NOT_FOUND');
    expect((await request(moderator.socket, 'booth:join', { boothId })).ok).toBe(true);
    const moderatorsQuestion = await ask(moderator.socket, 'Asked by a moderator');
    const byLowerRank = await request(host.socket, 'question:remove', { questionId: moderatorsQuestion.id });
    expect(byLowerRank.ok || byLowerRank.error.code).toBe('FORBIDDEN');

    const audit = await rawSql<{ action: string; target_user_id: string; reason: string }>(fair.server.db, "select action, target_user_id, reason from audit_log where action = 'question:remove'");
    expect(audit).toEqual([{ action: 'question:remove', target_user_id: asker.userId, reason: 'off topic' }]);
  });

  it('refuses a muted member, a locked booth and someone not in the booth, each with a clear code', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const member = await join('member@fair.test');
    const voter = await join('member2@fair.test');
    const moderator = await join('moderator@fair.test');
    const question = await ask(member.socket, 'Before the mute');

    expect((await request(moderator.socket, 'moderation:mute', { userId: voter.userId, boothId, minutes: 5, reason: 'test' })).ok).toBe(true);
    const mutedAsk = await request(voter.socket, 'question:ask', { boothId, body: 'muted?' });
    expect(mutedAsk.ok || mutedAsk.error.code).toBe('MUTED');
    const mutedVote = await request(voter.socket, 'question:vote', { questionId: question.id });
    expect(mutedVote.ok || mutedVote.error.code).toBe('MUTED');
    expect((await request(moderator.socket, 'moderation:unmute', { userId: voter.userId, boothId })).ok).toBe(true);

    expect((await request(moderator.socket, 'booth:update', { boothId, locked: true })).ok).toBe(true);
    try {
      const locked = await request(member.socket, 'question:ask', { boothId, body: 'locked?' });
      expect(locked.ok || [locked.error.code, locked.error.details?.locked]).toEqual(['BOOTH_CLOSED', true]);
      // Staff still ask (a host may seed a question).
      expect((await request(moderator.socket, 'question:ask', { boothId, body: 'From staff' })).ok).toBe(true);
    } finally {
      await request(moderator.socket, 'booth:update', { boothId, locked: false });
    }

    const outsider = await connect('admin@fair.test');
    const notIn = await request(outsider.socket, 'question:vote', { questionId: question.id });
    expect(notIn.ok || notIn.error.code).toBe('NOT_IN_BOOTH');
    const notInAsk = await request(outsider.socket, 'question:ask', { boothId, body: 'hello?' });
    expect(notInAsk.ok || notInAsk.error.code).toBe('NOT_IN_BOOTH');
  });

  it('validates the question: empty, too long, control characters, unknown fields, no such question', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const member = await join('member@fair.test');
    for (const body of ['   ', 'x'.repeat(501), 'bell\u0007', 'tab\there']) {
      const ack = await rawRequest(member.socket, 'question:ask', { boothId, body });
      expect([body.slice(0, 8), ack.ok || ack.error.code, !ack.ok && ack.error.details?.field]).toEqual([body.slice(0, 8), 'INVALID_PAYLOAD', 'body']);
    }
    expect((await request(member.socket, 'question:ask', { boothId, body: 'y'.repeat(500) })).ok).toBe(true);
    const extra = await rawRequest(member.socket, 'question:ask', { boothId, body: 'ok', userId: 'someone' });
    expect(extra.ok || extra.error.code).toBe('INVALID_PAYLOAD');
    const missing = await request(member.socket, 'question:vote', { questionId: 999_999 });
    expect(missing.ok || missing.error.code).toBe('NOT_FOUND');
  });
});

describe('question limits', () => {
  const limited = useSocketFair({ questionRate: { maxAsks: 2, maxVotes: 1e6 } });

  it('refuses a member who asks too fast, with how long to wait', async () => {
    const boothId = limited.boothIds['peace-direct']!;
    const member = await limited.join('member@fair.test');
    for (const body of ['one', 'two']) expect((await request(member.socket, 'question:ask', { boothId, body })).ok).toBe(true);
    const third = await request(member.socket, 'question:ask', { boothId, body: 'three' });
    expect(third.ok || third.error.code).toBe('RATE_LIMITED');
    expect(!third.ok && third.error.details?.retryAfterSeconds).toBeGreaterThan(0);
  });
});
