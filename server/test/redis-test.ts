import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createClient } from 'redis';
import { describe } from 'vitest';
import { redactUrl } from '../config.js';
import { dropRedisKeys as dropKeysUnder } from '../scripts/local-cluster.js';

/** The Redis the scaled-mode tests use, each under its own key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix for one test's keys (`dropRedisKeys` removes them). */
export const testRedisPrefix = () => `fair-test:${randomBytes(6).toString('hex')}:`;

/** Deletes every Redis key under a test's prefix in the test Redis. */
export const dropRedisKeys = (prefix: string): Promise<void> => dropKeysUnder(TEST_REDIS_URL, prefix);

let availability: Promise<boolean> | undefined;

/**
 * Whether Redis answers a PING, asked once per test process. When it does not: throws under
 * REQUIRE_CLUSTER=1 (a run that must cover the scaled mode fails), otherwise warns once and the
 * Redis tests are skipped.
 */
function redisAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = createClient({ url: TEST_REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      client.destroy();
      return true;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (process.env.REQUIRE_CLUSTER === '1') throw new Error(`REQUIRE_CLUSTER=1 but Redis does not answer at ${redactUrl(TEST_REDIS_URL)}: ${reason}`, { cause: err });
      console.warn(`Skipping Redis tests: no Redis at ${redactUrl(TEST_REDIS_URL)} (${reason}; start it, or set TEST_REDIS_URL).`);
      return false;
    }
  })();
  return availability;
}

/**
 * `describe` for tests against a real Redis: skipped, with one line saying so, when Redis is
 * unreachable; a failure instead under REQUIRE_CLUSTER=1. Use with top-level await:
 * `const describeRedis = await describeRedisTests();`
 */
export async function describeRedisTests(): Promise<typeof describe | typeof describe.skip> {
  return (await redisAvailable()) ? describe : describe.skip;
}

/**
 * A TCP relay in front of the test Redis that a test can cut and bring back on the same port:
 * Redis going away, for a client connected through it, without touching the shared Redis.
 */
export async function startRedisRelay(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(TEST_REDIS_URL);
  const links = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((inbound) => {
        const outbound = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
        for (const end of [inbound, outbound]) {
          links.add(end);
          end.on('error', () => {});
          end.on('close', () => {
            links.delete(end);
            inbound.destroy();
            outbound.destroy();
          });
        }
        inbound.pipe(outbound);
        outbound.pipe(inbound);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const link of links) link.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  const url = new URL(TEST_REDIS_URL);
  url.host = `127.0.0.1:${port}`;
  return { url: url.toString(), cut: stop, restore: listen, close: stop };
}
