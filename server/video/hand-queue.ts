import type { HandEntry } from '../../shared/protocol.js';

/**
 * Raised hands per booth, in the order they went up. In memory, behind a small interface,
 * like presence: a shared store can replace it when the fair runs on several processes.
 */
export interface HandQueueStore {
  raise(boothId: number, person: { userId: string; displayName: string }, now: Date): HandEntry;
  /** Removes the hand (raised or granted); the entry as it was, or null. */
  lower(boothId: number, userId: string): HandEntry | null;
  setGranted(boothId: number, userId: string, granted: boolean): HandEntry | null;
  get(boothId: number, userId: string): HandEntry | null;
  list(boothId: number): HandEntry[];
  /** Drops everyone `keep` says no to; the entries removed. */
  prune(boothId: number, keep: (userId: string) => boolean): HandEntry[];
}

export function createHandQueueStore(): HandQueueStore {
  const booths = new Map<number, Map<string, HandEntry>>();

  function remove(boothId: number, userId: string): HandEntry | null {
    const hands = booths.get(boothId);
    const entry = hands?.get(userId);
    if (!hands || !entry) return null;
    hands.delete(userId);
    if (hands.size === 0) booths.delete(boothId);
    return entry;
  }

  return {
    raise(boothId, { userId, displayName }, now) {
      let hands = booths.get(boothId);
      if (!hands) {
        hands = new Map();
        booths.set(boothId, hands);
      }
      const existing = hands.get(userId);
      if (existing) return existing;
      const entry: HandEntry = { userId, displayName, raisedAt: now.toISOString(), granted: false };
      hands.set(userId, entry);
      return entry;
    },
    lower: remove,
    setGranted(boothId, userId, granted) {
      const hands = booths.get(boothId);
      const entry = hands?.get(userId);
      if (!hands || !entry) return null;
      const updated = { ...entry, granted };
      hands.set(userId, updated);
      return updated;
    },
    get: (boothId, userId) => booths.get(boothId)?.get(userId) ?? null,
    list: (boothId) => [...(booths.get(boothId)?.values() ?? [])],
    prune(boothId, keep) {
      const removed: HandEntry[] = [];
      for (const entry of [...(booths.get(boothId)?.values() ?? [])]) {
        if (keep(entry.userId)) continue;
        remove(boothId, entry.userId);
        removed.push(entry);
      }
      return removed;
    },
  };
}
