import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceChanged } from '../../shared/protocol.js';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, testDialect, TestClient, type SharedState, type TestServer } from './harness.js';
import { freePort, killHard, startServerProcess } from './process.js';
import { collect, connected, joinedSocket, nextEvent, openSocket, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * Presence and lobby counts with several nodes (scaled mode): real servers on one PostgreSQL
 * database and one Redis prefix, two in this process and one real child process that is
 * killed. Runs in the `postgres` project, like cluster.test.ts.
 */
const GRACE_MS = 1_500;
/** How long a silent node is given before its members go to the grace period (short, for the test). */
const NODE_TIMEOUT_MS = 1_500;
const scaledEnv = (nodeId: string) => ({ NODE_ID: nodeId, PRESENCE_NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS) });
/** Who the frames a viewer got name as arrived or left, leaving out the viewer's own arrival. */
const named = (frames: PresenceChanged[], key: 'joined' | 'left', viewerId: string) =>
  frames.flatMap((frame) => (key === 'joined' ? frame.joined.map((entry) => entry.userId) : frame.left)).filter((userId) => userId !== viewerId);

describe.skipIf(testDialect !== 'postgres')('presence across nodes', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let a: TestServer;
  let b: TestServer;
  let boothIds: Record<string, number>;
  const open: ClientSocket[] = [];
  const children: ChildProcess[] = [];
  let people = 0;

  /** A new member (their own account, so tests do not share anyone). */
  async function member(): Promise<string> {
    const email = `visitor${++people}@fair.test`;
    await createUser(a.db, { email, displayName: `Visitor ${people}`, role: 'member' });
    return email;
  }
  async function enter(server: { baseUrl: string }, email: string, slug: string) {
    const session = await joinedSocket(server.baseUrl, email, boothIds[slug]!);
    open.push(session.socket);
    return session;
  }
  /** Everyone a viewer is shown in a booth, through presence:list. */
  async function listed(socket: ClientSocket, boothId: number): Promise<{ ids: string[]; total: number }> {
    const page = await request(socket, 'presence:list', { boothId });
    if (!page.ok) throw new Error(page.error.code);
    return { ids: page.data.entries.map((entry) => entry.userId), total: page.data.total };
  }

  beforeAll(async () => {
    shared = await createSharedState();
    const deps = { presenceGraceMs: GRACE_MS, lobbyIntervalMs: 100 };
    a = await startTestServer({ shared, seed: true, env: scaledEnv('node-a'), deps });
    b = await startTestServer({ shared, env: scaledEnv('node-b'), deps });
    boothIds = await boothIdsBySlug(a.baseUrl);
  });
  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    for (const child of children) await killHard(child);
    await a?.close();
    await b?.close();
    await shared?.drop();
  });

  it('shows members on different nodes to each other, in snapshots, lists and changes', async () => {
    const boothId = boothIds['peace-direct']!;
    const amina = await enter(a, await member(), 'peace-direct');
    const arrival = nextEvent(amina.socket, 'presence:changed', (frame) => frame.joined.some((entry) => entry.userId !== amina.userId));
    const luis = await enter(b, await member(), 'peace-direct');
    // Luis (node B) is shown Amina (node A) on arrival; Amina hears of Luis through the adapter.
    expect(luis.joined.presence.map((entry) => entry.userId)).toEqual(expect.arrayContaining([amina.userId, luis.userId]));
    expect(luis.joined.presenceTotal).toBe(2);
    expect(luis.joined.booth.occupancy).toBe(2);
    expect((await arrival).joined.map((entry) => entry.userId)).toEqual([luis.userId]);
    expect((await listed(amina.socket, boothId)).ids.sort()).toEqual([amina.userId, luis.userId].sort());

    const gone = nextEvent(amina.socket, 'presence:changed', (frame) => frame.left.includes(luis.userId));
    expect(await request(luis.socket, 'booth:leave', { boothId })).toMatchObject({ ok: true });
    await gone;
    expect(await listed(amina.socket, boothId)).toEqual({ ids: [amina.userId], total: 1 });
  });

  it('tells a lobby watcher on node B when someone enters on node A, each count once', async () => {
    const boothId = boothIds['fair-share']!;
    const watcher = await signedInSocket(b.baseUrl, await member());
    open.push(watcher.socket);
    const before = (await nextEvent(watcher.socket, 'lobby:occupancy'))[boothId] ?? 0;
    const heard = collect(watcher.socket, 'lobby:occupancy');
    await enter(a, await member(), 'fair-share');
    await expect.poll(() => heard.at(-1)?.[boothId]).toBe(before + 1);

    // Two people enter at once, one on each node: both nodes flush, the lobby hears each count once.
    await Promise.all([enter(a, await member(), 'fair-share'), enter(b, await member(), 'fair-share')]);
    await expect.poll(() => heard.filter((frame) => boothId in frame).at(-1)?.[boothId]).toBe(before + 3);
    await sleep(500);
    const counts = heard.filter((frame) => boothId in frame).map((frame) => frame[boothId]);
    expect(counts.every((count, i) => i === 0 || count !== counts[i - 1])).toBe(true);
    // The lobby's REST view on either node counts every node's members too.
    for (const server of [a, b]) {
      const client = new TestClient(server.baseUrl);
      await client.login('admin@fair.test');
      const booths = (await client.get('/api/booths')).body as unknown as { id: number; occupancy: number }[];
      expect(booths.find((booth) => booth.id === boothId)?.occupancy).toBe(before + 3);
    }
  });

  it('counts a person with tabs on both nodes once, and keeps them while one tab remains', async () => {
    const boothId = boothIds['kujalink']!;
    const email = await member();
    const watcher = await enter(b, await member(), 'kujalink');
    const frames = collect(watcher.socket, 'presence:changed');
    const onA = await enter(a, email, 'kujalink');
    const onB = await enter(b, email, 'kujalink');
    expect(onB.joined.booth.occupancy).toBe(2);
    expect(await listed(watcher.socket, boothId)).toMatchObject({ total: 2 });
    expect(await request(onA.socket, 'booth:leave', { boothId })).toMatchObject({ ok: true });
    await sleep(700);
    expect(named(frames, 'joined', watcher.userId)).toEqual([onA.userId]);
    expect(named(frames, 'left', watcher.userId)).toEqual([]);
    expect((await listed(watcher.socket, boothId)).ids).toContain(onA.userId);
  });

  it('keeps someone whose connection drops on node A and who comes back on node B within the grace period: no leave', async () => {
    const boothId = boothIds['civicus-monitor']!;
    const watcher = await enter(a, await member(), 'civicus-monitor');
    const email = await member();
    const arrived = nextEvent(watcher.socket, 'presence:changed', (frame) => frame.joined.some((entry) => entry.userId !== watcher.userId));
    const first = await enter(a, email, 'civicus-monitor');
    // The arrival has been told; what follows is the drop and the return.
    expect((await arrived).joined.map((entry) => entry.userId)).toContain(first.userId);
    const frames = collect(watcher.socket, 'presence:changed');
    first.socket.disconnect();
    await sleep(200);
    await enter(b, email, 'civicus-monitor');
    await sleep(GRACE_MS + 1_000);
    expect(named(frames, 'left', watcher.userId)).not.toContain(first.userId);
    expect(named(frames, 'joined', watcher.userId)).not.toContain(first.userId);
    expect(await listed(watcher.socket, boothId)).toEqual({ ids: [first.userId, watcher.userId].sort(), total: 2 });
  });

  it('lets the members of a killed node go after the grace period, with no ghost left on the surviving nodes', async () => {
    const boothId = boothIds['vuka-coalition']!;
    const port = await freePort();
    const c = await startServerProcess({
      PORT: String(port),
      DATABASE_URL: shared.databaseUrl,
      REDIS_URL: shared.redisUrl,
      REDIS_KEY_PREFIX: shared.redisKeyPrefix,
      SEED_DEMO: 'false',
      PRESENCE_GRACE_MS: String(GRACE_MS),
      ...scaledEnv('node-c'),
    });
    children.push(c);
    const nodeC = { baseUrl: `http://127.0.0.1:${port}` };
    const watcher = await enter(a, await member(), 'vuka-coalition');
    const frames = collect(watcher.socket, 'presence:changed');
    const lobby = await signedInSocket(b.baseUrl, await member());
    open.push(lobby.socket);
    await nextEvent(lobby.socket, 'lobby:occupancy');
    const lobbyCounts = collect(lobby.socket, 'lobby:occupancy');

    // Two people on node C (one of them with a second tab on node B, which survives).
    const stranded = await enter(nodeC, await member(), 'vuka-coalition');
    const bothEmail = await member();
    const both = await enter(nodeC, bothEmail, 'vuka-coalition');
    const client = new TestClient(b.baseUrl);
    await client.login(bothEmail);
    const survivingTab = openSocket(b.baseUrl, client.cookie);
    open.push(survivingTab);
    await connected(survivingTab);
    expect(await request(survivingTab, 'booth:join', { boothId })).toMatchObject({ ok: true });
    await expect.poll(() => named(frames, 'joined', watcher.userId).sort()).toEqual([stranded.userId, both.userId].sort());
    await expect.poll(() => lobbyCounts.at(-1)?.[boothId]).toBe(3);

    await killHard(c);
    const killedAt = Date.now();
    await expect.poll(() => named(frames, 'left', watcher.userId), { timeout: 15_000 }).toEqual([stranded.userId]);
    // Not before the node was found silent and the grace period ran out.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(GRACE_MS);
    expect(await listed(watcher.socket, boothId)).toEqual({ ids: [watcher.userId, both.userId].sort(), total: 2 });
    await expect.poll(() => lobbyCounts.at(-1)?.[boothId]).toBe(2);
    await sleep(GRACE_MS);
    expect(named(frames, 'left', watcher.userId)).toEqual([stranded.userId]);
    expect((await listed(watcher.socket, boothId)).total).toBe(2);
  });
});
