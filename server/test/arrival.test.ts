/**
 * Doors open: a booth that fills up. The newcomer gets a capped snapshot and pages through the
 * rest; everyone already there gets one batched frame per interval, not one per arrival; a
 * returning client gets only what it lacks; and the handshake refuses old builds and, while
 * the server is behind, asks newcomers to come back later.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BOOTH_CAPACITY_MAX, PRESENCE_BATCH_MS, PRESENCE_CROWD_BATCH_MS, PRESENCE_FRAME_JOINED_MAX, PRESENCE_LIST_PAGE, PRESENCE_SNAPSHOT_OTHERS_MAX } from '../../shared/limits.js';
import type { PresenceEntry } from '../../shared/protocol.js';
import { SESSION_COOKIE } from '../auth/cookies.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { booths, sessions, users } from '../db/tables.js';
import { boothIdsBySlug, startTestServer, type TestServer } from './harness.js';
import { collect, connected, joinedSocket, openSocket, request, sleep, type ClientSocket } from './sockets.js';

const CROWD = PRESENCE_SNAPSHOT_OTHERS_MAX + PRESENCE_LIST_PAGE + 20;
/** PRESENCE_CROWD_COUNT_MS for this server: longer than the crowd interval, so both rules show, and short enough for a test. */
const CROWD_COUNT_MS = 3_000;

let server: TestServer;
let boothId: number;
const open: ClientSocket[] = [];

/** Members with live sessions, written straight to the database (no password sign-in per member). */
async function crowd(count: number, prefix: string): Promise<{ cookie: string; userId: string }[]> {
  const now = server.clock.now();
  const members = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), token: newSecret(), i }));
  await server.db.insert(users).values(members.map(({ id, i }) => ({ id, email: `${prefix}${i}@fair.test`, displayName: `${prefix} ${i}`, role: 'member' as const, passwordHash: '!', conductVersion: 1 })));
  await server.db
    .insert(sessions)
    .values(members.map(({ id, token }) => ({ tokenHash: hashSecret(token), userId: id, expiresAt: new Date(now + 3_600_000), createdAt: new Date(now) })));
  return members.map(({ id, token }) => ({ cookie: `${SESSION_COOKIE}=${token}`, userId: id }));
}
const crowdCookies = async (count: number, prefix: string) => (await crowd(count, prefix)).map((member) => member.cookie);

async function enter(cookie: string, extra: Record<string, unknown> = {}) {
  const socket = openSocket(server.baseUrl, cookie);
  open.push(socket);
  await connected(socket);
  const ack = await request(socket, 'booth:join', { boothId, ...extra });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return { socket, joined: ack.data };
}

async function pageThrough(socket: ClientSocket): Promise<PresenceEntry[]> {
  const all: PresenceEntry[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await request(socket, 'presence:list', { boothId, ...(cursor ? { cursor } : {}) });
    if (!page.ok) throw new Error(page.error.code);
    expect(page.data.entries.length).toBeLessThanOrEqual(PRESENCE_LIST_PAGE);
    all.push(...page.data.entries);
    if (page.data.nextCursor === null) return all;
    cursor = page.data.nextCursor;
  }
  throw new Error('presence:list never ended');
}

beforeAll(async () => {
  server = await startTestServer({
    deps: { presenceGraceMs: 200, lobbyIntervalMs: 100, presenceCrowdCountMs: CROWD_COUNT_MS, connectionLimits: { admissionLoopDelayMaxMs: 400, socketsPerAddress: 1_000 }, commandBudget: { socketPoints: 1e6, accountPoints: 1e6 } },
  });
  boothId = (await boothIdsBySlug(server.baseUrl))['fair-share']!;
  await server.db.update(booths).set({ capacity: BOOTH_CAPACITY_MAX }).where(eq(booths.id, boothId));
});
afterEach(async () => {
  for (const socket of open.splice(0)) socket.disconnect();
  await sleep(400);
});
afterAll(async () => {
  await server?.close();
});

describe('a booth filling up', () => {
  it('gives a newcomer the staff, at most 50 others and the total, and pages through everyone with presence:list', async () => {
    const moderator = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
    open.push(moderator.socket);
    const hidden = await joinedSocket(server.baseUrl, 'member2@fair.test', boothId, { private: true });
    open.push(hidden.socket);
    const entered = [];
    for (const cookie of await crowdCookies(CROWD, 'crowd')) entered.push(await enter(cookie));
    const last = entered.at(-1)!;

    // The newcomer: the moderator (staff always), themself, and 50 others; private visitors never.
    const snapshot = last.joined.presence;
    expect(snapshot.length).toBe(1 + 1 + PRESENCE_SNAPSHOT_OTHERS_MAX);
    expect(snapshot.map((entry) => entry.userId)).toContain(moderator.userId);
    expect(snapshot.map((entry) => entry.userId)).not.toContain(hidden.userId);
    expect(last.joined.presenceTotal).toBe(CROWD + 1); // the crowd and the moderator; not the private visitor
    expect(last.joined.booth.occupancy).toBe(CROWD + 2); // occupancy counts everyone

    // Paging: everyone the member may see, each once, in a stable order.
    const everyone = await pageThrough(last.socket);
    expect(everyone).toHaveLength(CROWD + 1);
    expect(new Set(everyone.map((entry) => entry.userId)).size).toBe(CROWD + 1);
    expect(everyone.map((entry) => entry.userId)).not.toContain(hidden.userId);
    // Staff see the private visitor, marked.
    const staffView = await pageThrough(moderator.socket);
    expect(staffView).toHaveLength(CROWD + 2);
    expect(staffView.find((entry) => entry.userId === hidden.userId)?.private).toBe(true);
    const staffSnapshot = await request(moderator.socket, 'booth:join', { boothId });
    expect(staffSnapshot.ok && staffSnapshot.data.presenceTotal).toBe(CROWD + 2);

    // A crowded booth: members' lists are full, so newcomers are counted, not named, and a
    // count-only frame comes at most every CROWD_COUNT_MS; staff are still told who came.
    const memberFrames = collect(last.socket, 'presence:changed');
    const staffFrames = collect(moderator.socket, 'presence:changed');
    const latecomers = await crowd(5, 'late');
    for (const { cookie } of latecomers) await enter(cookie);
    await sleep(Math.max(PRESENCE_CROWD_BATCH_MS, CROWD_COUNT_MS) + 500);
    expect(memberFrames.length).toBeGreaterThan(0);
    expect(memberFrames.length).toBeLessThanOrEqual(2);
    expect(memberFrames.flatMap((frame) => frame.joined)).toEqual([]);
    expect(memberFrames.at(-1)!.total).toBe(CROWD + 1 + latecomers.length);
    const staffNamed = staffFrames.flatMap((frame) => frame.joined.map((entry) => entry.userId));
    for (const { userId } of latecomers) expect(staffNamed).toContain(userId);
  });

  it('refuses presence:list to a socket that has not entered the booth', async () => {
    const [cookie] = await crowdCookies(1, 'outsider');
    const socket = openSocket(server.baseUrl, cookie);
    open.push(socket);
    await connected(socket);
    const page = await request(socket, 'presence:list', { boothId });
    expect(!page.ok && page.error.code).toBe('NOT_IN_BOOTH');
  });

  it('tells those already inside in batched frames: many arrivals, a frame or two; staff are named everyone, members a capped few and the count', async () => {
    const watcher = await enter((await crowdCookies(1, 'watcher'))[0]!);
    const staff = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
    open.push(staff.socket);
    await sleep(PRESENCE_CROWD_BATCH_MS + 500); // the crowd of the test before has been seen out
    const frames = collect(watcher.socket, 'presence:changed');
    const staffFrames = collect(staff.socket, 'presence:changed');
    const wave = await crowd(40, 'wave');
    await Promise.all(wave.map(({ cookie }) => enter(cookie)));
    await sleep(PRESENCE_BATCH_MS * 2 + 200);
    // One frame per batch interval, not one per arrival.
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(4);
    for (const frame of frames) {
      expect(frame.joined.length).toBeLessThanOrEqual(PRESENCE_FRAME_JOINED_MAX);
      expect(frame.left).toEqual([]);
    }
    const waveIds = new Set(wave.map(({ userId }) => userId));
    const named = frames.flatMap((frame) => frame.joined.map((entry) => entry.userId));
    expect(named.length).toBeGreaterThanOrEqual(Math.min(PRESENCE_FRAME_JOINED_MAX, wave.length));
    for (const userId of named) expect(waveIds.has(userId)).toBe(true);
    expect(frames.at(-1)!.total).toBe(42); // the watcher, the moderator and the wave
    // Staff are named every arrival.
    const staffNamed = new Set(staffFrames.flatMap((frame) => frame.joined.map((entry) => entry.userId)));
    for (const userId of waveIds) expect(staffNamed).toContain(userId);
  });
});

describe('an arrival being written', () => {
  it('does not keep someone whose connection dropped while their arrival was being committed', async () => {
    const watcher = await enter((await crowdCookies(1, 'onlooker'))[0]!);
    const [ghost] = await crowd(1, 'ghost');
    const socket = openSocket(server.baseUrl, ghost!.cookie);
    await connected(socket);
    // The join and the drop arrive together: the drop lands while the visit's commit is pending.
    (socket as unknown as { emit(event: string, payload: unknown): void }).emit('booth:join', { boothId });
    socket.disconnect();
    await sleep(800); // the group commit, then the grace period (200 ms here)
    const page = await request(watcher.socket, 'presence:list', { boothId });
    expect(page.ok && page.data.entries.map((entry) => entry.userId)).not.toContain(ghost!.userId);
    expect(page.ok && page.data.total).toBe(1);
  });
});

describe('booth:join sinceSeq', () => {
  it('sends a returning client only the messages it lacks, and which of those it holds were removed', async () => {
    const author = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
    open.push(author.socket);
    const moderator = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
    open.push(moderator.socket);
    const sent = [];
    for (let i = 0; i < 6; i++) {
      const ack = await request(author.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `message ${i}` });
      if (!ack.ok) throw new Error(ack.error.code);
      sent.push(ack.data);
    }
    // The reader held up to the fourth message; meanwhile the second was removed and two more came.
    const heldUpTo = sent[3]!.seq;
    expect((await request(moderator.socket, 'chat:delete', { messageId: sent[1]!.id, reason: 'test' })).ok).toBe(true);
    const reader = await joinedSocket(server.baseUrl, 'member2@fair.test', boothId, { sinceSeq: heldUpTo });
    open.push(reader.socket);
    expect(reader.joined.messages.map((m) => m.seq)).toEqual([sent[4]!.seq, sent[5]!.seq]);
    expect(reader.joined.removedSeqs).toEqual([sent[1]!.seq]);
    expect(reader.joined.lastSeq).toBe(sent[5]!.seq);
    // Without sinceSeq: the latest page, as before.
    const fresh = await request(reader.socket, 'booth:join', { boothId });
    expect(fresh.ok && fresh.data.messages.map((m) => m.seq)).toEqual(expect.arrayContaining(sent.map((m) => m.seq)));
    expect(fresh.ok && fresh.data.removedSeqs).toBeUndefined();
  });
});

describe('the handshake', () => {
  it('refuses a client of an older protocol with CLIENT_OUTDATED, and one that names none', async () => {
    const [cookie] = await crowdCookies(1, 'old-tab');
    for (const auth of [{ protocol: 1 }, {}]) {
      const socket = openSocket(server.baseUrl, cookie, { auth });
      const refused = await connected(socket).then(
        () => null,
        (err: Error & { data?: { code?: string } }) => err,
      );
      socket.close();
      expect(refused?.message).toBe('CLIENT_OUTDATED');
      expect(refused?.data?.code).toBe('CLIENT_OUTDATED');
    }
  });

  it('asks newcomers to come back later with SERVER_BUSY and a retry hint while the server runs late, and admits them after', async () => {
    const inside = await enter((await crowdCookies(1, 'inside'))[0]!);
    const [cookie] = await crowdCookies(1, 'newcomer');
    // Hold the event loop (the server runs in this process), as a join storm would: well past
    // the 400 ms set above, which a busy test machine alone does not reach.
    const until = Date.now() + 900;
    while (Date.now() < until) {
      // busy
    }
    await sleep(60); // the loop probe notices
    const socket = openSocket(server.baseUrl, cookie);
    const refused = await connected(socket).then(
      () => null,
      (err: Error & { data?: { code?: string; details?: { retryAfterMs?: number } } }) => err,
    );
    socket.close();
    expect(refused?.message).toBe('SERVER_BUSY');
    expect(refused?.data?.details?.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    // Those already inside are still answered.
    expect((await request(inside.socket, 'presence:list', { boothId })).ok).toBe(true);
    // Once the loop is on time again, the newcomer gets in.
    await sleep(700);
    const again = openSocket(server.baseUrl, cookie);
    open.push(again);
    await expect(connected(again)).resolves.toBeUndefined();
  });
});
