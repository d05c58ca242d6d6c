import { createHash } from 'node:crypto';
import { RateLimiterMemory, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

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
 * behind one NAT signing in at once never see RATE_LIMITED.
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

/**
 * Builds one counter. The memory backend serves the embedded mode; a Redis or PostgreSQL
 * factory (RateLimiterRedis, RateLimiterPostgres) slots in here for several nodes.
 */
export type LimiterFactory = (options: { keyPrefix: string; points: number; durationMs: number }) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = ({ keyPrefix, points, durationMs }) =>
  new RateLimiterMemory({ keyPrefix, points, duration: durationMs / 1000 });

export type LoginGate = { allowed: true; succeeded(): Promise<void> } | { allowed: false; retryAfterMs: number };

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/** Store keys are hashes: the throttle's store holds no email addresses or IP addresses. */
function keyOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

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
     * Asks whether this guess may be checked now and, if so, counts it. With the memory store
     * the check and the count run without yielding to another request; a shared store must
     * do both in one atomic step (a Lua script) to keep parallel guesses out.
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
      const waits: number[] = [];
      if (live(wait)) waits.push(wait.msBeforeNext);
      if (!live(known)) {
        if (live(accountCount) && accountCount.consumedPoints >= policy.accountMaxFailures) waits.push(accountCount.msBeforeNext);
        if (live(addressCount) && addressCount.consumedPoints >= policy.addressMaxFailures) waits.push(addressCount.msBeforeNext);
      }
      if (waits.length > 0) return { allowed: false, retryAfterMs: Math.max(...waits) };

      const [pairCount] = await Promise.all([pairFailures.penalty(pair), accountFailures.penalty(accountKey), addressFailures.penalty(addressKey)]);
      const pastFree = pairCount.consumedPoints - policy.attemptsBeforeDelay;
      // Set before the password is checked, so a parallel guess finds it; success lifts it.
      if (pastFree >= 0) await pairWait.block(pair, delayMs(pastFree) / 1000);

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
