import type { RateLimiterRes } from 'rate-limiter-flexible';
import { hashedKey as keyOf, memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';

/**
 * Sign-in throttling: who may try a password now.
 *
 * 1. One account from one address: the first `attemptsBeforeDelay` guesses go back to back;
 *    after that each guess must wait `baseDelayMs`, doubling per further failure, at most
 *    `maxDelayMs`. Only that address is slowed: an attacker elsewhere cannot lock the owner out.
 * 2. One account from every address: past `accountMaxFailures` failures in the window, only
 *    addresses that have signed in to it before may try (a botnet cannot spread guesses thin).
 * 3. One address across every account: past `addressMaxFailures` failures in the window, only
 *    accounts that have signed in from it before may try (one address cannot spray passwords).
 *
 * A guess counts while it is checked, so parallel guesses cannot slip past; a correct password
 * gives its count back and forgets that account's failures from that address, so many members
 * behind one NAT signing in at once never see RATE_LIMITED. The counts live wherever the
 * LimiterFactory keeps them: in Redis with several nodes, so guesses spread over them add up.
 */
export interface LoginThrottlePolicy {
  attemptsBeforeDelay: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long failures on one account from one address are remembered. */
  pairWindowMs: number;
  accountMaxFailures: number;
  accountWindowMs: number;
  addressMaxFailures: number;
  addressWindowMs: number;
  /** How long a successful sign-in makes its address known for that account. */
  knownAddressMs: number;
}

export const LOGIN_THROTTLE_POLICY: LoginThrottlePolicy = {
  attemptsBeforeDelay: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  pairWindowMs: 60 * 60_000,
  accountMaxFailures: 100,
  accountWindowMs: 24 * 60 * 60_000,
  addressMaxFailures: 60,
  addressWindowMs: 15 * 60_000,
  // Below Node's 24.8-day timer limit, which the memory store's expiry timers must respect.
  knownAddressMs: 20 * 24 * 60 * 60_000,
};

export type LoginGate = { allowed: true; succeeded(): Promise<void> } | { allowed: false; retryAfterMs: number };

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

const live = (res: RateLimiterRes | null): res is RateLimiterRes => res !== null && res.msBeforeNext > 0;

export function createLoginThrottle(overrides: Partial<LoginThrottlePolicy> = {}, limiters: LimiterFactory = memoryLimiters) {
  const policy = { ...LOGIN_THROTTLE_POLICY, ...overrides };
  const pairFailures = limiters({ keyPrefix: 'login:pair', points: policy.attemptsBeforeDelay, durationMs: policy.pairWindowMs });
  const pairWait = limiters({ keyPrefix: 'login:wait', points: 1, durationMs: policy.maxDelayMs });
  const accountFailures = limiters({ keyPrefix: 'login:account', points: policy.accountMaxFailures, durationMs: policy.accountWindowMs });
  const addressFailures = limiters({ keyPrefix: 'login:address', points: policy.addressMaxFailures, durationMs: policy.addressWindowMs });
  const knownAddresses = limiters({ keyPrefix: 'login:known', points: 1, durationMs: policy.knownAddressMs });

  /** The wait after the n-th guess past the free ones (n = 0, 1, 2...): 1 s, 2 s, 4 s... */
  const delayMs = (n: number) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n, 30));

  return {
    policy,

    /**
     * Asks whether this guess may be checked now and, if so, counts it. Guesses arriving
     * together (on one node or several) cannot slip past: each count is one atomic increment in
     * the store, and the refusals are decided on the counts those increments answer. A guess
     * refused that way gives its counts back: it was never checked.
     */
    async attempt(account: string, address: string): Promise<LoginGate> {
      const pair = keyOf(account, address);
      const accountKey = keyOf(account);
      const addressKey = keyOf('', address);
      const [wait, accountCount, addressCount, known] = await Promise.all([
        pairWait.get(pair),
        accountFailures.get(accountKey),
        addressFailures.get(addressKey),
        knownAddresses.get(pair),
      ]);
      const caps = [policy.accountMaxFailures, policy.addressMaxFailures];
      /** How long the account and address caps hold this guess back (0: not at all); `counted`: the counts include it. */
      const capsWaitMs = (counts: (RateLimiterRes | null)[], counted: boolean) =>
        live(known) ? 0 : Math.max(0, ...counts.map((count, i) => (live(count) && count.consumedPoints >= caps[i]! + (counted ? 1 : 0) ? count.msBeforeNext : 0)));
      // Refused on what the store already holds: nothing is counted.
      const waitingMs = Math.max(live(wait) ? wait.msBeforeNext : 0, capsWaitMs([accountCount, addressCount], false));
      if (waitingMs > 0) return { allowed: false, retryAfterMs: waitingMs };

      const [pairCount, accountNow, addressNow] = await Promise.all([pairFailures.penalty(pair), accountFailures.penalty(accountKey), addressFailures.penalty(addressKey)]);
      const giveBack = () => Promise.all([pairFailures.reward(pair), accountFailures.reward(accountKey), addressFailures.reward(addressKey)]);
      // Guesses that passed the check above together: those that took a cap past its limit go back.
      const overCapsMs = capsWaitMs([accountNow, addressNow], true);
      if (overCapsMs > 0) {
        await giveBack();
        return { allowed: false, retryAfterMs: overCapsMs };
      }
      const pastFree = pairCount.consumedPoints - policy.attemptsBeforeDelay;
      if (pastFree >= 0) {
        // Past the free guesses one guess at a time takes the wait, before the password is
        // checked, so a parallel guess finds it taken; success lifts it.
        const taken = await tryConsume(pairWait, pair, 1, { customDuration: delayMs(pastFree) / 1000 });
        if (taken) {
          await giveBack();
          return { allowed: false, retryAfterMs: Math.max(1, taken.msBeforeNext) };
        }
      }

      return {
        allowed: true,
        async succeeded() {
          await Promise.all([
            accountFailures.reward(accountKey),
            addressFailures.reward(addressKey),
            pairFailures.delete(pair),
            pairWait.delete(pair),
            knownAddresses.set(pair, 1, policy.knownAddressMs / 1000),
          ]);
        },
      };
    },
  };
}
