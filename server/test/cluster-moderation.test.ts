import { randomUUID } from 'node:crypto';
import { createServer, connect as connectTcp, type AddressInfo, type Server, type Socket } from 'node:net';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, TestClient, testDialect, type SharedState, type TestServer } from './harness.js';
import { signWebhook, startTwirpStandIn, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, type TwirpStandIn } from './livekit-stand-in.js';
import { collect, connected, joinedSocket, nextEvent, openSocket, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * Moderation, raised hands and video counts on a fair of two nodes (scaled mode): real servers
 * sharing one PostgreSQL database and one Redis prefix, with the person acted on connected to
 * the other node than the one who acts. Runs in the `postgres` project only.
 */

/** Waits until `done()` holds, at most `ms`; answers whether it did. */
async function heldWithin(ms: number, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(10);
  return done();
}

let accounts = 0;
/** A member of their own, so that one test's kick or ban does not reach the next. */
async function newMember(server: TestServer, name: string) {
  accounts += 1;
  const email = `${name.toLowerCase()}-${accounts}@fair.test`;
  const id = await createUser(server.db, { email, displayName: `${name} ${accounts}`, role: 'member' });
  return { email, id };
}

describe.skipIf(testDialect !== 'postgres')('moderation and video on two nodes', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let twirp: TwirpStandIn;
  let a: TestServer;
  let b: TestServer;
  let boothId: number;
  const open: ClientSocket[] = [];
  const track = <T extends { socket: ClientSocket }>(session: T): T => {
    open.push(session.socket);
    return session;
  };
  /** A new member in the booth through node B, with a second tab, in the booth too, on node A (the acting node). */
  async function memberOnBothNodes(name: string) {
    const { email, id } = await newMember(a, name);
    const onB = track(await joinedSocket(b.baseUrl, email, boothId));
    const tabOnA = openSocket(a.baseUrl, onB.client.cookie);
    open.push(tabOnA);
    await connected(tabOnA);
    expect((await request(tabOnA, 'booth:join', { boothId })).ok).toBe(true);
    return { id, onB, tabOnA };
  }

  beforeAll(async () => {
    shared = await createSharedState();
    twirp = await startTwirpStandIn();
    // A long grace period: a person removed by a kick or ban must leave presence at once, not when it runs out.
    const deps = { presenceGraceMs: 30_000, lobbyIntervalMs: 100 };
    a = await startTestServer({ shared, seed: true, env: { NODE_ID: 'node-a', ...twirp.env }, deps });
    b = await startTestServer({ shared, env: { NODE_ID: 'node-b', ...twirp.env }, deps });
    boothId = (await boothIdsBySlug(a.baseUrl))['peace-direct']!;
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
    twirp.calls.splice(0);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await twirp?.close();
    await shared?.drop();
  });

  it('takes a member kicked on node A out of the booth on node B within a second: no chat in or out, back in the lobby', async () => {
    const { id, onB, tabOnA } = await memberOnBothNodes('Kicked');
    const bystander = track(await joinedSocket(a.baseUrl, 'member2@fair.test', boothId));
    const moderator = track(await signedInSocket(a.baseUrl, 'moderator@fair.test'));
    const noticesOnB = collect(onB.socket, 'moderation:notice');
    const lobbyOnB = collect(onB.socket, 'lobby:occupancy');
    const heardOnB = collect(onB.socket, 'chat:created');
    const presenceSeen = collect(bystander.socket, 'presence:changed');

    const ack = await request(moderator.socket, 'moderation:kick', { userId: id, boothId, reason: 'Abusive language' });
    expect(ack.ok).toBe(true);
    // Node B told them, took their connection out of the booth and back to the lobby, and everyone saw them leave.
    const removed = await heldWithin(
      1000,
      () => noticesOnB.some((n) => n.kind === 'kicked' && n.boothId === boothId) && lobbyOnB.length > 0 && presenceSeen.some((p) => p.left.includes(id)),
    );
    expect(removed).toBe(true);

    for (const tab of [onB.socket, tabOnA]) {
      const send = await request(tab, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'let me back' });
      expect(send.ok || send.error.code).toBe('NOT_IN_BOOTH');
    }
    expect((await request(bystander.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'after the kick' })).ok).toBe(true);
    await sleep(200);
    expect(heardOnB.filter((m) => m.body === 'after the kick')).toEqual([]);
    const snapshot = await request(bystander.socket, 'presence:list', { boothId });
    expect(snapshot.ok && snapshot.data.entries.map((p) => p.userId)).not.toContain(id);
    // And no video token through either node: not in the booth, and barred for the cool-down.
    for (const node of [a, b]) {
      const client = new TestClient(node.baseUrl);
      client.cookie = onB.client.cookie;
      expect((await client.post('/api/booths/peace-direct/video-token')).status).toBe(403);
    }
  });

  it('disconnects a person banned on node A from every node within a second, and takes them out of presence at once', async () => {
    const { id, onB, tabOnA } = await memberOnBothNodes('Banned');
    const bystanderOnB = track(await joinedSocket(b.baseUrl, 'member2@fair.test', boothId));
    const presenceSeen = collect(bystanderOnB.socket, 'presence:changed');
    const moderator = track(await signedInSocket(a.baseUrl, 'moderator@fair.test'));

    const ack = await request(moderator.socket, 'moderation:ban', { userId: id, reason: 'Threats against a defender' });
    expect(ack.ok).toBe(true);
    const gone = await heldWithin(1000, () => !onB.socket.connected && !tabOnA.connected && presenceSeen.some((p) => p.left.includes(id)));
    expect(gone).toBe(true);

    const again = openSocket(b.baseUrl, onB.client.cookie);
    open.push(again);
    await expect(connected(again)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('shows a hand raised on node B to a host on node A, in the order raised, and a grant from A reaches the member on B', async () => {
    const host = track(await joinedSocket(a.baseUrl, 'host@fair.test', boothId));
    const member = track(await joinedSocket(b.baseUrl, 'member@fair.test', boothId));
    const second = track(await joinedSocket(a.baseUrl, 'member2@fair.test', boothId));

    const queued = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 1);
    expect(await request(member.socket, 'hand:raise', { boothId })).toMatchObject({ ok: true, data: { userId: member.userId, granted: false } });
    expect((await queued).queue.map((h) => h.userId)).toEqual([member.userId]);
    const both = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 2);
    expect((await request(second.socket, 'hand:raise', { boothId })).ok).toBe(true);
    expect((await both).queue.map((h) => h.userId)).toEqual([member.userId, second.userId]);
    // Raising again on the other node changes nothing.
    expect(await request(member.socket, 'hand:raise', { boothId })).toMatchObject({ ok: true, data: { userId: member.userId } });
    expect(await request(host.socket, 'hand:list', { boothId })).toMatchObject({ ok: true, data: { queue: [{ userId: member.userId }, { userId: second.userId }] } });

    const told = nextEvent(member.socket, 'hand:granted');
    expect(await request(host.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: true, data: { userId: member.userId, granted: true } });
    expect(await told).toEqual({ boothId });
    expect(twirp.calls.map((c) => c.method)).toEqual(['UpdateParticipant']);
    expect(await request(member.socket, 'hand:list', { boothId })).toMatchObject({ ok: true, data: { queue: [{ userId: member.userId, granted: true }] } });

    // A token minted by node A for a member whose connection is on node B: in the booth, and allowed to speak.
    const onA = new TestClient(a.baseUrl);
    onA.cookie = member.client.cookie;
    const res = await onA.post('/api/booths/peace-direct/video-token');
    expect(res.status).toBe(200);
    const claims = await new TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify((res.body as { token: string }).token);
    expect(claims.video).toMatchObject({ canPublish: true, canPublishSources: ['camera', 'microphone'] });

    // Leaving on node B clears the hand for the host on node A.
    const cleared = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 1);
    await request(member.socket, 'booth:leave', { boothId });
    expect((await cleared).queue.map((h) => h.userId)).toEqual([second.userId]);
    await request(second.socket, 'hand:lower', { boothId });
  });

  it('updates the video count of every lobby from a LiveKit webhook received by either node', async () => {
    const event = (name: string, identity: string) =>
      JSON.stringify({ id: `EV_${randomUUID()}`, event: name, room: { sid: 'RM_test', name: `fair-booth-${boothId}` }, participant: { sid: `PA_${identity}`, identity } });
    const post = (node: TestServer, body: string) =>
      fetch(`${node.baseUrl}/api/livekit/webhook`, { method: 'POST', headers: { 'content-type': 'application/webhook+json', authorization: signWebhook(body) }, body });
    const videoParticipants = async (node: TestServer) => {
      const client = new TestClient(node.baseUrl);
      await client.login('member@fair.test');
      return (await client.get('/api/booths/peace-direct')).body.videoParticipants;
    };
    const watcherOnA = track(await signedInSocket(a.baseUrl, 'member@fair.test'));
    const watcherOnB = track(await signedInSocket(b.baseUrl, 'member2@fair.test'));

    const seenOnB = nextEvent(watcherOnB.socket, 'video:count', (c) => c.boothId === boothId);
    expect((await post(a, event('participant_joined', 'speaker-1'))).status).toBe(204);
    expect(await seenOnB).toEqual({ boothId, count: 1 });
    expect(await videoParticipants(b)).toBe(1);

    // The same event again, through the other node: no change, nothing sent.
    const countsOnA = collect(watcherOnA.socket, 'video:count');
    expect((await post(b, event('participant_joined', 'speaker-1'))).status).toBe(204);
    const seenOnA = nextEvent(watcherOnA.socket, 'video:count', (c) => c.count === 0);
    expect((await post(b, event('participant_left', 'speaker-1'))).status).toBe(204);
    expect(await seenOnA).toEqual({ boothId, count: 0 });
    expect(countsOnA).toEqual([{ boothId, count: 0 }]);
    expect(await videoParticipants(a)).toBe(0);
  });
});

/**
 * A TCP relay between a node and Redis that a test can cut and restore: Redis "goes away" for
 * that node only, without touching the Redis other tests use.
 */
async function startRedisRelay(target: { host: string; port: number }) {
  const links = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    const listening = createServer((inbound) => {
      const outbound = connectTcp(target.port, target.host);
      for (const socket of [inbound, outbound]) {
        links.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => links.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  await listen();
  return {
    url: () => `redis://127.0.0.1:${port}`,
    /** Refuses new connections and drops the open ones. */
    async cut() {
      const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const socket of links) socket.destroy();
      await closing;
      server = null;
    },
    restore: listen,
    close() {
      return this.cut();
    },
  };
}

describe.skipIf(testDialect !== 'postgres')('raised hands and video counts while Redis is away', () => {
  it('answers UNAVAILABLE instead of hanging or crashing, and works again once Redis is back', async () => {
    const shared = await createSharedState();
    const redisUrl = new URL(shared.redisUrl);
    const relay = await startRedisRelay({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const twirp = await startTwirpStandIn();
    // The health probe is kept out of the way, so that what answers is the video feature, not the node draining itself.
    const node = await startTestServer({ shared: { ...shared, redisUrl: relay.url() }, seed: true, env: twirp.env, deps: { ops: { healthIntervalMs: 60_000 } } });
    const open: ClientSocket[] = [];
    try {
      const booth = (await boothIdsBySlug(node.baseUrl))['peace-direct']!;
      const member = await joinedSocket(node.baseUrl, 'member@fair.test', booth);
      open.push(member.socket);

      await relay.cut();
      // The client notices the dropped link at once; the command does not wait for Redis to come back.
      let raised = await request(member.socket, 'hand:raise', { boothId: booth });
      expect(raised).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(await request(member.socket, 'hand:list', { boothId: booth })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      const body = JSON.stringify({ event: 'participant_joined', room: { name: `fair-booth-${booth}` }, participant: { identity: 'speaker-1' } });
      const hook = await fetch(`${node.baseUrl}/api/livekit/webhook`, { method: 'POST', headers: { authorization: signWebhook(body) }, body });
      expect(hook.status).toBe(503);
      expect(((await hook.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      expect(member.socket.connected).toBe(true);

      await relay.restore();
      // No manual step: the client reconnects by itself (within a couple of seconds).
      const deadline = Date.now() + 10_000;
      do {
        await sleep(200);
        raised = await request(member.socket, 'hand:raise', { boothId: booth });
      } while (!raised.ok && Date.now() < deadline);
      expect(raised).toMatchObject({ ok: true, data: { userId: member.userId } });
    } finally {
      for (const socket of open) socket.disconnect();
      await node.close();
      await relay.close();
      await twirp.close();
      await shared.drop();
    }
  });
});
