/**
 * Counts events per key in a sliding window. An interface, so that a Redis-backed store can
 * replace the in-memory one when the fair runs on several processes.
 */
export interface WindowCounter {
  /** Events recorded for `key` within the window ending at `nowMs`. */
  count(key: string, nowMs: number): number;
  /** Records one event. */
  add(key: string, nowMs: number): void;
  /** Milliseconds until the count for `key` drops by one (0 when already empty). */
  msUntilNextExpiry(key: string, nowMs: number): number;
  clear(key: string): void;
}

/** In-memory sliding window; keys with no recent events are swept so memory stays bounded. */
export function createMemoryWindowCounter(windowMs: number): WindowCounter {
  const events = new Map<string, number[]>();
  let lastSweepMs = 0;

  function recent(key: string, nowMs: number): number[] {
    const times = events.get(key);
    if (!times) return [];
    const cutoff = nowMs - windowMs;
    while (times.length > 0 && times[0]! <= cutoff) times.shift();
    if (times.length === 0) events.delete(key);
    return times;
  }

  function sweep(nowMs: number): void {
    if (nowMs - lastSweepMs < windowMs) return;
    lastSweepMs = nowMs;
    for (const key of [...events.keys()]) recent(key, nowMs);
  }

  return {
    count: (key, nowMs) => recent(key, nowMs).length,
    add(key, nowMs) {
      sweep(nowMs);
      const times = recent(key, nowMs);
      times.push(nowMs);
      events.set(key, times);
    },
    msUntilNextExpiry(key, nowMs) {
      const oldest = recent(key, nowMs)[0];
      return oldest === undefined ? 0 : oldest + windowMs - nowMs;
    },
    clear: (key) => void events.delete(key),
  };
}
