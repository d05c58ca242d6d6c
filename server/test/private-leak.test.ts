import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoothJoinData, ChatMessage } from '../../shared/protocol.js';
import type { Report } from '../../shared/moderation.js';
import { privateAliases, users } from '../db/tables.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { startTwirpStandIn, type TwirpStandIn } from './livekit-stand-in.js';
import { connected, nextEvent, openSocket, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * The leak walk: everything an ordinary member can receive or ask for while someone visits a
 * booth privately, searched for anything that names that person. Moderators still see them.
 */

const VISITOR = {
  email: 'quiet.defender@example.org',
  displayName: 'Zephyrine Quillfeather',
  verifiedName: 'Zephyrine Q. Okonkwo-Larsen',
};
const GRACE_MS = 200;
const DAY_MS = 86_400_000;

let twirp: TwirpStandIn;
let server: TestServer;
let boothIds: Record<string, number>;
let visitorId: string;
const open: ClientSocket[] = [];

async function device(client: TestClient): Promise<ClientSocket> {
  const socket = openSocket(server.baseUrl, client.cookie);
  open.push(socket);
  await connected(socket);
  return socket;
}

async function joinBooth(socket: ClientSocket, boothId: number, extra: Record<string, unknown> = {}): Promise<BoothJoinData> {
  const ack = await request(socket, 'booth:join', { boothId, ...extra });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return ack.data;
}

async function say(socket: ClientSocket, boothId: number, body: string): Promise<ChatMessage> {
  const ack = await request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.data;
}

/** Every string that would tell a member who the private visitor is. */
function identifying(): string[] {
  return [visitorId, VISITOR.email, VISITOR.displayName, VISITOR.verifiedName, 'Quillfeather', 'Zephyrine'];
}

function leaksIn(received: unknown): string[] {
  const text = JSON.stringify(received);
  return identifying().filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
}

beforeAll(async () => {
  twirp = await startTwirpStandIn();
  server = await startTestServer({ env: twirp.env, deps: { presenceGraceMs: GRACE_MS, lobbyIntervalMs: 100 } });
  boothIds = await boothIdsBySlug(server.baseUrl);
  visitorId = await createUser(server.db, { email: VISITOR.email, displayName: VISITOR.displayName, role: 'member' });
  await server.db.update(users).set({ verifiedName: VISITOR.verifiedName }).where(eq(users.id, visitorId));
});

afterAll(async () => {
  for (const socket of open) socket.disconnect();
  await server?.close();
  await twirp?.close();
});

describe('a private visit, walked by an ordinary member', () => {
  it('never names the private visitor to another member, while a moderator sees who it is', async () => {
    const boothId = boothIds['peace-direct']!;
    const received: { event: string; args: unknown[] }[] = [];
    const answers: unknown[] = [];

    // The observer is in the booth before the visitor arrives and records every frame from then on.
    const observer = await signedInSocket(server.baseUrl, 'member@fair.test');
    open.push(observer.socket);
    observer.socket.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
    answers.push(await joinBooth(observer.socket, boothId));

    const moderator = await signedInSocket(server.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    await joinBooth(moderator.socket, boothId);
    const moderatorSees = nextEvent(moderator.socket, 'chat:created', (m) => m.body === 'first, privately');
    const observerSees = nextEvent(observer.socket, 'chat:created', (m) => m.body === 'first, privately');

    // The visitor: one device joins privately, a second without saying so.
    const visitor = new TestClient(server.baseUrl);
    await visitor.login(VISITOR.email);
    const phone = await device(visitor);
    const laptop = await device(visitor);
    const phoneJoin = await joinBooth(phone, boothId, { private: true });
    const laptopJoin = await joinBooth(laptop, boothId);
    expect(phoneJoin.privateAlias?.id).toMatch(/^private:[A-Za-z0-9_-]{22}$/);
    expect(phoneJoin.privateAlias?.displayName).toMatch(/^Private visitor \d+$/);
    expect(laptopJoin.privateAlias).toEqual(phoneJoin.privateAlias);
    const alias = phoneJoin.privateAlias!;

    const laptopSeesOwn = nextEvent(laptop, 'chat:created', (m) => m.body === 'first, privately');
    const first = await say(phone, boothId, 'first, privately');
    const second = await say(laptop, boothId, 'second, from the laptop');

    // The author's own tabs see their own message, with the marker.
    expect(first.author).toEqual({ id: visitorId, displayName: VISITOR.displayName, role: 'member' });
    expect(first.private).toBe(true);
    expect((await laptopSeesOwn).author.id).toBe(visitorId);
    // Staff see who it is, marked as sent privately.
    const staffCopy = await moderatorSees;
    expect(staffCopy.author).toEqual({ id: visitorId, displayName: VISITOR.displayName, role: 'member' });
    expect(staffCopy.private).toBe(true);
    // Other members see exactly the pseudonym, and no marker.
    const memberCopy = await observerSees;
    expect(memberCopy.author).toEqual({ id: alias.id, displayName: alias.displayName, role: 'member' });
    expect(memberCopy).not.toHaveProperty('private');

    // A raised hand, a video token, a pin and a report by someone else.
    const raised = await request(phone, 'hand:raise', { boothId });
    expect(raised.ok).toBe(true);
    const token = await visitor.post('/api/booths/peace-direct/video-token');
    expect(token.status).toBe(200);
    const reportSeen = nextEvent(moderator.socket, 'report:created');
    const byOther = await signedInSocket(server.baseUrl, 'member2@fair.test');
    open.push(byOther.socket);
    await joinBooth(byOther.socket, boothId);
    expect((await request(byOther.socket, 'report:create', { messageId: first.id, reason: 'harassment' })).ok).toBe(true);
    const report = await reportSeen;
    expect(report.message.author.displayName).toBe(VISITOR.displayName);
    expect((await request(moderator.socket, 'chat:pin', { boothId, messageId: first.id })).ok).toBe(true);

    // Every member-permitted command, with sensible payloads.
    answers.push(await request(observer.socket, 'booth:join', { boothId }));
    answers.push(await request(observer.socket, 'chat:history', { boothId }));
    answers.push(await request(observer.socket, 'chat:history', { boothId, afterSeq: 0 }));
    answers.push(await request(observer.socket, 'chat:history', { boothId, beforeSeq: second.seq + 1, limit: 100 }));
    answers.push(await request(observer.socket, 'hand:list', { boothId }));
    answers.push(await request(observer.socket, 'report:create', { messageId: second.id, reason: 'privacy', note: 'who is this?' }));
    answers.push(await request(observer.socket, 'report:create', { messageId: second.id, reason: 'privacy' }));
    answers.push(await request(observer.socket, 'hand:raise', { boothId }));
    answers.push(await request(observer.socket, 'hand:lower', { boothId }));
    // Commands members are refused, aimed at the visitor's pseudonym and at the real id.
    for (const userId of [alias.id, visitorId]) {
      answers.push(await request(observer.socket, 'hand:grant', { boothId, userId }));
      answers.push(await request(observer.socket, 'moderation:mute', { userId, boothId, minutes: 5, reason: 'x' }));
    }

    // Every HTTP route a member may call, and the staff ones they are refused.
    for (const path of [
      '/api/me',
      '/api/booths',
      '/api/booths/peace-direct',
      '/api/me/export',
      '/api/sessions',
      '/api/passkeys',
      `/api/booths/${boothId}/figures`,
      `/api/booths/${boothId}/figures?format=csv`,
      '/api/moderation/reports',
      '/api/moderation/restrictions',
      '/api/moderation/audit',
    ]) {
      const res = await observer.client.get(path);
      answers.push({ path, status: res.status, body: res.body });
    }
    answers.push((await observer.client.post('/api/booths/peace-direct/video-token')).body);

    // A moderator removes the second message; the visitor leaves; the observer leaves last.
    expect((await request(moderator.socket, 'chat:delete', { messageId: second.id, reason: 'test' })).ok).toBe(true);
    phone.disconnect();
    laptop.disconnect();
    await sleep(GRACE_MS + 700);
    answers.push(await request(observer.socket, 'booth:leave', { boothId }));

    const everything = { received, answers };
    // The observer heard the visit: both messages, the pin, the removal and who came and went
    // (how many presence frames depends on batching, so each kind is asked for, not a count).
    for (const event of ['chat:created', 'booth:updated', 'chat:deleted', 'presence:changed']) expect(received.map((frame) => frame.event)).toContain(event);
    expect(received.filter((frame) => frame.event === 'chat:created')).toHaveLength(2);
    expect(JSON.stringify(everything)).toContain(alias.displayName);
    expect(leaksIn(everything)).toEqual([]);

    // Moderation still works: the moderators' report list names the author.
    const moderatorHttp = new TestClient(server.baseUrl);
    await moderatorHttp.login('moderator@fair.test');
    const { reports } = (await moderatorHttp.get('/api/moderation/reports')).body as unknown as { reports: Report[] };
    expect(reports.find((r) => r.messageId === first.id)?.message.author).toMatchObject({ id: visitorId, displayName: VISITOR.displayName });
  });

  it("never names a private visitor in a host's figures, CSV included, but counts them", async () => {
    const boothId = boothIds['peace-direct']!;
    const visitor = new TestClient(server.baseUrl);
    await visitor.login(VISITOR.email);
    const phone = await device(visitor);
    await joinBooth(phone, boothId, { private: true });
    const host = new TestClient(server.baseUrl);
    await host.login('host@fair.test');
    const figures = await host.get(`/api/booths/${boothId}/figures`);
    const csv = await host.get(`/api/booths/${boothId}/figures?format=csv`);
    expect(figures.status).toBe(200);
    expect(figures.body.visitorsNow).toBeGreaterThanOrEqual(1);
    const waiting = figures.body.waiting as { userId: string; displayName: string }[];
    expect(waiting.some((entry) => entry.userId.startsWith('private:') && /^Private visitor \d+$/.test(entry.displayName))).toBe(true);
    expect(leaksIn([figures.body, csv.body])).toEqual([]);
    phone.disconnect();
    await sleep(GRACE_MS + 300);
  });
});

describe('the private pseudonym', () => {
  it('stays the same in a booth across messages, reconnects and days, and differs in another booth', async () => {
    const boothId = boothIds['peace-direct']!;
    const otherBoothId = Object.values(boothIds).find((id) => id !== boothId)!;
    const visitor = new TestClient(server.baseUrl);
    await visitor.login(VISITOR.email);
    const observer = await signedInSocket(server.baseUrl, 'member2@fair.test');
    open.push(observer.socket);
    await joinBooth(observer.socket, boothId);

    const seen = async (socket: ClientSocket, body: string) => {
      const arrives = nextEvent(observer.socket, 'chat:created', (m) => m.body === body);
      await say(socket, boothId, body);
      return (await arrives).author;
    };

    const first = await device(visitor);
    const alias = (await joinBooth(first, boothId, { private: true })).privateAlias!;
    const a = await seen(first, 'one');
    const b = await seen(first, 'two');
    expect(a).toEqual(b);
    expect(a).toEqual({ ...alias, role: 'member' });

    // A reconnect (new socket), then the visit ends and a new one starts a day later.
    first.disconnect();
    const again = await device(visitor);
    await joinBooth(again, boothId, { private: true });
    expect(await seen(again, 'three')).toEqual(a);
    again.disconnect();
    await sleep(GRACE_MS + 300);
    server.clock.advance(DAY_MS);
    const nextDay = await device(visitor);
    expect((await joinBooth(nextDay, boothId, { private: true })).privateAlias).toEqual(alias);
    expect(await seen(nextDay, 'four')).toEqual(a);

    // History, read the next day, carries the same pseudonym on every private message.
    const history = await request(observer.socket, 'chat:history', { boothId, limit: 100 });
    if (!history.ok) throw new Error(history.error.code);
    const privateAuthors = new Set(history.data.messages.filter((m) => m.author.id.startsWith('private:')).map((m) => JSON.stringify(m.author)));
    expect([...privateAuthors]).toEqual([JSON.stringify(a)]);

    // Another booth: another pseudonym, not linkable to this one.
    const elsewhere = (await joinBooth(nextDay, otherBoothId, { private: true })).privateAlias!;
    expect(elsewhere.id).not.toBe(alias.id);
    const stored = await server.db.select().from(privateAliases).where(eq(privateAliases.userId, visitorId));
    expect(stored.map((row) => row.boothId).sort()).toEqual([boothId, otherBoothId].sort());
    nextDay.disconnect();
  });

  it('is stored on the message: a private message stays masked after the visit has ended', async () => {
    const boothId = boothIds['peace-direct']!;
    const observer = await signedInSocket(server.baseUrl, 'member@fair.test');
    open.push(observer.socket);
    const join = await joinBooth(observer.socket, boothId);
    const fromVisitor = join.messages.filter((m) => m.body === 'one' || m.body === 'four');
    expect(fromVisitor).toHaveLength(2);
    for (const message of fromVisitor) expect(message.author.id).toMatch(/^private:/);
    expect(leaksIn(join)).toEqual([]);
  });
});

describe('private pseudonyms and retention', () => {
  it('deletes a pseudonym with the last private message it was on, and keeps one an open report still needs', async () => {
    const fairEnds = new Date(Date.now() + 3_600_000);
    const fair = await startTestServer({ env: { FAIR_ENDS_AT: fairEnds.toISOString() }, deps: { retentionJob: 'on-demand', presenceGraceMs: GRACE_MS } });
    const sockets: ClientSocket[] = [];
    try {
      const ids = await boothIdsBySlug(fair.baseUrl);
      const [reportedBooth, quietBooth] = Object.values(ids) as [number, number];
      await createUser(fair.db, { email: VISITOR.email, displayName: VISITOR.displayName, role: 'member' });
      const visitor = new TestClient(fair.baseUrl);
      await visitor.login(VISITOR.email);
      const socket = openSocket(fair.baseUrl, visitor.cookie);
      sockets.push(socket);
      await connected(socket);
      const join = await request(socket, 'booth:join', { boothId: reportedBooth, private: true });
      if (!join.ok) throw new Error(join.error.code);
      const held = await say(socket, reportedBooth, 'reported, privately');
      await say(socket, reportedBooth, 'not reported');
      expect((await request(socket, 'booth:join', { boothId: quietBooth, private: true })).ok).toBe(true);
      const reporter = await signedInSocket(fair.baseUrl, 'member@fair.test');
      sockets.push(reporter.socket);
      expect((await request(reporter.socket, 'booth:join', { boothId: reportedBooth })).ok).toBe(true);
      expect((await request(reporter.socket, 'report:create', { messageId: held.id, reason: 'spam' })).ok).toBe(true);
      for (const s of sockets) s.disconnect();
      await sleep(GRACE_MS + 200);
      expect(await fair.db.select().from(privateAliases)).toHaveLength(2);

      fair.clock.advance(fairEnds.getTime() - Date.now() + fair.config.retentionMs + DAY_MS);
      const counts = await fair.app.runRetention();
      // The quiet booth's pseudonym links nothing any more; the reported message still needs its own.
      expect(counts).toMatchObject({ messages: 1, privateAliases: 1 });
      expect(await fair.db.select({ boothId: privateAliases.boothId }).from(privateAliases)).toEqual([{ boothId: reportedBooth }]);

      // The held message is still masked for members.
      const reader = await signedInSocket(fair.baseUrl, 'member2@fair.test');
      sockets.push(reader.socket);
      const readerJoin = await request(reader.socket, 'booth:join', { boothId: reportedBooth });
      if (!readerJoin.ok) throw new Error(readerJoin.error.code);
      expect(readerJoin.data.messages.map((m) => m.author.id)).toEqual([join.data.privateAlias!.id]);
      expect(leaksIn(readerJoin.data)).toEqual([]);
    } finally {
      for (const s of sockets) s.disconnect();
      await fair.close();
    }
  });
});
