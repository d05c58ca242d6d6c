import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Packet } from 'socket.io-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, testDialect, TestClient, type SharedState, type TestServer } from './harness.js';
import { TEST_REDIS_URL } from './redis-test.js';
import { collect, connected, joinedSocket, nextEvent, openSocket, request, signedInSocket, type ClientSocket } from './sockets.js';

/**
 * Connection-state recovery (scaled mode, Redis streams adapter): a connection that drops for
 * a moment comes back with its socket id and the account and lobby events it missed, and is
 * otherwise a new connection (authenticated again, registered again, booth joined again);
 * a person signed out or banned meanwhile gets nothing back.
 */
describe.skipIf(testDialect !== 'postgres')('connection-state recovery across two nodes', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let a: TestServer;
  let b: TestServer;
  let boothId: number;
  const redis = createClient({ url: TEST_REDIS_URL });
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    shared = await createSharedState();
    a = await startTestServer({ shared, seed: true, env: { NODE_ID: 'node-a' } });
    b = await startTestServer({ shared, env: { NODE_ID: 'node-b' } });
    boothId = (await boothIdsBySlug(a.baseUrl))['peace-direct']!;
    redis.on('error', () => {});
    await redis.connect();
  });
  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    redis.destroy();
    await a?.close();
    await b?.close();
    await shared?.drop();
  });

  /** A member signed in on node A with a socket that will drop its transport and come back on node B. */
  async function member(email: string) {
    await createUser(a.db, { email, displayName: `Member ${email.split('@')[0]}`, role: 'member' });
    const client = new TestClient(a.baseUrl);
    const login = await client.login(email);
    const socket = openSocket(a.baseUrl, client.cookie);
    open.push(socket);
    // A connection recovers from the last broadcast it received (its offset in the stream): the
    // lobby's counts, a little after arriving, are the first.
    const counts = nextEvent(socket, 'lobby:occupancy');
    await connected(socket);
    await counts;
    const userId = (login.body.user as { id: string }).id;
    // Every Socket.IO packet that reaches the client, before any listener (a refused connection buffers events it never emits).
    const packets: Packet[] = [];
    socket.io.on('packet', (packet) => packets.push(packet));
    const eventsOnWire = (name: string) => packets.filter((p) => Array.isArray(p.data) && p.data[0] === name);
    return { client, socket, userId, eventsOnWire };
  }

  /** The link breaks (not a sign-out): the node keeps the connection's state in Redis. */
  async function dropTransport(socket: ClientSocket): Promise<string> {
    const pid = (socket as unknown as { _pid?: string })._pid;
    expect(pid).toBeTypeOf('string');
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    socket.io.engine.close();
    await gone;
    await expect.poll(() => redis.exists(`${shared.redisKeyPrefix}socket.io:session:${pid}`)).toBe(1);
    return pid!;
  }

  /** Reconnects the same client object to node B (the sticky node died, say), as socket.io-client does. */
  function reconnectTo(socket: ClientSocket, baseUrl: string): void {
    (socket.io as unknown as { uri: string }).uri = baseUrl;
    socket.connect();
  }

  it('brings a dropped connection back with its id and the notices it missed, and makes it rejoin its booth', async () => {
    const amina = await member('recovering@fair.test');
    expect((await request(amina.socket, 'booth:join', { boothId })).ok).toBe(true);
    const idBefore = amina.socket.id;
    const notices = collect(amina.socket, 'moderation:notice');
    const chat = collect(amina.socket, 'chat:created');
    await dropTransport(amina.socket);

    // While she is away: a moderator on node B mutes her (a notice to her account's room), and
    // Luis chats in her booth.
    const moderator = await signedInSocket(b.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    expect((await request(moderator.socket, 'moderation:mute', { userId: amina.userId, minutes: 5, reason: 'Cooling down' })).ok).toBe(true);
    const luis = await joinedSocket(b.baseUrl, 'member2@fair.test', boothId);
    open.push(luis.socket);
    const missed = await request(luis.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'said while Amina was away' });
    if (!missed.ok) throw new Error(missed.error.message);

    reconnectTo(amina.socket, b.baseUrl);
    await connected(amina.socket);
    expect(amina.socket.recovered).toBe(true);
    expect(amina.socket.id).toBe(idBefore);
    await expect.poll(() => notices.map((n) => n.kind)).toEqual(['muted']);

    // Not put back into the booth by the recovery: booth events wait for her booth:join.
    const before = await request(luis.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'before she rejoins' });
    expect(before.ok).toBe(true);
    // Registered as a new connection: her commands are answered, and the join catches her up.
    const join = await request(amina.socket, 'booth:join', { boothId, sinceSeq: missed.data.seq - 1 });
    if (!join.ok) throw new Error(join.error.message);
    expect(join.data.messages.map((m) => m.body)).toEqual(['said while Amina was away', 'before she rejoins']);
    expect(chat).toEqual([]);
    const after = nextEvent(amina.socket, 'chat:created', (m) => m.body === 'after she rejoined');
    expect((await request(luis.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'after she rejoined' })).ok).toBe(true);
    await after;
  });

  it('does not recover, nor replay anything to, a connection whose person signed out while it was away', async () => {
    const amina = await member('signs-out@fair.test');
    await dropTransport(amina.socket);
    const moderator = await signedInSocket(b.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    expect((await request(moderator.socket, 'moderation:mute', { userId: amina.userId, minutes: 5, reason: 'Cooling down' })).ok).toBe(true);
    expect((await amina.client.post('/api/auth/logout')).status).toBeLessThan(300);

    // The socket still sends the old cookie, as a browser tab would; the session behind it has ended.
    const refused = new Promise<Error>((resolve) => amina.socket.once('connect_error', resolve));
    reconnectTo(amina.socket, b.baseUrl);
    expect((await refused).message).toBe('UNAUTHENTICATED');
    expect(amina.eventsOnWire('moderation:notice')).toEqual([]);
  });

  it("keeps a connection recovered with someone else's id out of that person's rooms", async () => {
    const amina = await member('recovery-victim@fair.test');
    const aminaSocketId = amina.socket.id;
    const pid = await dropTransport(amina.socket);
    const offset = (amina.socket as unknown as { _lastOffset?: string })._lastOffset;
    // Luis presents Amina's recovery id (a stolen one) with his own session.
    const luis = new TestClient(b.baseUrl);
    await luis.login('member2@fair.test');
    const intruder = openSocket(b.baseUrl, luis.cookie, { auth: { protocol: PROTOCOL_VERSION, pid, offset } });
    open.push(intruder);
    await connected(intruder);
    // The server did recover her connection for him (her socket id), then set it up as his.
    expect(intruder.id).toBe(aminaSocketId);
    const notices = collect(intruder, 'moderation:notice');

    const moderator = await signedInSocket(a.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    expect((await request(moderator.socket, 'moderation:mute', { userId: amina.userId, minutes: 5, reason: 'Cooling down' })).ok).toBe(true);
    // A notice to Luis himself does reach him: his own account's room is his.
    const luisId = ((await luis.get('/api/me')).body.user as { id: string }).id;
    const own = nextEvent(intruder, 'moderation:notice', (n) => n.kind === 'muted');
    expect((await request(moderator.socket, 'moderation:mute', { userId: luisId, minutes: 5, reason: 'Cooling down' })).ok).toBe(true);
    await own;
    expect(notices).toHaveLength(1);
  });

  it('does not recover a banned person into the fair, nor send them what they missed', async () => {
    const amina = await member('banned-away@fair.test');
    expect((await request(amina.socket, 'booth:join', { boothId })).ok).toBe(true);
    await dropTransport(amina.socket);
    const moderator = await signedInSocket(b.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    expect((await request(moderator.socket, 'moderation:ban', { userId: amina.userId, reason: 'Threats against a defender' })).ok).toBe(true);

    const refused = new Promise<Error>((resolve) => amina.socket.once('connect_error', resolve));
    reconnectTo(amina.socket, b.baseUrl);
    expect((await refused).message).toMatch(/^(UNAUTHENTICATED|BANNED)$/);
    expect(amina.socket.recovered).toBe(false);
    expect(amina.eventsOnWire('moderation:notice')).toEqual([]);
  });
});
