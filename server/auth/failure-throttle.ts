import { RateLimiterMemory } from 'rate-limiter-flexible';
import { fail, type Failure } from '../http/errors.js';

/**
 * Counts failed proofs of identity (or, as a plain request limit, requests) (passkey sign-ins, re-authentication, password changes) per
 * key and refuses further tries once `maxFailures` are reached within `windowMs`. In memory: the
 * password sign-in's own throttle lives in the auth service (and is being reworked separately).
 */
export function createFailureThrottle(maxFailures: number, windowMs: number) {
  const limiter = new RateLimiterMemory({ points: maxFailures, duration: Math.ceil(windowMs / 1000) });
  return {
    /** RATE_LIMITED with the wait when this key has failed too often, else null. */
    async refusal(key: string): Promise<Failure | null> {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints < maxFailures) return null;
      const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
      return fail('RATE_LIMITED', `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    },
    /** Counts one try against the key (a failure; or, for request limits, any request). */
    async record(key: string): Promise<void> {
      await limiter.penalty(key, 1);
    },
  };
}
