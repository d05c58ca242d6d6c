import { createHash } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient, ErrorReply } from 'redis';
import { redactUrl } from '../config.js';
import { StorageUnavailableError } from '../db/storage-errors.js';
import type { Logger } from '../logger.js';
import type { DependencyProbe } from '../ops/probes.js';

export type RedisClient = ReturnType<typeof createClient>;

/** Longest wait between reconnection attempts: a Redis restart is noticed within this. */
const RECONNECT_MAX_DELAY_MS = 2_000;
/** Attempts at start before giving up (about a second). */
const START_RETRIES = 4;
/** An error is logged at most this often while Redis stays away (the client retries on its own). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Connects to Redis (scaled mode). The client reconnects by itself for as long as Redis is
 * away; meanwhile /healthz reports it and nginx sends members to nodes that can reach it.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  let everReady = false;
  const client = createClient({
    url,
    socket: {
      // At start, a Redis that does not answer after a few tries stops the start with a clear
      // error; once connected, the client retries for as long as it takes.
      reconnectStrategy: (retries) =>
        everReady ? Math.min(100 * 2 ** retries, RECONNECT_MAX_DELAY_MS) : retries >= START_RETRIES ? new Error(`Redis did not answer at ${redactUrl(url)}`) : 250,
    },
  });
  let lastLoggedAt = 0;
  // node-redis emits 'error' on every failed attempt; with no listener that would end the process.
  client.on('error', (err: Error) => {
    if (Date.now() - lastLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    lastLoggedAt = Date.now();
    logger.warn({ err: err.message }, 'Redis unavailable; reconnecting');
  });
  client.on('ready', () => {
    everReady = true;
    if (lastLoggedAt !== 0) logger.info('Redis reachable again');
    lastLoggedAt = 0;
  });
  await client.connect();
  return client;
}

/**
 * The Socket.IO adapter of the scaled mode: broadcasts, room changes and disconnections reach
 * every node through a Redis stream. It is the Redis adapter that supports connection-state
 * recovery (the pub/sub one does not). Everything it keeps is under `prefix`, its pub/sub
 * channels too (by default they are `socket.io#…` for every fair on the Redis, and the nodes
 * of one fair would answer another's `fetchSockets`).
 */
export function redisAdapter(client: RedisClient, prefix: string, logger: Logger) {
  return createAdapter(guardedSet(client, logger), {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}socket.io:session:`,
  });
}

/**
 * The client as the adapter sees it, except that `set` never rejects: the adapter keeps a
 * dropped connection's state with a SET whose promise it drops (persistSession), and a Redis
 * that goes away at that moment would reject it unhandled and end the process. That
 * connection simply cannot be recovered; it reconnects as a new one.
 */
function guardedSet(client: RedisClient, logger: Logger): RedisClient {
  const set = (...args: Parameters<RedisClient['set']>) =>
    client.set(...args).catch((err: unknown) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Redis did not keep a connection state; that connection will start afresh');
      return null;
    });
  return new Proxy(client, {
    get(target, property) {
      if (property === 'set') return set;
      const value: unknown = Reflect.get(target, property, target);
      // node-redis keeps its state in private fields: its methods must run on the client itself.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** For /healthz and the metrics: Redis answers a PING. */
export function redisProbe(client: RedisClient): DependencyProbe {
  return {
    name: 'redis',
    async check() {
      if (!client.isReady) throw new Error('not connected');
      await client.ping();
    },
  };
}

/**
 * Redis could not be asked just now (down, restarting, unreachable, too slow): nothing was
 * changed, or not for sure. A StorageUnavailableError, so the edge answers UNAVAILABLE with a
 * retry delay, as it does for a database that cannot take writes.
 */
export class RedisUnavailableError extends StorageUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

/** Error replies that mean "not now" (a Redis loading its data, busy with a script, a replica), not a bug in our command. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|OOM)\b/;

/**
 * A failed Redis command as the rest of the server should see it: a connection that is down,
 * closed or too slow, or a transient reply, becomes a RedisUnavailableError saying what was
 * being done; an error reply to a command we got wrong is passed on as it is (INTERNAL).
 */
export function redisFailure(err: unknown, doing: string): Error {
  if (err instanceof RedisUnavailableError) return err;
  if (err instanceof ErrorReply && !TRANSIENT_REPLY.test(err.message)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new RedisUnavailableError(`Redis cannot be reached just now (${doing}): ${reason}`, { cause: err });
}

/** Longest wait for one command of our own stores: past it the caller answers UNAVAILABLE. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** The client our stores use: commands that do not fail fast when Redis is away time out. */
export function storeClient(client: RedisClient): RedisClient {
  return client.withCommandOptions({ timeout: REDIS_COMMAND_TIMEOUT_MS });
}

/**
 * Runs one store operation's plain commands: a Redis that is not connected fails at once
 * (nothing is queued to run long after its caller was told it failed), a command not answered
 * in time is given up, and either way the caller gets a RedisUnavailableError (UNAVAILABLE at
 * the edge). The client reconnects by itself: the first call after Redis is back works.
 * `doing` names the operation in the error.
 */
export function redisCaller(client: RedisClient) {
  const timed = storeClient(client);
  return async <T>(doing: string, work: (client: RedisClient) => Promise<T>): Promise<T> => {
    if (!client.isReady) throw new RedisUnavailableError(`Redis is not connected (${doing})`);
    try {
      return await work(timed);
    } catch (err) {
      throw redisFailure(err, doing);
    }
  };
}

/**
 * A Lua script, run by its SHA1 (its source is sent again when Redis has lost it, after a
 * restart). The command is sent during the call, with no await before it, so calls reach Redis,
 * and their answers come back, in call order. A Redis that is not connected fails at once
 * (RedisUnavailableError) rather than queueing the command until it is back.
 */
export function redisScript(source: string, doing: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return (client: RedisClient, args: { keys?: string[]; arguments: string[] }): Promise<unknown> => {
    if (!client.isReady) return Promise.reject(new RedisUnavailableError(`Redis is not connected (${doing})`));
    return client
      .evalSha(sha, args)
      .catch((err: unknown) => {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return client.eval(source, args);
        throw err;
      })
      .then(
        (reply) => reply as unknown,
        (err: unknown) => {
          throw redisFailure(err, doing);
        },
      );
  };
}
