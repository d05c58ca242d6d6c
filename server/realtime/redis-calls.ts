import { ErrorReply } from 'redis';
import { StorageUnavailableError } from '../db/storage-errors.js';
import type { RedisClient } from './redis.js';

/** How long a store waits for Redis before giving up (Redis answers in well under a millisecond). */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** Replies that mean "not now" (loading after a restart, a replica, a busy script), not a bug in our commands. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

/** Runs one store operation's commands against Redis (see `redisCaller`). */
export type RedisCall = <T>(work: (client: RedisClient) => Promise<T>) => Promise<T>;

/**
 * How shared stores talk to Redis so that an outage is an answer, never a hang or a crash:
 * while the client is reconnecting a call fails at once (nothing is queued to run later, when
 * its caller has long been told it failed), a command Redis does not answer in time is given
 * up, and either way the caller gets a StorageUnavailableError, which the edge answers
 * UNAVAILABLE and background jobs log. The client reconnects by itself: the first call after
 * Redis is back works, with no manual step. An error reply that is not transient (a wrong
 * type, a script error) is a bug and is passed on as it is.
 */
export function redisCaller(client: RedisClient, timeoutMs = REDIS_COMMAND_TIMEOUT_MS): RedisCall {
  const timed = client.withCommandOptions({ timeout: timeoutMs });
  return async (work) => {
    if (!client.isReady) throw new StorageUnavailableError('Redis is not connected');
    try {
      return await work(timed);
    } catch (err) {
      if (err instanceof ErrorReply && !TRANSIENT_REPLY.test(err.message)) throw err;
      throw new StorageUnavailableError('Redis did not answer', { cause: err });
    }
  };
}

/** Runs a Lua script (atomic in Redis: no other command runs between its steps). */
export function runScript(client: RedisClient, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  return client.eval(script, { keys, arguments: args.map(String) });
}
