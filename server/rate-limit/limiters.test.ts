import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisClient } from '../realtime/redis.js';
import { redisLimiters, tryConsume, type LimiterFactory } from './limiters.js';

/**
 * The shared limits when Redis goes away and comes back. On a private redis-server that this
 * file starts, stops and freezes (the one on 6379 serves every other test). Skipped, with one
 * line, where redis-server is not installed; a failure instead under REQUIRE_CLUSTER=1.
 */
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  if (process.env.REQUIRE_CLUSTER === '1') throw new Error("REQUIRE_CLUSTER=1 but no redis-server on PATH: install Debian's redis-server package.");
  console.warn('Skipping the Redis outage tests of the limits: no redis-server on PATH.');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(condition: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + withinMs; !condition(); await sleep(20)) if (Date.now() > deadline) throw new Error(`not ${what} within ${withinMs} ms`);
}

describe.skipIf(!hasRedisServer)('limits in Redis', () => {
  let port: number;
  let redisServer: ChildProcess | undefined;
  /** Two nodes' clients. */
  let clients: RedisClient[] = [];
  let nodes: LimiterFactory[] = [];

  async function startRedis(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisServer = child;
    const answers = () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG';
    await until(answers, 'started');
  }
  async function stopRedis(): Promise<void> {
    const child = redisServer;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    const logger = createLogger('silent');
    clients = [await connectRedis(`redis://127.0.0.1:${port}`, logger), await connectRedis(`redis://127.0.0.1:${port}`, logger)];
    nodes = clients.map((client) => redisLimiters(client, 'fair-test:'));
  });
  afterAll(async () => {
    redisServer?.kill('SIGCONT');
    for (const client of clients) client.destroy();
    await stopRedis();
  });

  const spec = (keyPrefix: string) => ({ keyPrefix, points: 3, durationMs: 60_000 });
  const granted = async (factory: LimiterFactory, keyPrefix: string, key: string, times: number) => {
    const limiter = factory(spec(keyPrefix));
    const answers = [];
    for (let i = 0; i < times; i++) answers.push((await tryConsume(limiter, key)) === null);
    return answers;
  };

  it('counts one limit for every node, under the fair’s prefix, and never keeps a key without an expiry', async () => {
    expect(await granted(nodes[0]!, 'shared', 'alice', 2)).toEqual([true, true]);
    expect(await granted(nodes[1]!, 'shared', 'alice', 2)).toEqual([true, false]);
    const [client] = clients;
    expect(await client!.get('fair-test:limit:shared:alice')).toBe('4');
    // A wait shorter than Redis's one-second expiries is rounded up, never down to "forever".
    await nodes[0]!(spec('short')).block('bob', 0.2);
    const ttl = await client!.pTTL('fair-test:limit:short:bob');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });

  it('counts in each node’s memory while Redis is down, without throwing, and in Redis again once it is back', async () => {
    await stopRedis();
    await until(() => clients.every((client) => !client.isReady), 'seen as down');
    // Each node still holds the limit by itself meanwhile.
    expect(await granted(nodes[0]!, 'outage', 'carol', 4)).toEqual([true, true, true, false]);
    expect(await granted(nodes[1]!, 'outage', 'carol', 4)).toEqual([true, true, true, false]);

    await startRedis();
    await until(() => clients.every((client) => client.isReady), 'reconnected');
    expect(await granted(nodes[0]!, 'outage', 'dave', 2)).toEqual([true, true]);
    expect(await granted(nodes[1]!, 'outage', 'dave', 2)).toEqual([true, false]);
    expect(await clients[0]!.get('fair-test:limit:outage:dave')).toBe('4');
  });

  it('does not wait on a Redis that stops answering: the count is made in memory instead', async () => {
    const limiter = nodes[0]!(spec('frozen'));
    redisServer!.kill('SIGSTOP');
    try {
      expect(await tryConsume(limiter, 'erin')).toBeNull();
      const state = await limiter.get('erin');
      expect(state?.consumedPoints).toBe(1);
    } finally {
      redisServer!.kill('SIGCONT');
    }
  });
});
