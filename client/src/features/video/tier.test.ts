import { describe, expect, it } from 'vitest';
import {
  acceptOffer,
  chooseTier,
  createLadder,
  dismissOffer,
  evaluateLadder,
  GOOD_SUSTAIN_MS,
  loadTierChoice,
  nextCheckAt,
  observeQuality,
  POOR_SUSTAIN_MS,
  saveTierChoice,
  startingTier,
  TIER_STORAGE_KEY,
  tierFromHints,
  type TierStorage,
} from './tier.js';

function memoryStorage(initial: Record<string, string> = {}): TierStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
  };
}

describe('tierFromHints', () => {
  it('starts data savers and 2G connections on text', () => {
    expect(tierFromHints({ saveData: true, effectiveType: '4g' })).toBe('text');
    expect(tierFromHints({ effectiveType: '2g' })).toBe('text');
    expect(tierFromHints({ effectiveType: 'slow-2g' })).toBe('text');
  });

  it('starts 3G on audio and 4G on video', () => {
    expect(tierFromHints({ effectiveType: '3g' })).toBe('audio');
    expect(tierFromHints({ effectiveType: '4g', saveData: false })).toBe('video');
  });

  it('starts on low video when the browser gives no hints', () => {
    expect(tierFromHints(undefined)).toBe('lowVideo');
    expect(tierFromHints({})).toBe('lowVideo');
  });
});

describe('startingTier', () => {
  it('is text whenever video is unavailable, whatever was chosen', () => {
    expect(startingTier({ videoAvailable: false, stored: 'video', hints: { effectiveType: '4g' } })).toBe('text');
  });

  it('prefers the remembered choice over the hints', () => {
    expect(startingTier({ videoAvailable: true, stored: 'text', hints: { effectiveType: '4g' } })).toBe('text');
    expect(startingTier({ videoAvailable: true, stored: 'video', hints: { saveData: true } })).toBe('video');
    expect(startingTier({ videoAvailable: true, stored: null, hints: { effectiveType: '3g' } })).toBe('audio');
  });
});

describe('remembered choice', () => {
  it('round-trips through storage under one key', () => {
    const storage = memoryStorage();
    expect(loadTierChoice(storage)).toBeNull();
    saveTierChoice(storage, 'audio');
    expect(storage.data[TIER_STORAGE_KEY]).toBe('audio');
    expect(loadTierChoice(storage)).toBe('audio');
  });

  it('ignores junk and survives blocked storage', () => {
    expect(loadTierChoice(memoryStorage({ [TIER_STORAGE_KEY]: 'toString' }))).toBeNull();
    const blocked: TierStorage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(loadTierChoice(blocked)).toBeNull();
    expect(() => saveTierChoice(blocked, 'text')).not.toThrow();
  });
});

describe('the ladder', () => {
  const t0 = 1_000_000;

  it('steps down one tier only after Poor is sustained', () => {
    let ladder = observeQuality(createLadder('video'), 'poor', t0);
    expect(evaluateLadder(ladder, t0 + POOR_SUSTAIN_MS - 1).tier).toBe('video');
    expect(nextCheckAt(ladder)).toBe(t0 + POOR_SUSTAIN_MS);
    ladder = evaluateLadder(ladder, t0 + POOR_SUSTAIN_MS);
    expect(ladder).toMatchObject({ tier: 'lowVideo', steppedDownFrom: 'video' });
    // The next step needs another full period of Poor.
    expect(evaluateLadder(ladder, t0 + POOR_SUSTAIN_MS + 1).tier).toBe('lowVideo');
    ladder = evaluateLadder(ladder, t0 + 2 * POOR_SUSTAIN_MS);
    expect(ladder.tier).toBe('audio');
    ladder = evaluateLadder(ladder, t0 + 3 * POOR_SUSTAIN_MS);
    expect(ladder.tier).toBe('text');
    expect(nextCheckAt(ladder)).toBeNull();
    expect(evaluateLadder(ladder, t0 + 10 * POOR_SUSTAIN_MS).tier).toBe('text');
  });

  it('does not step down for a short dip', () => {
    let ladder = observeQuality(createLadder('video'), 'poor', t0);
    ladder = observeQuality(ladder, 'good', t0 + POOR_SUSTAIN_MS / 2);
    ladder = observeQuality(ladder, 'poor', t0 + POOR_SUSTAIN_MS - 10);
    expect(evaluateLadder(ladder, t0 + POOR_SUSTAIN_MS + 10).tier).toBe('video');
    // A repeated Poor report does not restart the clock.
    ladder = observeQuality(ladder, 'lost', t0 + POOR_SUSTAIN_MS);
    expect(evaluateLadder(ladder, t0 + 2 * POOR_SUSTAIN_MS - 10).tier).toBe('lowVideo');
  });

  it('offers to step up after sustained Good, only back towards where it was', () => {
    let ladder = evaluateLadder(observeQuality(createLadder('video'), 'poor', t0), t0 + POOR_SUSTAIN_MS);
    expect(ladder.tier).toBe('lowVideo');
    const good = t0 + POOR_SUSTAIN_MS + 1;
    ladder = observeQuality(ladder, 'excellent', good);
    expect(evaluateLadder(ladder, good + GOOD_SUSTAIN_MS - 1).offer).toBeNull();
    ladder = evaluateLadder(ladder, good + GOOD_SUSTAIN_MS);
    expect(ladder).toMatchObject({ tier: 'lowVideo', offer: 'video' });
    ladder = acceptOffer(ladder, good + GOOD_SUSTAIN_MS + 5);
    expect(ladder).toMatchObject({ tier: 'video', offer: null, steppedDownFrom: null });
    expect(nextCheckAt(ladder)).toBeNull();
  });

  it('never offers more than the member chose', () => {
    const ladder = observeQuality(createLadder('audio'), 'excellent', t0);
    expect(evaluateLadder(ladder, t0 + 10 * GOOD_SUSTAIN_MS).offer).toBeNull();
  });

  it('asks again only after another good period when the offer is dismissed', () => {
    let ladder = evaluateLadder(observeQuality(createLadder('lowVideo'), 'poor', t0), t0 + POOR_SUSTAIN_MS);
    ladder = evaluateLadder(observeQuality(ladder, 'good', t0 + POOR_SUSTAIN_MS), t0 + POOR_SUSTAIN_MS + GOOD_SUSTAIN_MS);
    expect(ladder.offer).toBe('lowVideo');
    const dismissedAt = t0 + POOR_SUSTAIN_MS + GOOD_SUSTAIN_MS + 100;
    ladder = dismissOffer(ladder, dismissedAt);
    expect(evaluateLadder(ladder, dismissedAt + GOOD_SUSTAIN_MS - 1).offer).toBeNull();
    expect(evaluateLadder(ladder, dismissedAt + GOOD_SUSTAIN_MS).offer).toBe('lowVideo');
  });

  it('lets a manual choice override everything pending', () => {
    let ladder = evaluateLadder(observeQuality(createLadder('video'), 'poor', t0), t0 + POOR_SUSTAIN_MS);
    ladder = chooseTier(ladder, 'video');
    expect(ladder).toEqual({ tier: 'video', poorSince: null, goodSince: null, offer: null, steppedDownFrom: null });
    expect(evaluateLadder(ladder, t0 + 5 * POOR_SUSTAIN_MS).tier).toBe('video');
  });
});
