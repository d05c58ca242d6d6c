import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuthUser } from '../auth/service.js';
import { isStorageError } from '../db/storage-errors.js';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisClient } from '../realtime/redis.js';
import { describeRedisTests, dropRedisKeys, startRedisRelay, TEST_REDIS_URL, testRedisPrefix } from '../test/redis-test.js';
import type { PresenceChange, PresenceStore } from './presence-store.js';
import { createRedisPresenceStore } from './redis-presence-store.js';

/**
 * The scaled mode's presence against a real Redis, each test under its own key prefix. Two
 * stores on one prefix are two nodes of one fair; a node "dies" when its Redis connection is
 * destroyed without a goodbye (its timers keep failing, as a frozen process's would not run).
 */
const describeRedis = await describeRedisTests();

const GRACE_MS = 300;
const BOOTH = 7;
const silent = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const person = (id: string, role: AuthUser['role'] = 'member'): AuthUser => ({ id, email: `${id}@fair.test`, displayName: `Name ${id}`, role, hostedBoothIds: [] });

interface Node {
  store: PresenceStore;
  redis: RedisClient;
  changes: { boothId: number; change: PresenceChange }[];
  /** Departures this node announced, as "userId" or "userId (expired)". */
  departures(): string[];
  arrivals(): string[];
}

describeRedis('Redis presence store', () => {
  let prefix: string;
  let nodes: Node[] = [];

  beforeEach(() => {
    prefix = testRedisPrefix();
  });
  afterEach(async () => {
    for (const node of nodes) {
      await node.store.close();
      if (node.redis.isOpen) node.redis.destroy();
    }
    nodes = [];
    await dropRedisKeys(prefix);
  });

  async function startNode(nodeId: string, options: { nodeTimeoutMs?: number; url?: string; graceMs?: number } = {}): Promise<Node> {
    const redis = await connectRedis(options.url ?? TEST_REDIS_URL, silent);
    const changes: Node['changes'] = [];
    const store = createRedisPresenceStore({
      redis,
      keyPrefix: prefix,
      nodeId,
      graceMs: options.graceMs ?? GRACE_MS,
      nodeTimeoutMs: options.nodeTimeoutMs ?? 10_000,
      sweepMs: 50,
      onChanged: (boothId, change) => changes.push({ boothId, change }),
      logger: silent,
    });
    const node: Node = {
      store,
      redis,
      changes,
      departures: () => changes.flatMap(({ change }) => (change.kind === 'left' ? [`${change.entry.userId}${change.expired ? ' (expired)' : ''}`] : [])),
      arrivals: () => changes.flatMap(({ change }) => (change.kind === 'joined' && change.outcome.arrived ? [change.outcome.entry.userId] : [])),
    };
    nodes.push(node);
    return node;
  }

  it('counts a person once however many tabs on however many nodes, and lets them go when the last one leaves', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const amina = person('amina');
    const first = await a.store.join(BOOTH, amina, 'a-tab-1', false);
    const second = await b.store.join(BOOTH, amina, 'b-tab-1', false);
    expect(first).toMatchObject({ arrived: true, counts: { count: 1, publicCount: 1 } });
    expect(second).toMatchObject({ arrived: false, visibilityChanged: false, counts: { count: 1, publicCount: 1 } });
    await b.store.join(BOOTH, person('luis'), 'b-tab-2', false);
    expect(await a.store.count(BOOTH)).toBe(2);
    expect(await b.store.boothsOf('amina')).toEqual([BOOTH]);
    expect((await a.store.list(BOOTH)).map((entry) => entry.userId).sort()).toEqual(['amina', 'luis']);
    expect(a.arrivals()).toEqual(['amina']);
    expect(b.arrivals()).toEqual(['luis']);

    // One tab leaving is not the person leaving; the last one is, at once.
    expect(await a.store.leave(BOOTH, 'amina', 'a-tab-1')).toBeNull();
    expect(await a.store.has(BOOTH, 'amina')).toBe(true);
    expect(await b.store.leave(BOOTH, 'amina', 'b-tab-1')).toMatchObject({ userId: 'amina' });
    expect(await a.store.has(BOOTH, 'amina')).toBe(false);
    expect(await a.store.boothsOf('amina')).toEqual([]);
    expect(b.departures()).toEqual(['amina']);
    expect(a.departures()).toEqual([]);
  });

  it('keeps a dropped person for the grace period, then one node announces them gone, once', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await a.store.join(BOOTH, person('amina'), 'a-tab', false);
    await a.store.drop(BOOTH, 'amina', 'a-tab');
    await sleep(GRACE_MS / 2);
    expect(await b.store.has(BOOTH, 'amina')).toBe(true);
    await expect.poll(() => b.store.has(BOOTH, 'amina')).toBe(false);
    await sleep(200); // every node has swept again meanwhile
    expect([...a.departures(), ...b.departures()]).toEqual(['amina (expired)']);
  });

  it('keeps someone who drops on one node and comes back on another within the grace period, with no departure', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await a.store.join(BOOTH, person('amina'), 'a-tab', false);
    await a.store.drop(BOOTH, 'amina', 'a-tab');
    await sleep(GRACE_MS / 3);
    const back = await b.store.join(BOOTH, person('amina'), 'b-tab', false);
    expect(back).toMatchObject({ arrived: false });
    await sleep(GRACE_MS * 2);
    expect(await a.store.has(BOOTH, 'amina')).toBe(true);
    expect([...a.departures(), ...b.departures()]).toEqual([]);
    expect(b.arrivals()).toEqual([]);
  });

  it('keeps a visit private once private, whichever node a second device joins on, until the visit ends', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await a.store.join(BOOTH, person('luis'), 'luis-tab', false);
    expect(await a.store.join(BOOTH, person('hidden'), 'phone', true)).toMatchObject({ arrived: true, entry: { private: true } });
    // A second device that does not ask for privacy does not reveal them.
    expect(await b.store.join(BOOTH, person('hidden'), 'laptop', false)).toMatchObject({ arrived: false, visibilityChanged: false, entry: { private: true } });
    expect(await b.store.isPrivate(BOOTH, 'hidden')).toBe(true);
    expect(await b.store.publicCount(BOOTH)).toBe(1);
    expect(await b.store.count(BOOTH)).toBe(2);

    // A public visit turned private by another device is announced as such.
    await b.store.join(BOOTH, person('maria'), 'maria-1', false);
    expect(await a.store.join(BOOTH, person('maria'), 'maria-2', true)).toMatchObject({ visibilityChanged: true, counts: { count: 3, publicCount: 1 } });

    // The visit ends (every connection gone, past the grace period): the next one starts public.
    await a.store.drop(BOOTH, 'hidden', 'phone');
    await b.store.drop(BOOTH, 'hidden', 'laptop');
    await expect.poll(() => a.store.has(BOOTH, 'hidden')).toBe(false);
    expect(await b.store.join(BOOTH, person('hidden'), 'laptop-again', false)).toMatchObject({ arrived: true, entry: { private: false } });
  });

  it('shows a newcomer every staff member, themself and at most N others, private visitors only to staff', async () => {
    const a = await startNode('node-a');
    await a.store.join(BOOTH, person('host', 'host'), 'h', false);
    await a.store.join(BOOTH, person('hidden'), 'p', true);
    for (let i = 0; i < 8; i++) await a.store.join(BOOTH, person(`m${i}`), `s${i}`, false);
    await a.store.join(BOOTH, person('viewer'), 'v', false);

    const memberView = await a.store.snapshot(BOOTH, 'viewer', false, 3);
    const ids = memberView.map((entry) => entry.userId);
    expect(ids.slice(0, 2)).toEqual(['host', 'viewer']);
    expect(ids).toHaveLength(2 + 3);
    expect(ids).not.toContain('hidden');
    expect(new Set(ids).size).toBe(ids.length);

    const staffView = await a.store.snapshot(BOOTH, 'host', true, 20);
    expect(staffView.map((entry) => entry.userId).sort()).toEqual(['hidden', 'host', 'm0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'viewer']);
    expect(staffView.find((entry) => entry.userId === 'hidden')).toMatchObject({ private: true, displayName: 'Name hidden', role: 'member' });
    // The private visitor sees themself.
    expect((await a.store.snapshot(BOOTH, 'hidden', false, 0)).map((entry) => entry.userId)).toEqual(['host', 'hidden']);
  });

  it('pages through everyone a viewer may see in userId order, and says when there is more', async () => {
    const a = await startNode('node-a');
    const ids = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    // Joined out of order, on purpose.
    for (const id of [...ids].reverse()) await a.store.join(BOOTH, person(id), `s-${id}`, id === 'u005' || id === 'u249');
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { entries, more } = await a.store.page(BOOTH, 'u100', false, after, 100);
      seen.push(...entries.map((entry) => entry.userId));
      if (!more) break;
      after = entries.at(-1)!.userId;
    }
    expect(seen).toEqual(ids.filter((id) => id !== 'u005' && id !== 'u249'));
    // The last page of a member ends before the private visitor at the very end: no empty page.
    const last = await a.store.page(BOOTH, 'u100', false, 'u199', 49);
    expect(last.more).toBe(false);
    const staffPage = await a.store.page(BOOTH, 'u100', true, 'u200', 100);
    expect(staffPage.entries.map((entry) => entry.userId)).toEqual(ids.slice(201));
    expect(staffPage.more).toBe(false);
  });

  it('refuses a newcomer at capacity in one step with the join, and still takes another tab of someone inside', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await a.store.join(BOOTH, person('first'), 'f', false, 2);
    // Two nodes race for the last place: one gets it.
    const results = await Promise.all([a.store.join(BOOTH, person('x'), 'x', false, 2), b.store.join(BOOTH, person('y'), 'y', false, 2)]);
    expect(results.filter((result) => result === 'full')).toHaveLength(1);
    expect(await a.store.count(BOOTH)).toBe(2);
    expect(await b.store.join(BOOTH, person('first'), 'f-2', false, 2)).toMatchObject({ arrived: false });
  });

  it('hands the members of a node that stops answering to the grace period, and then lets them go: no ghosts', async () => {
    const survivor = await startNode('node-b', { nodeTimeoutMs: 1_000 });
    const doomed = await startNode('node-a', { nodeTimeoutMs: 1_000 });
    await doomed.store.join(BOOTH, person('amina'), 'a-1', false);
    await doomed.store.join(BOOTH + 1, person('amina'), 'a-1', false);
    await survivor.store.join(BOOTH, person('luis'), 'b-1', false);
    // Killed: no goodbye, no more heartbeats.
    doomed.redis.destroy();
    await sleep(500);
    expect(await survivor.store.has(BOOTH, 'amina')).toBe(true);
    await expect.poll(() => survivor.store.boothsOf('amina'), { timeout: 8_000 }).toEqual([]);
    expect(survivor.departures().sort()).toEqual(['amina (expired)', 'amina (expired)']);
    expect(await survivor.store.list(BOOTH)).toEqual([expect.objectContaining({ userId: 'luis' })]);
  });

  it('lets a node restarted under the same NODE_ID hand its old process’s members to the grace period at once', async () => {
    const before = await startNode('node-r');
    await before.store.join(BOOTH, person('amina'), 'old-socket', false);
    before.redis.destroy();
    const after = await startNode('node-r');
    // Well before any node timeout (10 s here): the grace period, then gone.
    await expect.poll(() => after.store.has(BOOTH, 'amina'), { timeout: 3_000 }).toBe(false);
    expect(after.departures()).toEqual(['amina (expired)']);
  });

  it('puts its members back when Redis forgot them (a restart without persistence), announcing them again', async () => {
    const a = await startNode('node-a');
    await a.store.join(BOOTH, person('amina'), 'a-1', true);
    await dropRedisKeys(prefix);
    await expect.poll(() => a.store.has(BOOTH, 'amina')).toBe(true);
    expect(await a.store.isPrivate(BOOTH, 'amina')).toBe(true);
    expect(a.arrivals()).toEqual(['amina', 'amina']);
  });

  it('does not put back a connection that dropped while its join was on the way', async () => {
    const a = await startNode('node-a');
    await Promise.all([a.store.join(BOOTH, person('amina'), 'a-1', false), a.store.drop(BOOTH, 'amina', 'a-1')]);
    await a.store.join(BOOTH, person('luis'), 'l-1', false);
    await dropRedisKeys(prefix);
    await expect.poll(() => a.store.has(BOOTH, 'luis')).toBe(true);
    await sleep(200);
    expect(await a.store.has(BOOTH, 'amina')).toBe(false);
  });

  it('answers UNAVAILABLE for joins while Redis is away, keeps departures, and applies them in order when it is back', async () => {
    const relay = await startRedisRelay();
    try {
      const a = await startNode('node-a', { url: relay.url });
      const watcher = await startNode('node-b');
      await a.store.join(BOOTH, person('amina'), 'a-1', false);
      await a.store.join(BOOTH, person('luis'), 'l-1', false);
      await relay.cut();
      await expect.poll(() => a.redis.isReady).toBe(false);
      const refused = await a.store.join(BOOTH, person('maria'), 'm-1', false).catch((err: unknown) => err);
      expect(isStorageError(refused)).toBe(true);
      expect(String(refused)).toMatch(/Redis/);
      await expect(a.store.count(BOOTH)).rejects.toThrow(/Redis/);
      // Departures never fail: kept until Redis answers.
      expect(await a.store.leave(BOOTH, 'amina', 'a-1')).toBeNull();
      await a.store.drop(BOOTH, 'luis', 'l-1');
      expect(await watcher.store.has(BOOTH, 'amina')).toBe(true);

      await relay.restore();
      await expect.poll(() => watcher.store.has(BOOTH, 'amina')).toBe(false);
      // Redis has applied it; node A hears so once the answer comes back through the relay.
      await expect.poll(() => a.departures()).toContain('amina');
      await expect.poll(() => watcher.store.has(BOOTH, 'luis')).toBe(false);
      await expect.poll(() => a.store.join(BOOTH, person('maria'), 'm-1', false).then(() => 'in', () => 'refused')).toBe('in');
    } finally {
      await relay.close();
    }
  });
});
