import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../shared/errors.js';
import { classifySendRefusal, retryDelayMs, SEND_RETRY_MAX_MS } from './send-retry.js';

const unavailable: ApiError = { code: 'UNAVAILABLE', message: 'busy', details: { retryAfterMs: 1_000 } };
const lowest = () => 0;
const highest = () => 0.999_999;

describe('retryDelayMs', () => {
  it('doubles with each attempt, from about a second, within the jitter band', () => {
    expect(retryDelayMs(0, 0, lowest)).toBe(500);
    expect(retryDelayMs(0, 0, highest)).toBe(1_000);
    expect(retryDelayMs(1, 0, lowest)).toBe(1_000);
    expect(retryDelayMs(3, 0, highest)).toBe(8_000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryDelayMs(50, 0, highest)).toBe(SEND_RETRY_MAX_MS);
    expect(retryDelayMs(5, 60_000, highest)).toBe(SEND_RETRY_MAX_MS);
  });

  it('never retries sooner than the server asked', () => {
    expect(retryDelayMs(0, 1_500, lowest)).toBe(1_500);
  });
});

describe('classifySendRefusal', () => {
  it('keeps retrying a message the server could not store, shown as saving', () => {
    expect(classifySendRefusal(unavailable, 0, lowest)).toEqual({ kind: 'retry', delayMs: 1_000, saving: true });
  });

  it('treats INTERNAL as transient for chat, never as final', () => {
    expect(classifySendRefusal({ code: 'INTERNAL', message: 'oops' }, 2, lowest)).toMatchObject({ kind: 'retry', saving: true });
  });

  it('waits the seconds RATE_LIMITED names', () => {
    expect(classifySendRefusal({ code: 'RATE_LIMITED', message: 'slow', details: { retryAfterSeconds: 3 } }, 0)).toEqual({
      kind: 'retry',
      delayMs: 3_000,
      saving: false,
    });
  });

  it('waits for the next join when not in the booth, and gives up on a refusal for good', () => {
    expect(classifySendRefusal({ code: 'NOT_IN_BOOTH', message: 'join' }, 0)).toEqual({ kind: 'rejoin' });
    expect(classifySendRefusal({ code: 'MUTED', message: 'muted' }, 0)).toEqual({ kind: 'final' });
  });
});
