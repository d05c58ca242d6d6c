import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySendRefusal } from '../../client/src/lib/send-retry.js';
import { classifyHandshakeRefusal } from '../../client/src/features/connection/handshake-refusal.js';
import type { Result } from '../../shared/errors.js';
import { CHAT_HISTORY_MAX_PAGE } from '../../shared/limits.js';
import { PROTOCOL_VERSION, type ChatMessage, type CommandData, type CommandInput, type CommandName } from '../../shared/protocol.js';
import { SESSION_COOKIE } from '../auth/cookies.js';
import { openStore, type Store } from '../db/store.js';
import { installed, prepareScaledDatabase, startNginx, startNode, startRedisServer, waitForHttp, type NodeProcess, type RunningNginx } from '../scripts/local-cluster.js';
import { boothIdsBySlug, createSharedState, createUser, rawSql, testDialect, TestClient, type SharedState } from './harness.js';
import { freePort, killHard } from './process.js';
import { watchServerEvents } from './protocol-check.js';
import { sleep, type ClientSocket } from './sockets.js';

const hasNginx = installed('nginx');
const hasRedisServer = installed('redis-server');
if (testDialect === 'postgres' && (!hasNginx || !hasRedisServer)) {
  const missing = !hasNginx ? 'nginx' : 'redis-server';
  if (process.env.REQUIRE_CLUSTER === '1') throw new Error(`REQUIRE_CLUSTER=1 but no ${missing} on PATH: install Debian's ${missing === 'nginx' ? 'nginx' : 'redis-server'} package.`);
  console.warn(`Skipping the failover tests: no ${missing} on PATH (install Debian's ${missing === 'nginx' ? 'nginx' : 'redis-server'} package).`);
}
const describeCluster = testDialect === 'postgres' && hasNginx && hasRedisServer ? describe : describe.skip;

/** Node processes of one fair behind a real nginx, on one PostgreSQL database and one Redis prefix. */
interface ScaledFair {
  baseUrl: string;
  nodes: NodeProcess[];
  nginx: RunningNginx;
  store: Store;
  boothId: number;
  close(): Promise<void>;
}

const GRACE_MS = 2_000;
const NODE_TIMEOUT_MS = 2_000;

async function startScaledFair(count: number, shared: SharedState, redisUrl = shared.redisUrl): Promise<ScaledFair> {
  await prepareScaledDatabase(shared.databaseUrl, { seed: true });
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const settings = { databaseUrl: shared.databaseUrl, redisUrl, redisKeyPrefix: shared.redisKeyPrefix };
  // Short presence timings, so the test sees a dead node's members go within seconds.
  const env = { PRESENCE_GRACE_MS: String(GRACE_MS), PRESENCE_NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS) };
  const nodes = await Promise.all(ports.map((port, i) => startNode(settings, { id: `node-${i + 1}`, port, env })));
  const dir = mkdtempSync(join(tmpdir(), 'fair-failover-'));
  const listen = await freePort();
  const nginx = await startNginx({ nodes: ports, listen: `127.0.0.1:${listen}`, port: listen, runtimeDir: dir, sessionCookie: SESSION_COOKIE });
  const baseUrl = `http://127.0.0.1:${listen}`;
  await waitForHttp(`${baseUrl}/healthz`, nginx.process, { wanted: 200 });
  const store = await openStore({ databaseUrl: shared.databaseUrl, databasePath: '' });
  const boothId = (await boothIdsBySlug(baseUrl))['peace-direct']!;
  return {
    baseUrl,
    nodes,
    nginx,
    store,
    boothId,
    async close() {
      await nginx.stop();
      await Promise.all(nodes.map((node) => killHard(node.process)));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type OutboxItem = { clientMsgId: string; body: string };

/**
 * A member's browser tab as the real client behaves (client/src/features/booth/booth-actions.ts,
 * client/src/app/realtime.ts): one socket through nginx that reconnects on its own; on every
 * connect it joins the booth with the last sequence number it holds and then sends its outbox;
 * a message typed goes into the outbox and is sent at once if joined; an ack that does not come
 * leaves it in the outbox for the next (re)join, or a retry a little later if still connected;
 * refusals are classified by the client's own classifySendRefusal. A resend carries the same
 * clientMsgId.
 */
class OutboxMember {
  readonly socket: ClientSocket;
  outbox: OutboxItem[] = [];
  /** clientMsgId → seq, from `ok` acks. */
  readonly acked = new Map<string, number>();
  /** Messages whose first send got no answer (the node died with it in flight), or that waited for a reconnect. */
  readonly resent = new Set<string>();
  readonly finalRefusals: string[] = [];
  /** Bodies of the booth's messages this tab received (its own too: they go to all of its tabs). */
  readonly heardBodies: string[] = [];
  connects = 0;
  private refusedAttempts = 0;
  private joined = false;
  /** Resolves once the tab is first in its booth. */
  readonly joinedOnce: Promise<void>;
  private markJoined!: () => void;
  private lastSeq: number | undefined;
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(
    baseUrl: string,
    cookie: string,
    readonly boothId: number,
    readonly label: string,
    transports: ('websocket' | 'polling')[] = ['websocket'],
  ) {
    this.socket = connect(baseUrl, {
      transports,
      extraHeaders: { cookie, origin: baseUrl },
      auth: { protocol: PROTOCOL_VERSION },
      // The real client waits 1 s (up to 10 s) between tries; shorter here, same behaviour.
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
      forceNew: true,
    });
    watchServerEvents(this.socket);
    this.socket.on('connect', () => {
      this.connects++;
      this.refusedAttempts = 0;
      void this.join();
    });
    // A handshake the server refused (busy, storage busy): Socket.IO does not retry those; the
    // real client does, after the wait the server asked for, with jitter (app/realtime.ts).
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const refusal = classifyHandshakeRefusal(error, this.refusedAttempts);
      if (refusal.kind !== 'retry') return;
      this.refusedAttempts++;
      setTimeout(() => this.socket.connect(), refusal.delayMs);
    });
    this.socket.on('disconnect', () => (this.joined = false));
    this.socket.on('chat:created', (message) => {
      if (message.boothId === this.boothId) this.heardBodies.push(message.body);
      this.heard(message);
    });
    this.joinedOnce = new Promise((resolve) => (this.markJoined = resolve));
  }

  private heard(message: ChatMessage): void {
    if (message.boothId !== this.boothId) return;
    this.lastSeq = Math.max(this.lastSeq ?? 0, message.seq);
  }

  private async command<N extends CommandName>(name: N, payload: CommandInput<N>): Promise<Result<CommandData<N>> | null> {
    if (!this.socket.connected) return null;
    try {
      const emitter = this.socket.timeout(10_000) as unknown as { emitWithAck(event: N, payload: unknown): Promise<Result<CommandData<N>>> };
      return await emitter.emitWithAck(name, payload);
    } catch {
      return null;
    }
  }

  private async join(): Promise<void> {
    const ack = await this.command('booth:join', { boothId: this.boothId, sinceSeq: this.lastSeq });
    if (ack === null) return; // the next connect tries again
    if (!ack.ok) {
      if (ack.error.code === 'UNAVAILABLE' || ack.error.code === 'RATE_LIMITED') setTimeout(() => void this.join(), 500);
      return;
    }
    this.lastSeq = Math.max(this.lastSeq ?? 0, ...ack.data.messages.map((m) => m.seq));
    this.joined = true;
    this.markJoined();
    for (const item of this.outbox) void this.deliver(item);
  }

  /** Typed by the member: into the outbox, and out at once if the tab is in the booth. */
  send(clientMsgId: string, body: string): void {
    const item = { clientMsgId, body };
    this.outbox.push(item);
    if (!this.joined) this.resent.add(clientMsgId);
    void this.deliver(item);
  }

  private async deliver(item: OutboxItem): Promise<void> {
    if (!this.outbox.includes(item) || this.inFlight.has(item.clientMsgId) || !this.joined) return;
    this.inFlight.add(item.clientMsgId);
    const attempt = (this.attempts.get(item.clientMsgId) ?? 0) + 1;
    this.attempts.set(item.clientMsgId, attempt);
    if (attempt > 1) this.resent.add(item.clientMsgId);
    const ack = await this.command('chat:send', { boothId: this.boothId, clientMsgId: item.clientMsgId, body: item.body });
    this.inFlight.delete(item.clientMsgId);
    if (ack === null) {
      if (this.socket.connected) setTimeout(() => void this.deliver(item), 3_000);
      return;
    }
    if (ack.ok) {
      this.outbox = this.outbox.filter((queued) => queued !== item);
      this.acked.set(item.clientMsgId, ack.data.seq);
      this.heard(ack.data);
      return;
    }
    const failures = this.failures.get(item.clientMsgId) ?? 0;
    const refusal = classifySendRefusal(ack.error, failures);
    if (refusal.kind === 'retry') {
      this.failures.set(item.clientMsgId, failures + 1);
      setTimeout(() => void this.deliver(item), refusal.delayMs);
    } else if (refusal.kind === 'final') {
      this.outbox = this.outbox.filter((queued) => queued !== item);
      this.finalRefusals.push(`${item.clientMsgId}: ${ack.error.code}`);
    }
    // 'rejoin': sent again after the next join.
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * Signs in new members through nginx, each with its own session (its own place on nginx's hash
 * ring), and says which node each landed on: `count` of them, and more while they cover fewer
 * than `nodesAtLeast` nodes (where they land is the hash's choice: checked, not assumed).
 */
async function signInMembers(fair: ScaledFair, count: number, tag: string, nodesAtLeast = 1): Promise<{ cookie: string; node: string; email: string; displayName: string }[]> {
  const members: { cookie: string; node: string; email: string; displayName: string }[] = [];
  for (let i = 0; members.length < count || new Set(members.map((m) => m.node)).size < nodesAtLeast; i++) {
    if (i === count + 20) throw new Error(`${i} sessions all landed on ${[...new Set(members.map((m) => m.node))].join(', ')}`);
    const email = `${tag}-${i}@fair.test`;
    const displayName = `Member ${tag} ${i}`;
    await createUser(fair.store.db, { email, displayName, role: 'member' });
    const client = new TestClient(fair.baseUrl, { origin: fair.baseUrl });
    await client.login(email);
    const health = (await (await fetch(`${fair.baseUrl}/healthz`, { headers: { cookie: client.cookie! } })).json()) as { node: string };
    members.push({ cookie: client.cookie!, node: health.node, email, displayName });
  }
  return members;
}

/** The whole booth history, paged forward from the start, as any member would read it. */
async function wholeHistory(fair: ScaledFair, cookie: string): Promise<ChatMessage[]> {
  const reader = new OutboxMember(fair.baseUrl, cookie, fair.boothId, 'reader');
  try {
    await expect.poll(() => reader.socket.connected, { timeout: 20_000 }).toBe(true);
    const messages: ChatMessage[] = [];
    for (let afterSeq = 0; ; ) {
      const page = await (reader.socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<{ messages: ChatMessage[] }>> }).emitWithAck(
        'chat:history',
        { boothId: fair.boothId, afterSeq, limit: CHAT_HISTORY_MAX_PAGE },
      );
      if (!page.ok) throw new Error(page.error.message);
      if (page.data.messages.length === 0) return messages;
      messages.push(...page.data.messages);
      afterSeq = page.data.messages.at(-1)!.seq;
    }
  } finally {
    reader.close();
  }
}

/**
 * Every message these members (everyone who chatted in the booth) sent is stored once, with the
 * seq its ack said, and is in the booth's history once; nothing else is stored; the booth's
 * numbers run 1…n with no gap and no repeat.
 */
async function expectEachStoredOnce(fair: ScaledFair, members: OutboxMember[], readerCookie: string): Promise<void> {
  const rows = await rawSql<{ client_msg_id: string; seq: number }>(fair.store.db, 'SELECT client_msg_id, seq FROM messages WHERE booth_id = ?', [fair.boothId]);
  const stored = new Map<string, number[]>();
  for (const row of rows) stored.set(row.client_msg_id, [...(stored.get(row.client_msg_id) ?? []), row.seq]);
  for (const member of members) for (const [clientMsgId, seq] of member.acked) expect(stored.get(clientMsgId), `${member.label} ${clientMsgId}`).toEqual([seq]);
  expect(rows).toHaveLength(members.reduce((n, member) => n + member.acked.size, 0));

  const history = await wholeHistory(fair, readerCookie);
  expect(history.map((m) => m.seq)).toEqual(rows.map((_, i) => i + 1));
  const inHistory = new Map<string, number>();
  for (const message of history) inHistory.set(message.clientMsgId, (inHistory.get(message.clientMsgId) ?? 0) + 1);
  for (const member of members) for (const clientMsgId of member.acked.keys()) expect(inHistory.get(clientMsgId), `${member.label} ${clientMsgId}`).toBe(1);
}

describeCluster('failover: three nodes behind nginx', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let fair: ScaledFair;
  const members: OutboxMember[] = [];

  beforeAll(async () => {
    shared = await createSharedState();
    fair = await startScaledFair(3, shared);
  });
  afterAll(async () => {
    for (const member of members) member.close();
    await fair?.close();
    await shared?.drop();
  });

  it('carries long polling for members on every node, and their chat reaches each other', async () => {
    const signedIn = await signInMembers(fair, 6, 'polling', 2);
    // Tabs on a network that breaks WebSockets: long polling only, a run of separate requests.
    const pollers = signedIn.map(({ cookie, email }) => new OutboxMember(fair.baseUrl, cookie, fair.boothId, email, ['polling']));
    members.push(...pollers);
    try {
      await Promise.all(pollers.map((poller) => poller.joinedOnce));
      for (const poller of pollers) expect(poller.socket.io.engine.transport.name).toBe('polling');
      for (const poller of pollers) poller.send(crypto.randomUUID(), `polling ${poller.label}`);
      // Every member hears everyone (their own message too), whichever node either is on.
      const everything = pollers.map((poller) => `polling ${poller.label}`).sort();
      for (const poller of pollers) await expect.poll(() => poller.heardBodies.filter((body) => body.startsWith('polling ')).sort(), { timeout: 20_000 }).toEqual(everything);
      expect(pollers.every((poller) => poller.socket.connected && poller.connects === 1 && poller.acked.size === 1)).toBe(true);
    } finally {
      for (const poller of pollers) poller.close();
    }
  }, 60_000);

  it('loses nothing when a node is SIGKILLed in the middle of a chat burst: its members reconnect through nginx and resend their outbox', async () => {
    const signedIn = await signInMembers(fair, 12, 'burst', 2);
    const count = (node: string) => signedIn.filter((member) => member.node === node).length;
    const victim = fair.nodes.reduce((most, node) => (count(node.id) > count(most.id) ? node : most));
    expect(count(victim.id)).toBeGreaterThan(0);
    expect(count(victim.id)).toBeLessThan(signedIn.length);
    const burst = signedIn.map(({ cookie, email }) => new OutboxMember(fair.baseUrl, cookie, fair.boothId, email));
    members.push(...burst);
    const onVictim = burst.filter((_, i) => signedIn[i]!.node === victim.id);
    await Promise.all(burst.map((member) => member.joinedOnce));
    // One more member on that node closes their laptop as it dies: no reconnection. They must
    // leave the booth's presence once the node is found dead and the grace period ends.
    let leaverSignIn: { cookie: string; node: string; email: string; displayName: string } | undefined;
    for (let k = 0; !leaverSignIn; k++) {
      if (k === 20) throw new Error(`no session landed on ${victim.id}`);
      const [candidate] = await signInMembers(fair, 1, `leaver${k}`);
      if (candidate!.node === victim.id) leaverSignIn = candidate;
    }
    const leaver = new OutboxMember(fair.baseUrl, leaverSignIn.cookie, fair.boothId, leaverSignIn.email);
    await leaver.joinedOnce;
    const presentNames = async () => {
      const page = await (burst[0]!.socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<{ entries: { displayName: string }[] }>> }).emitWithAck(
        'presence:list',
        { boothId: fair.boothId },
      );
      if (!page.ok) throw new Error(page.error.message);
      return page.data.entries.map((entry) => entry.displayName).sort();
    };
    const everyone = signedIn.map((member) => member.displayName).sort();
    await expect.poll(presentNames, { timeout: 20_000 }).toEqual([...everyone, leaverSignIn.displayName].sort());

    // Each member types 6 messages, one every 600 ms, and one more just as the node most of them
    // are on is killed, 1.5 s in: messages in flight, and more typed while its members are away
    // (7 in all, under the chat rate limit of 8 per 10 s).
    const PER_MEMBER = 7;
    const typing = (async () => {
      for (let round = 0; round < PER_MEMBER - 1; round++) {
        for (const member of burst) member.send(crypto.randomUUID(), `${member.label} message ${round}`);
        await sleep(600);
      }
    })();
    await sleep(1_500);
    for (const member of burst) member.send(crypto.randomUUID(), `${member.label} as the node dies`);
    leaver.socket.io.reconnection(false);
    await killHard(victim.process);
    await typing;

    await expect.poll(() => burst.map((member) => member.outbox.length).reduce((a, b) => a + b), { timeout: 45_000, interval: 200 }).toBe(0);
    expect(burst.flatMap((member) => member.finalRefusals)).toEqual([]);
    // The killed node's members came back (on another node: theirs is gone) and resent what
    // had no ack or was typed while they were away.
    for (const member of onVictim) {
      expect(member.connects, member.label).toBeGreaterThan(1);
      expect(member.resent.size, member.label).toBeGreaterThan(0);
    }
    expect(burst.reduce((n, member) => n + member.acked.size, 0)).toBe(burst.length * PER_MEMBER);
    await expectEachStoredOnce(fair, members, signedIn[0]!.cookie);
    // The other nodes stayed up throughout.
    expect(fair.nodes.filter((node) => node !== victim && node.process.exitCode !== null)).toEqual([]);
    // Presence settles: every member once (those who came back from the dead node too), and the
    // one who did not come back is gone after the node timeout and the grace period, no ghost.
    await expect.poll(presentNames, { timeout: 20_000, interval: 250 }).toEqual(everyone);
    leaver.close();
  }, 90_000);
});

describeCluster('failover: Redis restarted mid-run', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let redisPort: number;
  let fair: ScaledFair;
  const members: OutboxMember[] = [];

  beforeAll(async () => {
    shared = await createSharedState();
    // A Redis of this test's own, so restarting it leaves the one other tests share alone.
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    fair = await startScaledFair(2, shared, redis.url);
  });
  afterAll(async () => {
    for (const member of members) member.close();
    await fair?.close();
    await redis?.stop();
    await shared?.drop();
  });

  const nodeHealth = async (port: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: response.status, redis: ((await response.json()) as { checks: Record<string, { ok: boolean }> }).checks.redis?.ok };
  };

  it('recovers on its own once Redis is back, chat works across nodes again, and nothing acked is lost', async () => {
    const signedIn = await signInMembers(fair, 6, 'redis', 2);
    const nodes = [...new Set(signedIn.map((member) => member.node))];
    for (const { cookie, email } of signedIn) members.push(new OutboxMember(fair.baseUrl, cookie, fair.boothId, email));
    await expect.poll(() => members.every((member) => member.connects === 1), { timeout: 20_000 }).toBe(true);
    const first = members[signedIn.findIndex((member) => member.node === nodes[0])]!;
    const second = members[signedIn.findIndex((member) => member.node === nodes[1])]!;
    const heardBySecond: string[] = [];
    second.socket.on('chat:created', (message) => heardBySecond.push(message.body));

    for (const member of members) member.send(crypto.randomUUID(), `${member.label} before`);
    await expect.poll(() => heardBySecond).toContain(`${first.label} before`);

    await killHard(redis.process);
    for (const node of fair.nodes) await expect.poll(() => nodeHealth(node.port), { timeout: 15_000 }).toEqual({ status: 503, redis: false });
    for (const member of members) member.send(crypto.randomUUID(), `${member.label} during`);
    await sleep(2_000);

    redis = await startRedisServer(redisPort);
    for (const node of fair.nodes) await expect.poll(() => nodeHealth(node.port), { timeout: 20_000 }).toEqual({ status: 200, redis: true });
    // Neither node went down with Redis.
    expect(fair.nodes.filter((node) => node.process.exitCode !== null || node.process.signalCode !== null)).toEqual([]);

    // Chat crosses nodes again, through the adapter on the new Redis.
    await expect.poll(() => members.every((member) => member.outbox.length === 0), { timeout: 30_000 }).toBe(true);
    first.send(crypto.randomUUID(), `${first.label} after`);
    await expect.poll(() => heardBySecond, { timeout: 15_000 }).toContain(`${first.label} after`);
    // A newcomer gets in through nginx (which may have set the nodes aside while they answered 503).
    const [newcomer] = await signInMembers(fair, 1, 'after-redis');
    const late = new OutboxMember(fair.baseUrl, newcomer!.cookie, fair.boothId, newcomer!.email);
    members.push(late);
    await expect.poll(() => late.connects, { timeout: 20_000 }).toBe(1);
    late.send(crypto.randomUUID(), 'newcomer after the restart');
    await expect.poll(() => late.acked.size, { timeout: 20_000 }).toBe(1);

    expect(members.flatMap((member) => member.finalRefusals)).toEqual([]);
    await expectEachStoredOnce(fair, members, signedIn[0]!.cookie);
  }, 120_000);
});
