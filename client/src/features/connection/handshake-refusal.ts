/**
 * What the tab does when the server refuses its Socket.IO handshake (`connect_error` from the
 * server's middleware, `err.message` an error code and `err.data` an ApiError): go to sign-in,
 * come back later with jitter, or reload into a newer build. Pure, so each choice can be
 * tested alone; app/realtime.ts acts on them.
 */
import type { ErrorDetails } from '../../../../shared/errors.js';

/** A refused handshake is tried again no sooner than this (the server's flood cool-down is 10 s). */
export const REFUSED_RETRY_MIN_MS = 5_000;
/** SERVER_BUSY without a hint: wait at least this long. */
export const BUSY_RETRY_DEFAULT_MS = 2_000;
/** The random spread above the floor starts here and doubles with each refusal, up to the cap. */
export const REFUSED_SPREAD_BASE_MS = 1_000;
export const REFUSED_SPREAD_MAX_MS = 30_000;
/** A server's hint longer than this is taken as this (a stuck tab helps nobody). */
export const RETRY_HINT_MAX_MS = 5 * 60_000;
/** After reloading for a new build, another CLIENT_OUTDATED this soon asks the member instead. */
export const OUTDATED_RELOAD_GUARD_MS = 60_000;

export type HandshakeRefusal =
  /** No session, or banned: the sign-in page says what to do. */
  | { kind: 'signed-out' }
  /** Refused for now (too busy, too many tabs, a cool-down, storage busy): connect again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; busy: boolean }
  /** This tab runs a build whose protocol the server no longer speaks. */
  | { kind: 'outdated' }
  /** Not a refusal (the server is down, the network dropped): Socket.IO retries by itself. */
  | { kind: 'transport' };

/**
 * Backoff with jitter that never comes back sooner than asked: the floor plus a random part of
 * a spread that doubles with each refusal (1 s, 2 s, 4 s… up to 30 s), so a crowd refused
 * together returns spread out, and further apart each time it is refused again.
 */
export function refusedRetryDelayMs(attempt: number, floorMs: number, random: () => number = Math.random): number {
  const floor = Math.min(RETRY_HINT_MAX_MS, Math.max(0, floorMs));
  const spread = Math.min(REFUSED_SPREAD_MAX_MS, Math.max(floor, REFUSED_SPREAD_BASE_MS * 2 ** Math.max(0, attempt)));
  return Math.round(floor + random() * spread);
}

function retryAfterMsOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const details = (data as { details?: ErrorDetails }).details;
  const ms = details?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Classifies a `connect_error`; `attempt` counts the refusals since the last connection. */
export function classifyHandshakeRefusal(error: { message: string; data?: unknown }, attempt: number, random: () => number = Math.random): HandshakeRefusal {
  switch (error.message) {
    case 'UNAUTHENTICATED':
    case 'BANNED':
      return { kind: 'signed-out' };
    case 'CLIENT_OUTDATED':
      return { kind: 'outdated' };
    case 'SERVER_BUSY':
      return { kind: 'retry', delayMs: refusedRetryDelayMs(attempt, retryAfterMsOf(error.data) ?? BUSY_RETRY_DEFAULT_MS, random), busy: true };
    case 'RATE_LIMITED':
    case 'UNAVAILABLE':
      return { kind: 'retry', delayMs: refusedRetryDelayMs(attempt, Math.max(REFUSED_RETRY_MIN_MS, retryAfterMsOf(error.data) ?? 0), random), busy: false };
    default:
      return { kind: 'transport' };
  }
}

/**
 * Reload into the new build, unless this tab already did so for the same reason within
 * OUTDATED_RELOAD_GUARD_MS (the reload brought the old build back): then ask the member,
 * rather than reload in a loop. `lastReloadAt` is when this tab last reloaded for it, if ever.
 * Ask too while the member has typed something not yet sent: a reload would lose it.
 */
export function decideOutdatedAction(lastReloadAt: number | null, now: number, typing = false): 'reload' | 'ask' {
  if (typing) return 'ask';
  // A clock set back makes the last reload look recent: asking is the safe answer.
  return lastReloadAt !== null && now - lastReloadAt < OUTDATED_RELOAD_GUARD_MS ? 'ask' : 'reload';
}
