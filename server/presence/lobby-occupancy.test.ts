import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisClient } from '../realtime/redis.js';
import { describeRedisTests, dropRedisKeys, TEST_REDIS_URL, testRedisPrefix } from '../test/redis-test.js';
import { createOccupancyBroadcaster, memoryLobbyLedger, redisLobbyLedger } from './lobby-occupancy.js';

const describeRedis = await describeRedisTests();

it('sends the lobby only counts that changed, at most once per interval', async () => {
  const counts = new Map([[1, 3]]);
  const sent: Record<string, number>[] = [];
  const lobby = createOccupancyBroadcaster({ intervalMs: 30, countOf: (boothId) => Promise.resolve(counts.get(boothId) ?? 0), emit: (changes) => sent.push(changes) });
  lobby.changed(1);
  lobby.changed(2);
  await expect.poll(() => sent).toEqual([{ 1: 3, 2: 0 }]);
  lobby.changed(1);
  counts.set(2, 1);
  lobby.changed(2);
  await expect.poll(() => sent).toEqual([{ 1: 3, 2: 0 }, { 2: 1 }]);
  lobby.close();
});

it('tries a frame again when the counts cannot be read', async () => {
  let failing = true;
  const sent: Record<string, number>[] = [];
  const failures: unknown[] = [];
  const lobby = createOccupancyBroadcaster({
    intervalMs: 30,
    countOf: () => (failing ? Promise.reject(new Error('Redis cannot be reached just now')) : Promise.resolve(4)),
    ledger: memoryLobbyLedger(),
    emit: (changes) => sent.push(changes),
    failed: (err) => failures.push(err),
  });
  lobby.changed(5);
  await expect.poll(() => failures.length).toBeGreaterThan(0);
  failing = false;
  await expect.poll(() => sent).toEqual([{ 5: 4 }]);
  lobby.close();
});

describeRedis('the lobby ledger shared by several nodes', () => {
  let prefix: string;
  const clients: RedisClient[] = [];
  beforeEach(() => {
    prefix = testRedisPrefix();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await dropRedisKeys(prefix);
  });

  it('lets one node send a count, not every node, and a change back to an old count still goes', async () => {
    const connect = async () => {
      const client = await connectRedis(TEST_REDIS_URL, createLogger('silent'));
      clients.push(client);
      return redisLobbyLedger(client, prefix);
    };
    const [a, b] = [await connect(), await connect()];
    expect(await a.claim({ 1: 3, 2: 0 })).toEqual({ 1: 3, 2: 0 });
    // Node B flushes the same counts: already told.
    expect(await b.claim({ 1: 3, 2: 0 })).toEqual({});
    expect(await b.claim({ 1: 4, 2: 0 })).toEqual({ 1: 4 });
    // Node A last sent 3; the lobby was told 4 since (by B), so 3 goes again.
    expect(await a.claim({ 1: 3 })).toEqual({ 1: 3 });
    // Two nodes flushing the same new count at once: it goes once.
    const both = await Promise.all([a.claim({ 2: 7 }), b.claim({ 2: 7 })]);
    expect(both.filter((changes) => Object.keys(changes).length > 0)).toEqual([{ 2: 7 }]);
  });
});
