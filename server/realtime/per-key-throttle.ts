/**
 * Runs `flush(key)` at most once per interval for each key (a fixed interval, or one worked out
 * per key when a change is first noted), trailing: every change within the
 * interval is folded into the one flush that follows it, which reads the latest state. So a
 * person flipping something a hundred times a second costs the room one message per interval.
 */
export function createPerKeyThrottle<K>(intervalMs: number | ((key: K) => number), flush: (key: K) => void) {
  const intervalOf = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
  const timers = new Map<K, NodeJS.Timeout>();
  return {
    /** Notes a change under `key`; its flush runs when the interval is up. */
    schedule(key: K): void {
      if (timers.has(key)) return;
      const timer = setTimeout(() => {
        timers.delete(key);
        flush(key);
      }, intervalOf(key));
      timer.unref();
      timers.set(key, timer);
    },
    close(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
