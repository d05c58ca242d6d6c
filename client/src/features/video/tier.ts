/**
 * The bandwidth ladder (DESIGN.md): which tier a member starts on, when a sustained change in
 * connection quality steps them down or offers to step up, and the choice they make by hand,
 * remembered on this device. Pure: time comes in as arguments, storage is injected.
 */

/** From least to most bandwidth. */
export const TIERS = ['text', 'audio', 'lowVideo', 'video'] as const;
export type Tier = (typeof TIERS)[number];
/** Tiers that use LiveKit (everything but text). */
export type MediaTier = Exclude<Tier, 'text'>;

export const TIER_STORAGE_KEY = 'fair.videoTier';
/** Poor quality for this long steps down one tier. */
export const POOR_SUSTAIN_MS = 8_000;
/** Good quality for this long offers to step up one tier. */
export const GOOD_SUSTAIN_MS = 30_000;

/** What `navigator.connection` tells us, where the browser has it (Chromium does; Firefox and Safari do not). */
export interface ConnectionHints {
  saveData?: boolean;
  effectiveType?: string;
}

/** LiveKit's ConnectionQuality values, as strings so this module need not import livekit-client. */
export type Quality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

const rank = (tier: Tier) => TIERS.indexOf(tier);
const below = (tier: Tier): Tier => TIERS[Math.max(0, rank(tier) - 1)]!;
const above = (tier: Tier): Tier => TIERS[Math.min(TIERS.length - 1, rank(tier) + 1)]!;

/**
 * The tier the connection suggests: data saver or 2G → text, 3G → audio, faster → video.
 * Without hints we start on low video and let LiveKit's quality reports move us.
 */
export function tierFromHints(hints: ConnectionHints | undefined): Tier {
  if (!hints) return 'lowVideo';
  if (hints.saveData) return 'text';
  switch (hints.effectiveType) {
    case 'slow-2g':
    case '2g':
      return 'text';
    case '3g':
      return 'audio';
    case '4g':
      return 'video';
    default:
      return 'lowVideo';
  }
}

/** Where a member starts: text without video; else their remembered choice; else the hints. */
export function startingTier(options: { videoAvailable: boolean; stored: Tier | null; hints: ConnectionHints | undefined }): Tier {
  if (!options.videoAvailable) return 'text';
  return options.stored ?? tierFromHints(options.hints);
}

/** The minimal Storage this module needs (localStorage in the browser). */
export type TierStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadTierChoice(storage: TierStorage | undefined): Tier | null {
  try {
    const value = storage?.getItem(TIER_STORAGE_KEY);
    return isTier(value) ? value : null;
  } catch {
    return null;
  }
}

export function saveTierChoice(storage: TierStorage | undefined, tier: Tier): void {
  try {
    storage?.setItem(TIER_STORAGE_KEY, tier);
  } catch {
    // Storage blocked or full: the choice still applies to this visit.
  }
}

/** The ladder while in a booth. */
export interface Ladder {
  tier: Tier;
  /** Since when quality has been poor (or lost) without a break; null otherwise. */
  poorSince: number | null;
  /** Since when quality has been good or excellent without a break. */
  goodSince: number | null;
  /** A tier we offer to step up to; the member accepts or dismisses it. */
  offer: Tier | null;
  /** Set when the ladder stepped down by itself, so the page can say why. */
  steppedDownFrom: Tier | null;
}

export function createLadder(tier: Tier): Ladder {
  return { tier, poorSince: null, goodSince: null, offer: null, steppedDownFrom: null };
}

/** The member picked a tier: it applies at once and cancels anything pending. */
export function chooseTier(_ladder: Ladder, tier: Tier): Ladder {
  return createLadder(tier);
}

/** A ConnectionQuality report (LiveKit sends one on every change). */
export function observeQuality(ladder: Ladder, quality: Quality, now: number): Ladder {
  const poor = quality === 'poor' || quality === 'lost';
  const good = quality === 'good' || quality === 'excellent';
  return {
    ...ladder,
    poorSince: poor ? (ladder.poorSince ?? now) : null,
    goodSince: good ? (ladder.goodSince ?? now) : null,
  };
}

/** Applies whatever has been sustained long enough by `now`. */
export function evaluateLadder(ladder: Ladder, now: number): Ladder {
  if (ladder.poorSince !== null && now - ladder.poorSince >= POOR_SUSTAIN_MS && ladder.tier !== 'text') {
    // One step per sustained period: a further step needs Poor for another full period.
    return { tier: below(ladder.tier), poorSince: now, goodSince: null, offer: null, steppedDownFrom: ladder.steppedDownFrom ?? ladder.tier };
  }
  if (ladder.goodSince !== null && now - ladder.goodSince >= GOOD_SUSTAIN_MS && canOfferUp(ladder)) {
    return { ...ladder, offer: above(ladder.tier) };
  }
  return ladder;
}

/** Only back up towards where the member was before the ladder stepped down, never beyond. */
function canOfferUp(ladder: Ladder): boolean {
  return ladder.offer === null && ladder.steppedDownFrom !== null && rank(ladder.tier) < rank(ladder.steppedDownFrom);
}

/** The member took the offer: one tier up; further offers until they are back where they were. */
export function acceptOffer(ladder: Ladder, now: number): Ladder {
  if (ladder.offer === null) return ladder;
  const tier = ladder.offer;
  const back = ladder.steppedDownFrom === null || rank(tier) >= rank(ladder.steppedDownFrom);
  return { tier, poorSince: null, goodSince: now, offer: null, steppedDownFrom: back ? null : ladder.steppedDownFrom };
}

/** The member said no to the offer: ask again only after another good period. */
export function dismissOffer(ladder: Ladder, now: number): Ladder {
  return { ...ladder, offer: null, goodSince: ladder.goodSince === null ? null : now };
}

/** When `evaluateLadder` could next change something, for a single timer; null when nothing is pending. */
export function nextCheckAt(ladder: Ladder): number | null {
  const times: number[] = [];
  if (ladder.poorSince !== null && ladder.tier !== 'text') times.push(ladder.poorSince + POOR_SUSTAIN_MS);
  if (ladder.goodSince !== null && canOfferUp(ladder)) times.push(ladder.goodSince + GOOD_SUSTAIN_MS);
  return times.length ? Math.min(...times) : null;
}
