import { describe, expect, it } from 'vitest';
import {
  BUSY_RETRY_DEFAULT_MS,
  classifyHandshakeRefusal,
  decideOutdatedAction,
  OUTDATED_RELOAD_GUARD_MS,
  REFUSED_RETRY_MIN_MS,
  REFUSED_SPREAD_MAX_MS,
  refusedRetryDelayMs,
  RETRY_HINT_MAX_MS,
} from './handshake-refusal.js';

const busy = (retryAfterMs?: number) =>
  Object.assign(new Error('SERVER_BUSY'), { data: { code: 'SERVER_BUSY', message: 'busy', details: retryAfterMs === undefined ? {} : { retryAfterMs } } });
const lowest = () => 0;
const highest = () => 0.999_999;

describe('refusedRetryDelayMs', () => {
  it('never comes back sooner than the floor, whatever the draw', () => {
    for (let attempt = 0; attempt < 10; attempt++) expect(refusedRetryDelayMs(attempt, 3_000, lowest)).toBe(3_000);
  });

  it('spreads a crowd over a window that widens with each refusal, up to the cap', () => {
    const widths = [0, 1, 2, 3, 6, 20].map((attempt) => refusedRetryDelayMs(attempt, 0, highest));
    expect(widths).toEqual([1_000, 2_000, 4_000, 8_000, 30_000, 30_000]);
    const draws = new Set(Array.from({ length: 20 }, (_, i) => refusedRetryDelayMs(3, 2_000, () => i / 20)));
    expect(draws.size).toBe(20);
  });

  it('spreads at least as wide as the floor, so a crowd told "2 s" does not all return at 2 s', () => {
    expect(refusedRetryDelayMs(0, 10_000, highest)).toBe(20_000);
  });

  it('takes an absurd hint as the longest sane wait', () => {
    expect(refusedRetryDelayMs(0, 86_400_000, lowest)).toBe(RETRY_HINT_MAX_MS);
    expect(refusedRetryDelayMs(0, -5, lowest)).toBe(0);
  });
});

describe('classifyHandshakeRefusal', () => {
  it('backs off from SERVER_BUSY no sooner than retryAfterMs, with jitter above it', () => {
    const early = classifyHandshakeRefusal(busy(4_000), 0, lowest);
    const late = classifyHandshakeRefusal(busy(4_000), 0, highest);
    expect(early).toEqual({ kind: 'retry', delayMs: 4_000, busy: true });
    expect(late.kind === 'retry' && late.delayMs).toBeGreaterThan(4_000);
  });

  it('waits a default before retrying a SERVER_BUSY without a usable hint', () => {
    for (const data of [undefined, null, 'x', { details: { retryAfterMs: 'soon' } }, { details: { retryAfterMs: Number.NaN } }]) {
      const refusal = classifyHandshakeRefusal(Object.assign(new Error('SERVER_BUSY'), { data }), 0, lowest);
      expect(refusal).toEqual({ kind: 'retry', delayMs: BUSY_RETRY_DEFAULT_MS, busy: true });
    }
  });

  it('retries RATE_LIMITED and UNAVAILABLE after the flood cool-down floor, or the server hint if longer', () => {
    expect(classifyHandshakeRefusal(new Error('RATE_LIMITED'), 0, lowest)).toEqual({ kind: 'retry', delayMs: REFUSED_RETRY_MIN_MS, busy: false });
    const unavailable = Object.assign(new Error('UNAVAILABLE'), { data: { details: { retryAfterMs: 12_000 } } });
    expect(classifyHandshakeRefusal(unavailable, 0, lowest)).toEqual({ kind: 'retry', delayMs: 12_000, busy: false });
  });

  it('sends a signed-out or banned member to sign in, an old build to reload, and leaves transport errors to Socket.IO', () => {
    expect(classifyHandshakeRefusal(new Error('UNAUTHENTICATED'), 0)).toEqual({ kind: 'signed-out' });
    expect(classifyHandshakeRefusal(new Error('BANNED'), 0)).toEqual({ kind: 'signed-out' });
    expect(classifyHandshakeRefusal(new Error('CLIENT_OUTDATED'), 3)).toEqual({ kind: 'outdated' });
    expect(classifyHandshakeRefusal(new Error('websocket error'), 0)).toEqual({ kind: 'transport' });
    expect(classifyHandshakeRefusal(new Error('__proto__'), 0)).toEqual({ kind: 'transport' });
  });

  it('keeps every retry within the floor plus the widest spread', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const refusal = classifyHandshakeRefusal(busy(1_000), attempt, highest);
      expect(refusal.kind === 'retry' && refusal.delayMs).toBeLessThanOrEqual(1_000 + REFUSED_SPREAD_MAX_MS);
    }
  });
});

describe('decideOutdatedAction', () => {
  const now = 1_700_000_000_000;

  it('reloads into the new build the first time', () => {
    expect(decideOutdatedAction(null, now)).toBe('reload');
  });

  it('asks the member instead when this tab already reloaded for it within the last minute (no reload loop)', () => {
    expect(decideOutdatedAction(now - 5_000, now)).toBe('ask');
    expect(decideOutdatedAction(now - OUTDATED_RELOAD_GUARD_MS + 1, now)).toBe('ask');
  });

  it('reloads again once the guard has passed (a later deploy in a long-open tab)', () => {
    expect(decideOutdatedAction(now - OUTDATED_RELOAD_GUARD_MS, now)).toBe('reload');
  });

  it('asks rather than throw away a message the member is still typing', () => {
    expect(decideOutdatedAction(null, now, true)).toBe('ask');
  });

  it('asks when the clock went back and the last reload looks like the future', () => {
    expect(decideOutdatedAction(now + 3_600_000, now)).toBe('ask');
  });
});
