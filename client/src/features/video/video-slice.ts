import type { StateCreator } from 'zustand';
import type { HandEntry } from '../../../../shared/protocol.js';
import type { StoreState } from '../../app/store.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';
import {
  acceptOffer,
  chooseTier,
  createLadder,
  dismissOffer,
  evaluateLadder,
  loadTierChoice,
  observeQuality,
  saveTierChoice,
  startingTier,
  type ConnectionHints,
  type Ladder,
  type Quality,
  type Tier,
} from './tier.js';

/** My raised hand in the booth on screen. */
export type HandState = 'none' | 'raised' | 'granted';

export interface VideoSlice {
  /** The ladder for the booth on screen; its tier is what flows now. */
  ladder: Ladder;
  hand: HandState;
  /** Raised hands in the booth on screen (staff only). */
  handQueue: HandEntry[];
  /** Starts the ladder for a booth: text without video, else the remembered choice or the hints. */
  startVideoLadder: (videoAvailable: boolean) => void;
  /** The member picked a tier: applies at once and is remembered on this device. */
  pickTier: (tier: Tier) => void;
  observeQuality: (quality: Quality, now: number) => void;
  evaluateLadder: (now: number) => void;
  acceptTierOffer: (now: number) => void;
  dismissTierOffer: (now: number) => void;
  setHand: (hand: HandState) => void;
  setHandQueue: (queue: HandEntry[]) => void;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** `navigator.connection` is Chromium-only and not in TypeScript's DOM types. */
function connectionHints(): ConnectionHints | undefined {
  return (navigator as Navigator & { connection?: ConnectionHints }).connection;
}

export const createVideoSlice: StateCreator<StoreState, [], [], VideoSlice> = (set, get) => ({
  ladder: createLadder('text'),
  hand: 'none',
  handQueue: [],
  startVideoLadder(videoAvailable) {
    // Data saver: video is never started or offered by itself; the member can still pick it.
    const tier = isDataSaverOn(get()) ? 'text' : startingTier({ videoAvailable, stored: loadTierChoice(storage()), hints: connectionHints() });
    set({ ladder: createLadder(tier), hand: 'none', handQueue: [] });
  },
  pickTier(tier) {
    saveTierChoice(storage(), tier);
    set((state) => ({ ladder: chooseTier(state.ladder, tier) }));
  },
  observeQuality: (quality, now) => set((state) => ({ ladder: observeQuality(state.ladder, quality, now) })),
  evaluateLadder(now) {
    set((state) => {
      const evaluated = evaluateLadder(state.ladder, now);
      // Data saver never offers more video by itself: the offer is declined on the member's behalf.
      const ladder = evaluated.offer && isDataSaverOn(state) ? dismissOffer(evaluated, now) : evaluated;
      return ladder === state.ladder ? {} : { ladder };
    });
  },
  acceptTierOffer: (now) => set((state) => ({ ladder: acceptOffer(state.ladder, now) })),
  dismissTierOffer: (now) => set((state) => ({ ladder: dismissOffer(state.ladder, now) })),
  setHand: (hand) => set({ hand }),
  setHandQueue: (handQueue) => set({ handQueue }),
});
