/**
 * What an outbox (booth chat, 1:1 conversations) does with a message the server refused: try again later, wait for the
 * next join, or give up and let the member decide. Pure, so the decision can be tested alone.
 */
import type { ApiError } from '../../../shared/errors.js';

/** First wait after a transient failure; each further failure doubles it, up to the cap. */
export const SEND_RETRY_BASE_MS = 1_000;
export const SEND_RETRY_MAX_MS = 30_000;
/** Wait for RATE_LIMITED when the server names none. */
const RATE_LIMITED_DEFAULT_MS = 2_000;

export type SendRefusal =
  /** Transient (storage busy, a fault on our side, too fast): send the same message again later. */
  | { kind: 'retry'; delayMs: number; saving: boolean }
  /** Not in the booth on this connection: it goes out after the next successful join. */
  | { kind: 'rejoin' }
  /** Refused for good (muted, too long, removed): the member sees why and may discard it. */
  | { kind: 'final' };

/**
 * Exponential backoff with jitter: about 1 s, 2 s, 4 s… capped at 30 s, each drawn from the
 * upper half of its step so that members cut off together do not all retry at the same
 * instant. Never sooner than the server asked (`retryAfterMs`).
 */
export function retryDelayMs(attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  const step = Math.min(SEND_RETRY_MAX_MS, SEND_RETRY_BASE_MS * 2 ** Math.max(0, attempt));
  const jittered = step / 2 + random() * (step / 2);
  return Math.round(Math.min(SEND_RETRY_MAX_MS, Math.max(jittered, retryAfterMs)));
}

/**
 * Classifies a refused chat:send. `attempt` counts the transient failures of this message so
 * far (0 for the first). UNAVAILABLE means nothing was stored and INTERNAL may be a passing
 * fault: both keep the message in the outbox ("saving…"), never offered for discarding.
 */
export function classifySendRefusal(error: ApiError, attempt: number, random: () => number = Math.random): SendRefusal {
  switch (error.code) {
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return { kind: 'retry', delayMs: retryDelayMs(attempt, error.details?.retryAfterMs, random), saving: true };
    case 'RATE_LIMITED':
      return { kind: 'retry', delayMs: (error.details?.retryAfterSeconds ?? RATE_LIMITED_DEFAULT_MS / 1000) * 1000, saving: false };
    case 'NOT_IN_BOOTH':
      return { kind: 'rejoin' };
    default:
      return { kind: 'final' };
  }
}

/** True for refusals that must never be shown as final (an outbox saved by an older version may hold them). */
export function isTransientSendError(error: ApiError): boolean {
  return error.code === 'UNAVAILABLE' || error.code === 'INTERNAL';
}
