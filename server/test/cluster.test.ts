import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, testDialect, type SharedState, type TestServer } from './harness.js';
import { adapterLagSeconds } from '../ops/adapter-lag.js';
import { collect, joinedSocket, nextEvent, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * Several nodes of one fair (scaled mode): real servers sharing one PostgreSQL database and one
 * Redis prefix, members connected to different nodes. Runs in the `postgres` project (the
 * SQLite project has no second node to talk to).
 */
describe.skipIf(testDialect !== 'postgres')('two nodes, one fair', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let a: TestServer;
  let b: TestServer;
  let boothId: number;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    shared = await createSharedState();
    a = await startTestServer({ shared, seed: true, env: { NODE_ID: 'node-a' } });
    b = await startTestServer({ shared, env: { NODE_ID: 'node-b' } });
    boothId = (await boothIdsBySlug(a.baseUrl))['peace-direct']!;
  });
  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    await a?.close();
    await b?.close();
    await shared?.drop();
  });

  it('lets members on different nodes see each other arrive and chat, in order', async () => {
    const amina = await joinedSocket(a.baseUrl, 'member@fair.test', boothId);
    open.push(amina.socket);
    const arrival = nextEvent(amina.socket, 'presence:changed', (p) => p.joined.some((entry) => entry.displayName.startsWith('Luis')));
    const luis = await joinedSocket(b.baseUrl, 'member2@fair.test', boothId);
    open.push(luis.socket);
    await arrival;

    const heardByLuis = collect(luis.socket, 'chat:created');
    const sent: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ack = await request(amina.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `from node a ${i}` });
      if (!ack.ok) throw new Error(ack.error.message);
      sent.push(ack.data.seq);
    }
    const reply = nextEvent(amina.socket, 'chat:created', (m) => m.body === 'from node b');
    const back = await request(luis.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'from node b' });
    expect(back.ok).toBe(true);
    expect((await reply).seq).toBe(back.ok ? back.data.seq : -1);
    // Luis got every message from the other node, once each, in sequence order.
    await expect.poll(() => heardByLuis.filter((m) => m.body.startsWith('from node a')).map((m) => m.seq)).toEqual(sent);
    expect(back.ok && back.data.seq).toBe(sent.at(-1)! + 1);
  });

  it('times its adapter against the other node (fair_adapter_lag_seconds)', async () => {
    const lag = await adapterLagSeconds(a.app.io);
    // A round trip through the Redis stream to node B and back: more than nothing, far below the 5 s timeout.
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(1);
  });

  it('starts a node without closing the visits other nodes hold open', async () => {
    const amina = await joinedSocket(a.baseUrl, 'member@fair.test', boothId);
    open.push(amina.socket);
    const openVisits = () => a.sql<{ n: number }>('select cast(count(*) as integer) as n from booth_visits where user_id = ? and left_at is null', [amina.userId]);
    await expect.poll(async () => (await openVisits())[0]?.n).toBe(1);
    const c = await startTestServer({ shared, env: { NODE_ID: 'node-c' } });
    try {
      await sleep(200);
      expect((await openVisits())[0]?.n).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('disconnects a person banned on node A from node B within a second', async () => {
    await createUser(a.db, { email: 'banned@fair.test', displayName: 'Banned Member', role: 'member' });
    const target = await joinedSocket(b.baseUrl, 'banned@fair.test', boothId);
    open.push(target.socket);
    const moderator = await signedInSocket(a.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    const ack = await request(moderator.socket, 'moderation:ban', { userId: target.userId, reason: 'Threats against a defender' });
    expect(ack).toMatchObject({ ok: true });
    const deadline = Date.now() + 1000;
    while (target.socket.connected && Date.now() < deadline) await sleep(20);
    expect(target.socket.connected).toBe(false);
  });
});
