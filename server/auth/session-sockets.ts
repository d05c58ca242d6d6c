import type { Logger } from '../logger.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { AuthService, Clock, EndedSessions } from './service.js';

/**
 * Closes every socket of sessions that ended. Through the adapter this reaches every node;
 * the client sees `io server disconnect` and asks `/api/me` whether it is still signed in.
 */
export function disconnectEndedSessions(io: FairServer, ended: EndedSessions): void {
  const targets = 'userId' in ended ? [rooms.user(ended.userId)] : ended.sessionIds.map((id) => rooms.session(id));
  if (targets.length > 0) io.in(targets).disconnectSockets(true);
}

/** Expired sessions are looked for at least this often, and at the next expiry when sooner. */
export const SESSION_SWEEP_MAX_INTERVAL_MS = 60_000;
/** No faster than this, even when sessions expire one after another. */
const SESSION_SWEEP_MIN_GAP_MS = 250;
/** A little after the expiry instant, so that session is past it when the sweep looks. */
const SESSION_SWEEP_SLACK_MS = 20;

/**
 * One server-wide timer, not one per socket: each run deletes the sessions whose time is up,
 * closes their rooms (cost grows with sessions that expired, not with sockets connected),
 * and sleeps until the next expiry or the maximum interval, whichever is first.
 */
export function startSessionSweep(deps: { auth: AuthService; clock: Clock; logger: Logger; maxIntervalMs?: number }): { close(): void } {
  const { auth, clock, logger } = deps;
  const maxIntervalMs = deps.maxIntervalMs ?? SESSION_SWEEP_MAX_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Never rejects: every failure is logged here. */
  async function sweep(): Promise<void> {
    let nextExpiryAt: number | null = null;
    try {
      const result = await auth.endExpiredSessions();
      nextExpiryAt = result.nextExpiryAt;
      if (result.ended > 0) logger.debug({ ended: result.ended }, 'expired sessions ended');
    } catch (err) {
      // A busy or failing database must not stop the sweep, nor the process.
      logger.error({ err }, 'session sweep failed');
    }
    if (closed) return;
    const untilNextMs = nextExpiryAt === null ? Infinity : nextExpiryAt - clock.now() + SESSION_SWEEP_SLACK_MS;
    timer = setTimeout(() => void sweep(), Math.min(maxIntervalMs, Math.max(Math.min(SESSION_SWEEP_MIN_GAP_MS, maxIntervalMs), untilNextMs)));
    timer.unref();
  }

  void sweep();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
