import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_RATE_MAX_MESSAGES } from '../../shared/limits.js';
import { LOGIN_THROTTLE_POLICY } from '../auth/login-throttle.js';
import { commandCost } from '../realtime/command-budget.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, testDialect, TestClient, type SharedState, type TestServer } from './harness.js';
import { connected, joinedSocket, openSocket, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * The limits hold for the fair, not per node (issue 13): two real servers share one PostgreSQL
 * database and one Redis prefix, and one person reaches both. Runs in the `postgres` project,
 * like cluster.test.ts.
 */
const FREE_GUESSES = LOGIN_THROTTLE_POLICY.attemptsBeforeDelay;
/** The reconnect cool-down after a flood, shortened: it runs in real time (whole seconds in Redis). */
const COOLDOWN_MS = 2_000;
/** The account's command budget: small, over a window long enough for a slow machine. */
const ACCOUNT_POINTS = 60;
/**
 * Windows and waits lengthened so that a loaded machine cannot outlast them mid-test: the chat
 * rate window (the limit itself is the real one) and the first wait after the free guesses.
 */
const CHAT_WINDOW_MS = 60_000;
const FIRST_WAIT_MS = 10_000;

describe.skipIf(testDialect !== 'postgres')('limits shared by two nodes', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let a: TestServer;
  let b: TestServer;
  let boothIds: Record<string, number>;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    shared = await createSharedState();
    const deps = {
      commandBudget: { accountPoints: ACCOUNT_POINTS, windowSeconds: 60, reconnectCooldownMs: COOLDOWN_MS },
      chatRate: { windowMs: CHAT_WINDOW_MS },
      loginThrottle: { baseDelayMs: FIRST_WAIT_MS },
    };
    a = await startTestServer({ shared, seed: true, env: { NODE_ID: 'node-a' }, deps });
    b = await startTestServer({ shared, env: { NODE_ID: 'node-b' }, deps });
    boothIds = await boothIdsBySlug(a.baseUrl);
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await shared?.drop();
  });

  let accounts = 0;
  /** A fresh member, so each test starts with untouched limits. */
  async function freshMember(): Promise<string> {
    const email = `limits-${++accounts}@fair.test`;
    await createUser(a.db, { email, displayName: `Limits ${accounts}`, role: 'member' });
    return email;
  }

  /** The same person in the same booth on both nodes, as with two tabs behind nginx. */
  async function onBothNodes(email: string, slug: string) {
    const onA = await joinedSocket(a.baseUrl, email, boothIds[slug]!);
    const onB = await joinedSocket(b.baseUrl, email, boothIds[slug]!);
    open.push(onA.socket, onB.socket);
    return [onA.socket, onB.socket] as const;
  }

  const say = (socket: ClientSocket, boothId: number, body: string) => request(socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });

  it('holds the chat rate limit for a member who posts through both nodes', async () => {
    const boothId = boothIds['peace-direct']!;
    const [onA, onB] = await onBothNodes(await freshMember(), 'peace-direct');
    const acks = [];
    for (let i = 0; i < CHAT_RATE_MAX_MESSAGES + 2; i++) acks.push(await say(i % 2 === 0 ? onA : onB, boothId, `turn ${i}`));
    expect(acks.slice(0, CHAT_RATE_MAX_MESSAGES).every((ack) => ack.ok)).toBe(true);
    for (const ack of acks.slice(CHAT_RATE_MAX_MESSAGES)) {
      expect(ack.ok || ack.error.code).toBe('RATE_LIMITED');
      expect(ack.ok || ack.error.message).toMatch(/too fast/);
      expect(ack.ok || ack.error.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(ack.ok || ack.error.details?.retryAfterSeconds).toBeLessThanOrEqual(CHAT_WINDOW_MS / 1000);
    }
  });

  it('stores no more than the limit when both nodes take a burst at the same moment', async () => {
    const boothId = boothIds['kujalink']!;
    const email = await freshMember();
    const [onA, onB] = await onBothNodes(email, 'kujalink');
    const burst = Array.from({ length: CHAT_RATE_MAX_MESSAGES }, (_, i) => [say(onA, boothId, `a ${i}`), say(onB, boothId, `b ${i}`)]).flat();
    const acks = await Promise.all(burst);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(CHAT_RATE_MAX_MESSAGES);
    for (const ack of acks.filter((ack) => !ack.ok)) expect(ack.ok || ack.error.code).toBe('RATE_LIMITED');
    const [stored] = await a.sql<{ n: number }>('select cast(count(*) as integer) as n from messages m join users u on u.id = m.user_id where u.email = ?', [email]);
    expect(stored?.n).toBe(CHAT_RATE_MAX_MESSAGES);
  });

  it('holds slow mode across nodes, at the booth’s setting of the moment', async () => {
    const boothId = boothIds['youth-action-team']!;
    const moderator = await signedInSocket(a.baseUrl, 'moderator@fair.test');
    open.push(moderator.socket);
    const slowMode = (seconds: number) => request(moderator.socket, 'booth:update', { boothId, slowModeSeconds: seconds });
    expect((await slowMode(30)).ok).toBe(true);
    try {
      const [onA, onB] = await onBothNodes(await freshMember(), 'youth-action-team');
      expect((await say(onA, boothId, 'first, on node A')).ok).toBe(true);
      const second = await say(onB, boothId, 'second, on node B');
      expect(second.ok || second.error.code).toBe('RATE_LIMITED');
      expect(second.ok || second.error.message).toMatch(/Slow mode/);
      expect(second.ok || second.error.details?.retryAfterSeconds).toBeGreaterThan(25);

      // Two tabs on two nodes posting at the same moment: one message, not two.
      const [racerA, racerB] = await onBothNodes(await freshMember(), 'youth-action-team');
      const race = await Promise.all([say(racerA, boothId, 'race on A'), say(racerB, boothId, 'race on B')]);
      expect(race.filter((ack) => ack.ok)).toHaveLength(1);
      expect(race.map((ack) => ack.ok || ack.error.code).sort()).toEqual(['RATE_LIMITED', true]);

      // Lowered (on node A), the setting applies to the post already made, on node B too.
      expect((await slowMode(2)).ok).toBe(true);
      await sleep(2_000);
      expect((await say(onB, boothId, 'third, on node B, later')).ok).toBe(true);
      const tooSoon = await say(onA, boothId, 'fourth, on node A, too soon');
      expect(tooSoon.ok || tooSoon.error.code).toBe('RATE_LIMITED');
    } finally {
      expect((await slowMode(0)).ok).toBe(true);
    }
  });

  it('counts sign-in guesses on both nodes together', async () => {
    const onA = new TestClient(a.baseUrl);
    const onB = new TestClient(b.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < FREE_GUESSES; i++) statuses.push((await (i % 2 === 0 ? onA : onB).post('/api/auth/login', { email: 'host@fair.test', password: `wrong-${i}` })).status);
    expect(statuses).toEqual(Array<number>(FREE_GUESSES).fill(401));
    // The next guess waits, on either node, even with the right password.
    for (const client of [onA, onB]) {
      const refused = await client.post('/api/auth/login', { email: 'host@fair.test', password: DEMO_PASSWORD });
      expect(refused.status).toBe(429);
      expect(refused.body.error?.code).toBe('RATE_LIMITED');
      expect(refused.body.error?.details?.retryAfterSeconds).toBeGreaterThan(FIRST_WAIT_MS / 1000 / 2);
    }
  });

  it('lets no more than the free guesses through when they reach both nodes at once', async () => {
    const guesses = Array.from({ length: 20 }, (_, i) => new TestClient(i % 2 === 0 ? a.baseUrl : b.baseUrl).post('/api/auth/login', { email: 'not-a-member@fair.test', password: `guess-${i}` }));
    const statuses = (await Promise.all(guesses)).map((res) => res.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(FREE_GUESSES);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20 - FREE_GUESSES);
  });

  it('shares one command budget between an account’s sockets on both nodes', async () => {
    const boothId = boothIds['fair-share']!;
    const [onA, onB] = await onBothNodes(await freshMember(), 'fair-share');
    const page = { boothId, limit: 10 };
    // Both joins came out of the account's budget; what is left buys this many pages, fair-wide.
    const pagesLeft = Math.floor((ACCOUNT_POINTS - 2 * commandCost('booth:join', { boothId })) / commandCost('chat:history', page));
    const acks = [];
    for (let i = 0; i < pagesLeft + 4; i++) acks.push(await request(i % 2 === 0 ? onA : onB, 'chat:history', page));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(pagesLeft);
    expect(acks.slice(pagesLeft).map((ack) => ack.ok || ack.error.code)).toEqual(Array<string>(4).fill('RATE_LIMITED'));
  });

  it('refuses on node B the reconnect of an account cut off for flooding node A, until the cool-down ends', async () => {
    const { socket, client } = await signedInSocket(a.baseUrl, await freshMember());
    open.push(socket);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 200; i++) socket.emit('chat:history', { boothId: boothIds['peace-direct']!, limit: 100 }, () => undefined);
    expect(await gone).toBe('io server disconnect');

    const elsewhere = openSocket(b.baseUrl, client.cookie);
    open.push(elsewhere);
    await expect(connected(elsewhere)).rejects.toThrow('RATE_LIMITED');
    await sleep(COOLDOWN_MS);
    const later = openSocket(b.baseUrl, client.cookie);
    open.push(later);
    await connected(later);
  });
});
