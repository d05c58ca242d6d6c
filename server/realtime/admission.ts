/**
 * Admission under overload. When everyone clicks in at once, the server can fall behind: its
 * event loop runs late, and every handshake, join and message waits in the same queue. Then
 * the fair refuses new connections for a moment with SERVER_BUSY and a retry hint, so the
 * members already inside keep a responsive fair and newcomers come back spread out (the hint
 * carries jitter, and the client adds its own), instead of all timing out in silence.
 */

/** How far behind the event loop may run before new connections are asked to come back later. */
export const ADMISSION_LOOP_DELAY_MAX_MS = 200;
/** How often the loop's lateness is sampled. */
const PROBE_INTERVAL_MS = 50;
/** Once behind, stay refusing this long after the last late sample (no flapping). */
const BUSY_HOLD_MS = 500;
/** The retry hint: at least this, plus up to RETRY_JITTER_MS of jitter. */
const RETRY_BASE_MS = 1_000;
const RETRY_JITTER_MS = 2_000;

export interface Admission {
  /** null: admit. Otherwise how long this newcomer should wait before trying again. */
  busyForMs(): number | null;
  close(): void;
}

export function createAdmission(loopDelayMaxMs: number, random: () => number = Math.random): Admission {
  let busyUntil = 0;
  let expected = performance.now() + PROBE_INTERVAL_MS;
  // One cheap timer: how late it fires is how late everything else runs.
  const probe = setInterval(() => {
    const now = performance.now();
    if (now - expected > loopDelayMaxMs) busyUntil = now + BUSY_HOLD_MS;
    expected = now + PROBE_INTERVAL_MS;
  }, PROBE_INTERVAL_MS);
  probe.unref();
  return {
    busyForMs() {
      if (performance.now() >= busyUntil) return null;
      return RETRY_BASE_MS + Math.round(random() * RETRY_JITTER_MS);
    },
    close() {
      clearInterval(probe);
    },
  };
}
