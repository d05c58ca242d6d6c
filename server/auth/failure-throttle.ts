import { fail, type Failure } from '../http/errors.js';
import { hashedKey, memoryLimiters, type LimiterFactory } from '../rate-limit/limiters.js';

/**
 * Counts failed proofs of identity (passkey sign-ins, re-authentication, password changes) or,
 * as a plain request limit, requests, per key, and refuses further tries once `maxFailures` are
 * reached within `windowMs`. The counts live where `limiters` keeps them (Redis with several
 * nodes); keys are stored hashed, since they may be addresses. The password sign-in has its
 * own throttle (login-throttle.ts).
 */
export function createFailureThrottle(name: string, maxFailures: number, windowMs: number, limiters: LimiterFactory = memoryLimiters) {
  const limiter = limiters({ keyPrefix: `failures:${name}`, points: maxFailures, durationMs: windowMs });
  return {
    /** RATE_LIMITED with the wait when this key has failed too often, else null. */
    async refusal(key: string): Promise<Failure | null> {
      const state = await limiter.get(hashedKey(key));
      if (!state || state.consumedPoints < maxFailures || state.msBeforeNext <= 0) return null;
      const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
      return fail('RATE_LIMITED', `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    },
    /** Counts one try against the key (a failure; or, for request limits, any request). */
    async record(key: string): Promise<void> {
      await limiter.penalty(hashedKey(key), 1);
    },
  };
}
