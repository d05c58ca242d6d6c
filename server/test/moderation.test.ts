import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KICK_COOLDOWN_MS } from '../../shared/limits.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { sessions } from '../db/tables.js';
import { createUser, TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { collect, connected, nextEvent, openSocket, rawRequest, request, sleep, type ClientSocket } from './sockets.js';

const videoCalls: [number, string][] = [];
let failVideo = false;
const fair = useSocketFair({
  presenceGraceMs: 300,
  videoRooms: {
    removeParticipant(boothId, userId) {
      videoCalls.push([boothId, userId]);
      return failVideo ? Promise.reject(new Error('LiveKit is down')) : Promise.resolve();
    },
  },
});
const { join, connect } = fair;

async function say(socket: ClientSocket, boothId: number, body: string) {
  return request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
}

/** Resolves once nothing of that event has arrived for a while, answering how many did. */
async function quietCount(seen: unknown[], ms = 200): Promise<number> {
  await sleep(ms);
  return seen.length;
}

let accounts = 0;
async function newMember(name: string) {
  accounts += 1;
  const email = `${name.toLowerCase()}${accounts}@fair.test`;
  const id = await createUser(fair.server.db, { email, displayName: name, role: 'member' });
  return { email, id };
}

describe('chat:delete', () => {
  it('soft-deletes for everyone in the booth; history keeps the place without the body', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const author = await join('member@fair.test');
    const bystander = await join('member2@fair.test');
    const moderator = await join('moderator@fair.test');
    const sent = await say(author.socket, boothId, 'something awful');
    if (!sent.ok) throw new Error('send failed');

    const authorSees = nextEvent(author.socket, 'chat:deleted');
    const bystanderSees = nextEvent(bystander.socket, 'chat:deleted');
    const ack = await request(moderator.socket, 'chat:delete', { messageId: sent.data.id, reason: 'harassment' });
    expect(ack).toEqual({ ok: true, data: { messageId: sent.data.id, boothId } });
    const expected = { boothId, messageId: sent.data.id, seq: sent.data.seq };
    expect(await authorSees).toEqual(expected);
    expect(await bystanderSees).toEqual(expected);

    const history = await request(bystander.socket, 'chat:history', { boothId });
    const kept = history.ok && history.data.messages.find((m) => m.id === sent.data.id);
    expect(kept).toMatchObject({ seq: sent.data.seq, body: '', deleted: true });
    const again = await request(moderator.socket, 'chat:delete', { messageId: sent.data.id });
    expect(again.ok || again.error.code).toBe('NOT_FOUND');
    // The row stays for the record.
    const [row] = await fair.server.sql('select body, delete_reason from messages where id = ?', [sent.data.id]);
    expect(row).toEqual({ body: 'something awful', delete_reason: 'harassment' });
  });

  it('lets a host delete in their own booth, but not a moderator’s message', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const host = await join('host@fair.test');
    const member = await join('member@fair.test');
    const moderator = await join('moderator@fair.test');
    const fromMember = await say(member.socket, boothId, 'off topic');
    const fromModerator = await say(moderator.socket, boothId, 'please stay on topic');
    if (!fromMember.ok || !fromModerator.ok) throw new Error('send failed');
    expect((await request(host.socket, 'chat:delete', { messageId: fromMember.data.id })).ok).toBe(true);
    const refused = await request(host.socket, 'chat:delete', { messageId: fromModerator.data.id });
    expect(refused.ok || refused.error.code).toBe('FORBIDDEN');
  });
});

describe('moderation:mute and unmute', () => {
  it('answers MUTED with the end time, tells only the target, and lifts on unmute', async () => {
    const boothId = fair.boothIds.kujalink!;
    const target = await join('member@fair.test', 'kujalink');
    const bystander = await join('member2@fair.test', 'kujalink');
    const moderator = await join('moderator@fair.test', 'kujalink');
    const bystanderNotices = collect(bystander.socket, 'moderation:notice');
    const moderatorChanges = collect(moderator.socket, 'moderation:changed');
    const notice = nextEvent(target.socket, 'moderation:notice');

    const ack = await request(moderator.socket, 'moderation:mute', { userId: target.userId, minutes: 15, reason: 'Spamming links' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data).toMatchObject({ kind: 'mute', user: { id: target.userId }, boothId: null, reason: 'Spamming links' });
    const until = Date.parse(ack.data.expiresAt!);
    expect(until - fair.server.clock.now()).toBeGreaterThan(14 * 60_000);
    expect(await notice).toEqual({ kind: 'muted', boothId: null, until: ack.data.expiresAt, reason: 'Spamming links' });

    const muted = await say(target.socket, boothId, 'can I talk?');
    expect(muted.ok).toBe(false);
    if (muted.ok) return;
    expect(muted.error.code).toBe('MUTED');
    expect(muted.error.details?.until).toBe(ack.data.expiresAt);
    expect((await say(bystander.socket, boothId, 'I still can')).ok).toBe(true);
    expect(await quietCount(bystanderNotices)).toBe(0);
    expect(moderatorChanges).toContainEqual({ kind: 'mute', userId: target.userId });

    const unmuted = nextEvent(target.socket, 'moderation:notice', (n) => n.kind === 'unmuted');
    expect(await request(moderator.socket, 'moderation:unmute', { userId: target.userId })).toEqual({ ok: true, data: { lifted: 1 } });
    await unmuted;
    expect((await say(target.socket, boothId, 'thanks')).ok).toBe(true);
  });

  it('scopes a booth mute to that booth, and ends it when the time is up', async () => {
    const moderator = await connect('moderator@fair.test');
    const target = await join('member2@fair.test', 'kujalink');
    const ack = await request(moderator.socket, 'moderation:mute', { userId: target.userId, boothId: fair.boothIds.kujalink, minutes: 1, reason: 'Cool off' });
    expect(ack.ok).toBe(true);
    expect((await say(target.socket, fair.boothIds.kujalink!, 'muted here')).ok).toBe(false);
    expect((await request(target.socket, 'booth:join', { boothId: fair.boothIds.unmute! })).ok).toBe(true);
    expect((await say(target.socket, fair.boothIds.unmute!, 'but not here')).ok).toBe(true);
    fair.server.clock.advance(61_000);
    expect((await say(target.socket, fair.boothIds.kujalink!, 'and back')).ok).toBe(true);
  });

  it('refuses a mute by a host, and a moderator muting an admin', async () => {
    const host = await connect('host@fair.test');
    const moderator = await connect('moderator@fair.test');
    const admin = await connect('admin@fair.test');
    const byHost = await request(host.socket, 'moderation:mute', { userId: admin.userId, minutes: 5, reason: 'x' });
    expect(byHost.ok || byHost.error.code).toBe('FORBIDDEN');
    const onAdmin = await request(moderator.socket, 'moderation:mute', { userId: admin.userId, minutes: 5, reason: 'x' });
    expect(onAdmin.ok || onAdmin.error.code).toBe('FORBIDDEN');
  });
});

describe('moderation:kick', () => {
  it('removes the person from the booth and its video at once, and refuses a rejoin during the cool-down', async () => {
    const boothId = fair.boothIds['end-water-poverty']!;
    const target = await join('member@fair.test', 'end-water-poverty');
    const secondTab = openSocket(fair.server.baseUrl, target.client.cookie);
    fair.track(secondTab);
    await connected(secondTab);
    expect((await request(secondTab, 'booth:join', { boothId })).ok).toBe(true);
    const bystander = await join('member2@fair.test', 'end-water-poverty');
    const moderator = await join('moderator@fair.test', 'end-water-poverty');
    const left = nextEvent(bystander.socket, 'presence:changed', (p) => p.left.includes(target.userId));
    const noticeInEachTab = [nextEvent(target.socket, 'moderation:notice'), nextEvent(secondTab, 'moderation:notice')];
    const bystanderNotices = collect(bystander.socket, 'moderation:notice');
    const targetChat = collect(target.socket, 'chat:created');
    videoCalls.length = 0;

    const ack = await request(moderator.socket, 'moderation:kick', { userId: target.userId, boothId, reason: 'Abusive language' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const until = ack.data.expiresAt!;
    expect(Date.parse(until) - fair.server.clock.now()).toBeGreaterThan(KICK_COOLDOWN_MS - 5_000);
    expect(await left).toMatchObject({ boothId, left: [target.userId] });
    for (const notice of await Promise.all(noticeInEachTab)) expect(notice).toEqual({ kind: 'kicked', boothId, until, reason: 'Abusive language' });
    expect(videoCalls).toEqual([[boothId, target.userId]]);

    // Out of the room: no more chat reaches them, and they cannot post or read history.
    expect((await say(bystander.socket, boothId, 'after the kick')).ok).toBe(true);
    expect(await quietCount(targetChat)).toBe(0);
    const send = await say(target.socket, boothId, 'let me back');
    expect(send.ok || send.error.code).toBe('NOT_IN_BOOTH');
    const rejoin = await request(target.socket, 'booth:join', { boothId });
    expect(rejoin.ok).toBe(false);
    if (rejoin.ok) return;
    expect(rejoin.error.code).toBe('FORBIDDEN');
    expect(rejoin.error.details?.until).toBe(until);
    expect(bystanderNotices).toHaveLength(0);
    const snapshot = await request(bystander.socket, 'booth:join', { boothId });
    expect(snapshot.ok && snapshot.data.presence.map((p) => p.userId)).not.toContain(target.userId);

    // Other booths stay open to them; after the cool-down this one does too.
    expect((await request(target.socket, 'booth:join', { boothId: fair.boothIds.unmute! })).ok).toBe(true);
    fair.server.clock.advance(KICK_COOLDOWN_MS);
    expect((await request(target.socket, 'booth:join', { boothId })).ok).toBe(true);
  });

  it('lets a host kick in their own booth but never a moderator, and keeps going when video fails', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const host = await join('host@fair.test');
    const moderator = await join('moderator@fair.test');
    const member = await join('member2@fair.test');
    const onModerator = await request(host.socket, 'moderation:kick', { userId: moderator.userId, boothId, reason: 'no' });
    expect(onModerator.ok || onModerator.error.code).toBe('FORBIDDEN');
    const elsewhere = await request(host.socket, 'moderation:kick', { userId: member.userId, boothId: fair.boothIds.kujalink!, reason: 'no' });
    expect(elsewhere.ok || elsewhere.error.code).toBe('FORBIDDEN');
    failVideo = true;
    try {
      const kicked = nextEvent(member.socket, 'moderation:notice');
      expect((await request(host.socket, 'moderation:kick', { userId: member.userId, boothId, reason: 'Trolling' })).ok).toBe(true);
      expect((await kicked).kind).toBe('kicked');
    } finally {
      failVideo = false;
    }
    const rejoin = await request(member.socket, 'booth:join', { boothId });
    expect(rejoin.ok || rejoin.error.code).toBe('FORBIDDEN');
  });
});

describe('moderation:ban', () => {
  it('disconnects at once, ends sessions, refuses sockets and logins, and an unban lets them back', async () => {
    const boothId = fair.boothIds['sixteen-days']!;
    const { email, id } = await newMember('Banned');
    const target = await join(email, 'sixteen-days');
    const bystander = await join('member2@fair.test', 'sixteen-days');
    const moderator = await connect('moderator@fair.test');
    const left = nextEvent(bystander.socket, 'presence:changed', (p) => p.left.includes(id));
    const notice = nextEvent(target.socket, 'moderation:notice');
    videoCalls.length = 0;

    const ack = await request(moderator.socket, 'moderation:ban', { userId: id, reason: 'Threats against a defender' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data).toMatchObject({ kind: 'ban', expiresAt: null });
    expect((await notice).kind).toBe('banned');
    // The live socket is gone within one second.
    const deadline = Date.now() + 1000;
    while (target.socket.connected && Date.now() < deadline) await sleep(20);
    expect(target.socket.connected).toBe(false);
    expect(await left).toMatchObject({ boothId, left: [id] });
    expect(videoCalls).toEqual([[boothId, id]]);

    // The old session is over, so a new socket is refused, and so is a new login.
    const again = openSocket(fair.server.baseUrl, target.client.cookie);
    fair.track(again);
    await expect(connected(again)).rejects.toThrow('UNAUTHENTICATED');
    expect((await target.client.get('/api/me')).status).toBe(401);
    const login = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email, password: 'fair-demo' });
    expect(login.status).toBe(403);
    expect(login.body.error).toMatchObject({ code: 'BANNED', details: { until: null } });
    // A wrong password still says only that: the ban is not revealed to a guesser.
    const guess = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email, password: 'wrong-password' });
    expect(guess.body.error?.code).toBe('INVALID_CREDENTIALS');
    // Any session that slipped through is refused at the handshake.
    const token = newSecret();
    await fair.server.db.insert(sessions).values({ tokenHash: hashSecret(token), userId: id, expiresAt: new Date(Date.now() + 3_600_000) });
    const slipped = openSocket(fair.server.baseUrl, `fair_session=${token}`);
    fair.track(slipped);
    await expect(connected(slipped)).rejects.toThrow('BANNED');

    expect(await request(moderator.socket, 'moderation:unban', { userId: id, reason: 'Appeal accepted' })).toEqual({ ok: true, data: { lifted: 1 } });
    const back = await join(email, 'sixteen-days');
    expect(back.joined.booth.id).toBe(boothId);
  });

  it('ends a timed ban on its own, and never lets a moderator ban an admin', async () => {
    const { email, id } = await newMember('Briefly');
    const moderator = await connect('moderator@fair.test');
    const admin = await connect('admin@fair.test');
    const onAdmin = await request(moderator.socket, 'moderation:ban', { userId: admin.userId, reason: 'x' });
    expect(onAdmin.ok || onAdmin.error.code).toBe('FORBIDDEN');
    expect(admin.socket.connected).toBe(true);

    const ack = await request(moderator.socket, 'moderation:ban', { userId: id, minutes: 60, reason: 'Spam' });
    expect(ack.ok && ack.data.expiresAt).toBeTruthy();
    const login = await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email, password: 'fair-demo' });
    expect(login.body.error?.details?.until).toBe(ack.ok ? ack.data.expiresAt : undefined);
    fair.server.clock.advance(61 * 60_000);
    expect((await new TestClient(fair.server.baseUrl).post('/api/auth/login', { email, password: 'fair-demo' })).status).toBe(200);
  });
});

describe('booth:update', () => {
  it('enforces slow mode for members, exempts staff, and tells everyone the new setting', async () => {
    const boothId = fair.boothIds['youth-action-team']!;
    const member = await join('member@fair.test', 'youth-action-team');
    const host = await createUser(fair.server.db, { email: 'yat-host@fair.test', displayName: 'YAT host', role: 'host', hostsBoothId: boothId }).then(() =>
      join('yat-host@fair.test', 'youth-action-team'),
    );
    const inLobby = await connect('member2@fair.test');
    const lobbySees = nextEvent(inLobby.socket, 'booth:updated', (b) => b.id === boothId);

    const ack = await request(host.socket, 'booth:update', { boothId, slowModeSeconds: 30 });
    expect(ack.ok && ack.data).toMatchObject({ id: boothId, slowModeSeconds: 30 });
    expect((await lobbySees).slowModeSeconds).toBe(30);

    expect((await say(member.socket, boothId, 'first')).ok).toBe(true);
    const second = await say(member.socket, boothId, 'second');
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('RATE_LIMITED');
    expect(second.error.details?.retryAfterSeconds).toBeGreaterThan(25);
    expect((await say(host.socket, boothId, 'staff 1')).ok).toBe(true);
    expect((await say(host.socket, boothId, 'staff 2')).ok).toBe(true);
    // Slow mode runs in real time, so the wait is shortened here: the booth's setting of the
    // moment applies to the member's last post, and once it has passed they may post again.
    expect((await request(host.socket, 'booth:update', { boothId, slowModeSeconds: 2 })).ok).toBe(true);
    await sleep(2_000);
    expect((await say(member.socket, boothId, 'third, later')).ok).toBe(true);
    const tooSoon = await say(member.socket, boothId, 'too soon');
    expect(tooSoon.ok || tooSoon.error.code).toBe('RATE_LIMITED');
    expect(tooSoon.ok || tooSoon.error.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    expect((await request(host.socket, 'booth:update', { boothId, slowModeSeconds: 0 })).ok).toBe(true);
    expect((await say(member.socket, boothId, 'fourth')).ok).toBe(true);
    const statusByHost = await request(host.socket, 'booth:update', { boothId, status: 'closed' });
    expect(statusByHost.ok || statusByHost.error.code).toBe('FORBIDDEN');
  });

  it('locks a booth against new entrants only, and lets moderators close it', async () => {
    const boothId = fair.boothIds['connect-humanity']!;
    const inside = await join('member@fair.test', 'connect-humanity');
    const moderator = await connect('moderator@fair.test');
    expect((await request(moderator.socket, 'booth:update', { boothId, locked: true })).ok).toBe(true);
    const newcomer = await connect('member2@fair.test');
    const refused = await request(newcomer.socket, 'booth:join', { boothId });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'BOOTH_CLOSED', details: { locked: true } });
    expect((await request(inside.socket, 'booth:join', { boothId })).ok).toBe(true);
    expect((await say(inside.socket, boothId, 'still here')).ok).toBe(true);

    const closed = await request(moderator.socket, 'booth:update', { boothId, locked: false, status: 'closed' });
    expect(closed.ok && closed.data).toMatchObject({ locked: false, status: 'closed' });
    const stillRefused = await request(newcomer.socket, 'booth:join', { boothId });
    expect(stillRefused.ok || stillRefused.error.code).toBe('BOOTH_CLOSED');
    expect((await request(moderator.socket, 'booth:update', { boothId, status: 'open' })).ok).toBe(true);
    expect((await request(newcomer.socket, 'booth:join', { boothId })).ok).toBe(true);
  });

  it('lets a moderator who is in no booth set any booth’s slow mode and lock from the panel: members inside see it live, and the audit line says what changed', async () => {
    const boothId = fair.boothIds['kujalink']!;
    // A new member: earlier tests mute and restrict the demo ones.
    const inside = await join((await newMember('Nia')).email, 'kujalink');
    const moderator = await connect('moderator@fair.test');
    const insideSees = nextEvent(inside.socket, 'booth:updated', (b) => b.id === boothId && b.slowModeSeconds === 20);

    const ack = await request(moderator.socket, 'booth:update', { boothId, slowModeSeconds: 20, locked: true });
    expect(ack.ok && ack.data).toMatchObject({ id: boothId, slowModeSeconds: 20, locked: true });
    expect(await insideSees).toMatchObject({ slowModeSeconds: 20, locked: true });
    expect((await say(inside.socket, boothId, 'first')).ok).toBe(true);
    const second = await say(inside.socket, boothId, 'second');
    expect(second.ok || second.error.code).toBe('RATE_LIMITED');

    const client = new TestClient(fair.server.baseUrl);
    await client.login('moderator@fair.test');
    const audit = await client.get(`/api/moderation/audit?action=booth:update&boothId=${boothId}`);
    expect((audit.body.entries as { actor: { id: string }; details: unknown }[])[0]).toMatchObject({
      actor: { id: moderator.userId },
      details: { slowModeSeconds: 20, locked: true },
    });
    expect((await request(moderator.socket, 'booth:update', { boothId, slowModeSeconds: 0, locked: false })).ok).toBe(true);
  });
});

describe('reports', () => {
  it('runs end to end: report, live queue, one report per message, outcome to the reporter', async () => {
    const boothId = fair.boothIds['fair-share']!;
    const author = await join('member2@fair.test', 'fair-share');
    const reporter = await join('member@fair.test', 'fair-share');
    const moderator = await connect('moderator@fair.test');
    const admin = await connect('admin@fair.test');
    const host = await connect('host@fair.test');
    const hostSees = collect(host.socket, 'report:created');
    const authorSees = collect(author.socket, 'report:outcome');
    const sent = await say(author.socket, boothId, 'you people are worthless');
    if (!sent.ok) throw new Error('send failed');

    const queued = [nextEvent(moderator.socket, 'report:created'), nextEvent(admin.socket, 'report:created')];
    const ack = await request(reporter.socket, 'report:create', { messageId: sent.data.id, reason: 'harassment', note: 'Insulting everyone' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    for (const report of await Promise.all(queued)) {
      expect(report).toMatchObject({
        id: ack.data.reportId,
        messageId: sent.data.id,
        boothId,
        reason: 'harassment',
        note: 'Insulting everyone',
        status: 'open',
        // Roles travel with the names, so the queue can show a staff badge (issue 10).
        reporter: { id: reporter.userId, role: 'member' },
        message: { body: 'you people are worthless', author: { id: author.userId, role: 'member' }, deleted: false },
        resolution: null,
      });
    }
    const twice = await request(reporter.socket, 'report:create', { messageId: sent.data.id, reason: 'spam' });
    expect(twice.ok || twice.error.code).toBe('CONFLICT');
    const badReason = await rawRequest(reporter.socket, 'report:create', { messageId: sent.data.id, reason: 'annoying' });
    expect(badReason.ok || badReason.error.details?.field).toBe('reason');

    const client = new TestClient(fair.server.baseUrl);
    await client.login('moderator@fair.test');
    const queue = await client.get('/api/moderation/reports');
    expect((queue.body.reports as { id: number }[]).map((r) => r.id)).toContain(ack.data.reportId);

    const outcome = nextEvent(reporter.socket, 'report:outcome');
    const updatedForAdmin = nextEvent(admin.socket, 'report:updated');
    const resolved = await request(moderator.socket, 'report:resolve', { reportId: ack.data.reportId, outcome: 'resolved', note: 'Message removed and the author warned.' });
    expect(resolved.ok && resolved.data).toMatchObject({ status: 'resolved', resolution: { note: 'Message removed and the author warned.', by: { id: moderator.userId } } });
    expect(await outcome).toEqual({ reportId: ack.data.reportId, messageId: sent.data.id, outcome: 'resolved', note: 'Message removed and the author warned.' });
    expect((await updatedForAdmin).status).toBe('resolved');
    const again = await request(moderator.socket, 'report:resolve', { reportId: ack.data.reportId, outcome: 'dismissed', note: 'x' });
    expect(again.ok || again.error.code).toBe('CONFLICT');
    expect(await quietCount(hostSees)).toBe(0);
    expect(authorSees).toHaveLength(0);
    const open = await client.get('/api/moderation/reports?status=open');
    expect((open.body.reports as { id: number }[]).map((r) => r.id)).not.toContain(ack.data.reportId);
  });
});

describe('announcement:create', () => {
  it('reaches the whole fair, or only one booth', async () => {
    const inBooth = await join('member@fair.test', 'unmute');
    const inLobby = await connect('member2@fair.test');
    const moderator = await connect('moderator@fair.test');
    const fairWide = [nextEvent(inBooth.socket, 'announcement:created'), nextEvent(inLobby.socket, 'announcement:created')];
    const ack = await request(moderator.socket, 'announcement:create', { text: 'The closing plenary starts in 10 minutes.' });
    expect(ack.ok).toBe(true);
    for (const seen of await Promise.all(fairWide)) expect(seen).toMatchObject({ text: 'The closing plenary starts in 10 minutes.', boothId: null, author: { displayName: 'Kofi', role: 'moderator' } });

    const lobbySees = collect(inLobby.socket, 'announcement:created');
    const boothSees = nextEvent(inBooth.socket, 'announcement:created');
    expect((await request(moderator.socket, 'announcement:create', { text: 'Q&A now', boothId: fair.boothIds.unmute })).ok).toBe(true);
    expect((await boothSees).boothId).toBe(fair.boothIds.unmute);
    expect(await quietCount(lobbySees)).toBe(0);
  });
});
