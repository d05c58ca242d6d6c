import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_RATE_MAX_MESSAGES, LOBBY_SNAPSHOT_DELAY_MS } from '../../shared/limits.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { collect, connected, nextEvent, openSocket, rawRequest, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

let server: TestServer;
let boothIds: Record<string, number>;
const open: ClientSocket[] = [];

async function join(email: string, slug = 'peace-direct', extra: Record<string, unknown> = {}) {
  const session = await signedInSocket(server.baseUrl, email);
  open.push(session.socket);
  const ack = await request(session.socket, 'booth:join', { boothId: boothIds[slug]!, ...extra });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return { ...session, joined: ack.data };
}

beforeAll(async () => {
  server = await startTestServer({ deps: { presenceGraceMs: 300, lobbyIntervalMs: 100 } });
  const client = new TestClient(server.baseUrl);
  await client.login('admin@fair.test');
  const booths = (await client.get('/api/booths')).body as unknown as { id: number; slug: string }[];
  boothIds = Object.fromEntries(booths.map((b) => [b.slug, b.id]));
});
afterEach(async () => {
  for (const socket of open.splice(0)) socket.disconnect();
  await sleep(400); // let grace periods run out so tests do not see each other
});
afterAll(async () => {
  await server.close();
});

describe('handshake', () => {
  it('refuses a connection without a session with connect_error UNAUTHENTICATED', async () => {
    const socket = openSocket(server.baseUrl, undefined);
    await expect(connected(socket)).rejects.toThrow('UNAUTHENTICATED');
    const forged = openSocket(server.baseUrl, 'fair_session=forged-token');
    await expect(connected(forged)).rejects.toThrow('UNAUTHENTICATED');
    socket.close();
    forged.close();
  });

  it('does not keep the session cookie for the life of the connection', async () => {
    const { userId } = await join('member@fair.test');
    const sockets = await server.app.io.in(`user:${userId}`).fetchSockets();
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets) expect(socket.handshake.headers.cookie).toBeUndefined();
  });

  it('sends the full lobby occupancy first', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    const socket = openSocket(server.baseUrl, client.cookie);
    open.push(socket);
    const first = await nextEvent(socket, 'lobby:occupancy');
    expect(Object.keys(first)).toHaveLength(11);
  });

  it('sends no lobby counts to a connection that goes straight into a booth, and sends them when it leaves', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member2@fair.test');
    const socket = openSocket(server.baseUrl, client.cookie);
    open.push(socket);
    const heard = collect(socket, 'lobby:occupancy');
    await connected(socket);
    const boothId = boothIds['peace-direct']!;
    expect((await request(socket, 'booth:join', { boothId })).ok).toBe(true);
    await sleep(LOBBY_SNAPSHOT_DELAY_MS + 300);
    expect(heard).toEqual([]);
    const back = nextEvent(socket, 'lobby:occupancy');
    expect((await request(socket, 'booth:leave', { boothId })).ok).toBe(true);
    expect(Object.keys(await back)).toHaveLength(11);
  });
});

describe('two members in a booth', () => {
  it('see each other arrive, chat, and see each other leave', async () => {
    const amina = await join('member@fair.test');
    expect(amina.joined.booth.slug).toBe('peace-direct');
    expect(amina.joined.presence.map((p) => p.userId)).toEqual([amina.userId]);

    // Amina's own arrival may come in a frame of its own (total 1) after her join's answer: wait
    // for the one that counts Luis.
    const arrived = nextEvent(amina.socket, 'presence:changed', (frame) => frame.total === 2);
    const luis = await join('member2@fair.test');
    // One batched frame: who came, who went, and how many are here now. (It may carry Amina's
    // own arrival too: one frame serves the whole room, and clients replace entries by userId.)
    const frame = await arrived;
    expect(frame).toMatchObject({ boothId: boothIds['peace-direct'], left: [], total: 2 });
    expect(frame.joined.find((entry) => entry.userId === luis.userId)).toEqual({ userId: luis.userId, displayName: 'Luis', role: 'member', private: false });
    expect(luis.joined.presenceTotal).toBe(2);
    expect(luis.joined.presence.map((p) => p.userId).sort()).toEqual([amina.userId, luis.userId].sort());

    const seenByLuis = nextEvent(luis.socket, 'chat:created');
    const seenByAmina = nextEvent(amina.socket, 'chat:created');
    const clientMsgId = randomUUID();
    const ack = await request(amina.socket, 'chat:send', { boothId: boothIds['peace-direct']!, clientMsgId, body: '  Hola, <b>everyone</b>\r\nsecond line  ' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data).toMatchObject({
      boothId: boothIds['peace-direct'],
      seq: 1,
      clientMsgId,
      author: { id: amina.userId, displayName: 'Amina', role: 'member' },
      body: 'Hola, <b>everyone</b>\nsecond line',
    });
    expect(await seenByLuis).toEqual(ack.data);
    expect(await seenByAmina).toEqual(ack.data);

    const left = nextEvent(luis.socket, 'presence:changed');
    expect((await request(amina.socket, 'booth:leave', { boothId: boothIds['peace-direct']! })).ok).toBe(true);
    expect(await left).toEqual({ boothId: boothIds['peace-direct'], joined: [], left: [amina.userId], total: 1 });
  });

  it('counts a person once however many tabs, and keeps them through a short drop', async () => {
    const watcher = await join('member2@fair.test', 'kujalink');
    const frames = collect(watcher.socket, 'presence:changed');
    const joins = () => frames.flatMap((frame) => frame.joined);
    const lefts = () => frames.flatMap((frame) => frame.left);
    const first = await join('member@fair.test', 'kujalink');
    const secondTab = openSocket(server.baseUrl, first.client.cookie);
    open.push(secondTab);
    await connected(secondTab);
    const again = await request(secondTab, 'booth:join', { boothId: boothIds.kujalink! });
    expect(again.ok && again.data.presence).toHaveLength(2);
    expect(again.ok && again.data.booth.occupancy).toBe(2);

    // One tab drops and the other stays: still present, nobody told.
    first.socket.disconnect();
    await sleep(500);
    expect(lefts()).toHaveLength(0);
    // The last tab drops: present during the grace period, then gone.
    secondTab.disconnect();
    await sleep(100);
    expect(lefts()).toHaveLength(0);
    await nextEvent(watcher.socket, 'presence:changed', (frame) => frame.left.includes(first.userId), 2000);
    expect(joins().filter((entry) => entry.userId === first.userId)).toHaveLength(1);
  });
});

describe('chat:send', () => {
  it('returns the stored message for a repeated clientMsgId, with no second copy or broadcast', async () => {
    const amina = await join('member@fair.test', 'unmute');
    const luis = await join('member2@fair.test', 'unmute');
    const created = collect(luis.socket, 'chat:created');
    const payload = { boothId: boothIds.unmute!, clientMsgId: randomUUID(), body: 'only once' };
    const first = await request(amina.socket, 'chat:send', payload);
    const second = await request(amina.socket, 'chat:send', payload);
    expect(second).toEqual(first);
    await sleep(200);
    expect(created).toHaveLength(1);
    const history = await request(luis.socket, 'chat:history', { boothId: boothIds.unmute! });
    expect(history.ok && history.data.messages.filter((m) => m.body === 'only once')).toHaveLength(1);
  });

  it('answers INVALID_PAYLOAD for bad bodies and payloads, naming the field', async () => {
    const { socket } = await join('member@fair.test', 'fair-share');
    const boothId = boothIds['fair-share']!;
    const cases: [unknown, string][] = [
      [{ boothId, clientMsgId: randomUUID(), body: '   ' }, 'body'],
      [{ boothId, clientMsgId: randomUUID(), body: 'x'.repeat(2001) }, 'body'],
      [{ boothId, clientMsgId: randomUUID(), body: 'bell\u0007' }, 'body'],
      [{ boothId, clientMsgId: 'not-a-uuid', body: 'hi' }, 'clientMsgId'],
      [{ boothId: 'one', clientMsgId: randomUUID(), body: 'hi' }, 'boothId'],
      [{ boothId, clientMsgId: randomUUID(), body: 'hi', admin: true }, ''],
      [null, ''],
      ['chat', ''],
    ];
    for (const [payload, field] of cases) {
      const ack = await rawRequest(socket, 'chat:send', payload);
      expect(ack.ok).toBe(false);
      if (ack.ok) continue;
      expect(ack.error.code).toBe('INVALID_PAYLOAD');
      if (field) expect(ack.error.details?.field).toBe(field);
    }
    expect((await request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'x'.repeat(2000) })).ok).toBe(true);
  });

  it('survives a command with no ack callback or no payload, and keeps answering', async () => {
    const { socket } = await join('member@fair.test', 'fair-share');
    (socket as unknown as { emit(e: string, p: unknown): void }).emit('chat:send', { boothId: 'junk' });
    (socket as unknown as { emit(e: string): void }).emit('booth:join');
    const noPayload = await rawRequest(socket, 'booth:join');
    expect(noPayload.ok || noPayload.error.code).toBe('INVALID_PAYLOAD');
    const unknownBooth = await request(socket, 'booth:join', { boothId: 999_999 });
    expect(unknownBooth.ok || unknownBooth.error.code).toBe('NOT_FOUND');
    expect(socket.connected).toBe(true);
  });

  it('refuses a message to a booth the socket has not joined', async () => {
    const { socket } = await join('member@fair.test', 'fair-share');
    const ack = await request(socket, 'chat:send', { boothId: boothIds.kujalink!, clientMsgId: randomUUID(), body: 'hi' });
    expect(ack.ok || ack.error.code).toBe('NOT_IN_BOOTH');
  });

  it('answers RATE_LIMITED with the time to wait after a burst', async () => {
    const { socket } = await join('member2@fair.test', 'end-water-poverty');
    const boothId = boothIds['end-water-poverty']!;
    const acks = [];
    for (let i = 0; i <= CHAT_RATE_MAX_MESSAGES; i++) acks.push(await request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `m${i}` }));
    expect(acks.slice(0, CHAT_RATE_MAX_MESSAGES).every((a) => a.ok)).toBe(true);
    const limited = acks[CHAT_RATE_MAX_MESSAGES]!;
    expect(limited.ok).toBe(false);
    if (limited.ok) return;
    expect(limited.error.code).toBe('RATE_LIMITED');
    expect(limited.error.details?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('booth:join limits', () => {
  it('refuses BOOTH_FULL at capacity, but lets staff in', async () => {
    await server.sql('update booths set capacity = 1 where slug = ?', ['connect-humanity']);
    try {
      await join('member@fair.test', 'connect-humanity');
      const second = await signedInSocket(server.baseUrl, 'member2@fair.test');
      open.push(second.socket);
      const refused = await request(second.socket, 'booth:join', { boothId: boothIds['connect-humanity']! });
      expect(refused.ok || refused.error.code).toBe('BOOTH_FULL');
      const moderator = await join('moderator@fair.test', 'connect-humanity');
      expect(moderator.joined.presence).toHaveLength(2);
    } finally {
      await server.sql('update booths set capacity = 120 where slug = ?', ['connect-humanity']);
    }
  });

  it('refuses BOOTH_CLOSED when the booth is closed', async () => {
    await server.sql("update booths set status = 'closed' where slug = ?", ['civicus-monitor']);
    try {
      const { socket } = await signedInSocket(server.baseUrl, 'member@fair.test');
      open.push(socket);
      const refused = await request(socket, 'booth:join', { boothId: boothIds['civicus-monitor']! });
      expect(refused.ok || refused.error.code).toBe('BOOTH_CLOSED');
    } finally {
      await server.sql("update booths set status = 'open' where slug = ?", ['civicus-monitor']);
    }
  });
});

describe('private visits', () => {
  it('are counted, visible to the booth host and moderators, and hidden from other members', async () => {
    const host = await join('host@fair.test');
    const other = await join('member2@fair.test');
    const otherFrames = collect(other.socket, 'presence:changed');
    // Presence goes out in batches: the other member's own arrival may reach the host first.
    const hostSees = nextEvent(host.socket, 'presence:changed', (p) => p.joined.some((entry) => entry.private));
    const visitor = await join('member@fair.test', 'peace-direct', { private: true });
    expect((await hostSees).joined.find((entry) => entry.private)).toMatchObject({ userId: visitor.userId, private: true });
    expect(visitor.joined.booth.occupancy).toBe(3);
    expect(visitor.joined.presence.map((p) => p.userId)).toContain(visitor.userId);

    const moderator = await join('moderator@fair.test');
    expect(moderator.joined.presence.find((p) => p.userId === visitor.userId)?.private).toBe(true);
    const late = await join('admin@fair.test', 'peace-direct');
    expect(late.joined.presence.map((p) => p.userId)).toContain(visitor.userId);

    const otherSnapshot = await request(other.socket, 'booth:join', { boothId: boothIds['peace-direct']! });
    expect(otherSnapshot.ok && otherSnapshot.data.presence.map((p) => p.userId)).not.toContain(visitor.userId);
    expect(otherSnapshot.ok && otherSnapshot.data.booth.occupancy).toBe(5);
    await sleep(200);
    expect(JSON.stringify(otherFrames)).not.toContain(visitor.userId);
    // Members count only whom they may see; staff count everyone.
    expect(otherSnapshot.ok && otherSnapshot.data.presenceTotal).toBe(4);
    expect(late.joined.presenceTotal).toBe(5);
  });
});

describe('private visits on several devices', () => {
  it('stay private when a second device joins without asking, and reset only when the visit ends', async () => {
    const boothId = boothIds['fair-share']!;
    const bystander = await join('member2@fair.test', 'fair-share');
    const moderator = await join('moderator@fair.test', 'fair-share');
    const heard: unknown[] = [];
    bystander.socket.onAny((event: string, payload: unknown) => heard.push({ event, payload }));

    const phone = await join('member@fair.test', 'fair-share', { private: true });
    const laptop = await join('member@fair.test', 'fair-share');
    const tablet = await join('member@fair.test', 'fair-share', { private: false });
    // Each device is told the truth about its own visit, so it can show "visiting privately".
    for (const device of [phone, laptop, tablet]) {
      expect(device.joined.presence.find((p) => p.userId === phone.userId)?.private).toBe(true);
    }

    const staffView = await request(moderator.socket, 'booth:join', { boothId });
    expect(staffView.ok && staffView.data.presence.find((p) => p.userId === phone.userId)?.private).toBe(true);
    const latecomer = await join('admin@fair.test', 'fair-share');
    expect(latecomer.joined.presence.find((p) => p.userId === phone.userId)?.private).toBe(true);
    const bystanderView = await request(bystander.socket, 'booth:join', { boothId });
    expect(bystanderView.ok && bystanderView.data.presence.map((p) => p.userId)).not.toContain(phone.userId);

    // The whole visit ends (every device leaves); the next visit starts from the device's own choice.
    for (const device of [phone, laptop, tablet]) expect((await request(device.socket, 'booth:leave', { boothId })).ok).toBe(true);
    await sleep(200);
    expect(JSON.stringify(heard)).not.toContain(phone.userId);
    const publicAgain = nextEvent(bystander.socket, 'presence:changed', (e) => e.joined.some((entry) => entry.userId === phone.userId));
    const next = await request(laptop.socket, 'booth:join', { boothId });
    expect(next.ok && next.data.presence.find((p) => p.userId === phone.userId)?.private).toBe(false);
    expect((await publicAgain).joined.find((entry) => entry.userId === phone.userId)?.private).toBe(false);
  });
});

describe('lobby:occupancy', () => {
  it('carries coalesced changes for the booths that changed', async () => {
    const watcher = await signedInSocket(server.baseUrl, 'moderator@fair.test');
    open.push(watcher.socket);
    // A new connection in the lobby gets every booth's count first.
    const first = await nextEvent(watcher.socket, 'lobby:occupancy');
    expect(Object.keys(first).length).toBe(Object.keys(boothIds).length);
    const updates = collect(watcher.socket, 'lobby:occupancy');
    await join('member@fair.test', 'youth-action-team');
    await join('member2@fair.test', 'youth-action-team');
    await sleep(400);
    const merged = Object.assign({}, ...updates) as Record<string, number>;
    expect(merged[boothIds['youth-action-team']!]).toBe(2);
    expect(updates.length).toBeLessThanOrEqual(2);
    for (const update of updates) expect(Object.keys(update)).toEqual([String(boothIds['youth-action-team'])]);
  });
});

describe('catch-up after a forced disconnect', () => {
  it('gets every message sent while away, in order, with afterSeq', async () => {
    const away = await join('member@fair.test', 'vuka-coalition');
    // A user who has not used up the chat rate limit in earlier tests.
    const stayer = await join('host@fair.test', 'vuka-coalition');
    const boothId = boothIds['vuka-coalition']!;
    const before = nextEvent(away.socket, 'chat:created');
    expect((await request(stayer.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'before' })).ok).toBe(true);
    const heldSeq = (await before).seq;

    away.socket.io.engine.close(); // the link drops without a goodbye
    for (const body of ['while away 1', 'while away 2', 'while away 3']) {
      expect((await request(stayer.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body })).ok).toBe(true);
    }
    const back = openSocket(server.baseUrl, away.client.cookie);
    open.push(back);
    await connected(back);
    const rejoin = await request(back, 'booth:join', { boothId });
    expect(rejoin.ok && rejoin.data.lastSeq).toBe(4);
    const missed = await request(back, 'chat:history', { boothId, afterSeq: heldSeq });
    expect(missed.ok && missed.data.messages.map((m) => [m.seq, m.body])).toEqual([
      [2, 'while away 1'],
      [3, 'while away 2'],
      [4, 'while away 3'],
    ]);
    const older = await request(back, 'chat:history', { boothId, beforeSeq: 3, limit: 1 });
    expect(older.ok && older.data.messages.map((m) => m.seq)).toEqual([2]);
  });
});
