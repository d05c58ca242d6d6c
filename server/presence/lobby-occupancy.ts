import { LOBBY_OCCUPANCY_MS_PER_PERSON } from '../../shared/limits.js';

/**
 * Coalesces occupancy changes into at most one `lobby:occupancy` per interval, carrying only
 * booths whose count differs from what was last sent. With hundreds of joins a second the
 * lobby still gets one small message a second.
 */
export function createOccupancyBroadcaster(options: {
  intervalMs: number;
  /** How many connections each update goes to: a big audience hears less often (LOBBY_OCCUPANCY_MS_PER_PERSON). */
  audienceSize?: () => number;
  countOf: (boothId: number) => number;
  emit: (changes: Record<string, number>) => void;
}) {
  const lastSent = new Map<number, number>();
  const dirty = new Set<number>();
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    timer = undefined;
    const changes: Record<string, number> = {};
    let any = false;
    for (const boothId of dirty) {
      const count = options.countOf(boothId);
      if (lastSent.get(boothId) === count) continue;
      lastSent.set(boothId, count);
      changes[boothId] = count;
      any = true;
    }
    dirty.clear();
    if (any) options.emit(changes);
  }

  return {
    /** Notes that a booth's count may have changed. */
    changed(boothId: number): void {
      dirty.add(boothId);
      if (!timer) {
        timer = setTimeout(flush, Math.max(options.intervalMs, (options.audienceSize?.() ?? 0) * LOBBY_OCCUPANCY_MS_PER_PERSON));
        timer.unref();
      }
    },
    close(): void {
      clearTimeout(timer);
    },
  };
}
