import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../realtime/redis.js';

/**
 * Every limit of the fair (chat rate and slow mode, sign-in throttling, failed proofs, the
 * account's command budget and its cool-down) keeps its counts in a rate-limiter-flexible
 * limiter built here. One process (embedded mode): in memory. Several nodes (scaled mode): in
 * Redis, so a person's tries count the same whichever node they reach.
 */
export interface LimiterSpec {
  /** Names the counter; its keys are `<keyPrefix>:<key>` (under the fair's Redis prefix in scaled mode). */
  keyPrefix: string;
  /** What `consume` lets through per window (a limiter used only as a store may say 1). */
  points: number;
  /** The window, from the first count of a key. */
  durationMs: number;
}

export type LimiterFactory = (spec: LimiterSpec) => RateLimiterAbstract;

/** rate-limiter-flexible's per-call options (`customDuration`, in seconds). */
type LimiterOptions = { [key: string]: unknown };

export const memoryLimiters: LimiterFactory = ({ keyPrefix, points, durationMs }) => new RateLimiterMemory({ keyPrefix, points, duration: durationMs / 1000 });

/**
 * A Redis command of a limit waits at most this long; then that one count is made in this
 * node's memory instead. Redis answers in well under a millisecond when it is there.
 */
export const REDIS_LIMIT_TIMEOUT_MS = 1_000;

/** RateLimiterRedis sets expiries in whole seconds (EX), and one that rounds down to 0 would never expire. */
const wholeSeconds = (seconds: number) => Math.max(1, Math.ceil(seconds));

/** RateLimiterRedis with every expiry rounded up to whole seconds, never down to "forever". */
class RedisLimiter extends RateLimiterRedis {
  override consume(key: string | number, points?: number, options?: LimiterOptions): Promise<RateLimiterRes> {
    return super.consume(key, points, inWholeSeconds(options));
  }
  override penalty(key: string | number, points?: number, options?: LimiterOptions): Promise<RateLimiterRes> {
    return super.penalty(key, points, inWholeSeconds(options));
  }
  override reward(key: string | number, points?: number, options?: LimiterOptions): Promise<RateLimiterRes> {
    return super.reward(key, points, inWholeSeconds(options));
  }
  override set(key: string | number, points: number, secDuration: number, options?: LimiterOptions): Promise<RateLimiterRes> {
    return super.set(key, points, wholeSeconds(secDuration), options);
  }
  override block(key: string | number, secDuration: number, options?: LimiterOptions): Promise<RateLimiterRes> {
    return super.block(key, wholeSeconds(secDuration), options);
  }
}

function inWholeSeconds(options: LimiterOptions | undefined): LimiterOptions | undefined {
  const custom = options?.customDuration;
  return typeof custom === 'number' ? { ...options, customDuration: wholeSeconds(custom) } : options;
}

/**
 * Limits shared by every node through Redis (node-redis v5: `useRedisPackage`), keys under
 * `prefix` + `limit:`. Durations are whole seconds there (at least 1 s).
 *
 * When Redis is away (reconnecting: refused at once, `rejectIfRedisNotReady`; not answering:
 * after REDIS_LIMIT_TIMEOUT_MS), each limit counts in this node's memory (`insuranceLimiter`)
 * and goes back to Redis by itself once the client is ready again. We chose this over failing
 * closed: a node that cannot reach Redis already answers /healthz with 503, so nginx sends new
 * sign-ins and connections elsewhere and refuses /api meanwhile; the members still connected to
 * it keep chatting under the same limits, counted per node for that while, instead of every
 * message and sign-in being refused (or waiting on Redis) for the length of the outage.
 * A limit never throws because Redis is down.
 */
export function redisLimiters(client: RedisClient, prefix: string): LimiterFactory {
  return ({ keyPrefix, points, durationMs }) => {
    const insuranceLimiter = memoryLimiters({ keyPrefix, points, durationMs });
    const limiter = new RedisLimiter({
      storeClient: client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      keyPrefix: `${prefix}limit:${keyPrefix}`,
      points,
      duration: wholeSeconds(durationMs / 1000),
      insuranceLimiter,
    });
    return new RLWrapperTimeouts({ limiter, timeoutMs: REDIS_LIMIT_TIMEOUT_MS, insuranceLimiter });
  };
}

/** The counters of this fair: in Redis when there is one (scaled mode), else in this process. */
export function limitersFor(redis: RedisClient | undefined, prefix: string): LimiterFactory {
  return redis ? redisLimiters(redis, prefix) : memoryLimiters;
}

/** A limit's key for personal data (an email, an address): a hash, so no store holds the data itself. */
export function hashedKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

/**
 * Takes `points` from `key` in one atomic step: null when granted, else the refusal (its
 * `msBeforeNext` says how long until the window ends). Store errors are thrown.
 */
export function tryConsume(limiter: RateLimiterAbstract, key: string, points = 1, options?: LimiterOptions): Promise<RateLimiterRes | null> {
  return limiter.consume(key, points, options).then(
    () => null,
    (refusal: unknown) => {
      if (refusal instanceof RateLimiterRes) return refusal;
      throw refusal;
    },
  );
}
