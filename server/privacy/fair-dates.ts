import type { Config } from '../config.js';

/**
 * When the fair ends, or null while nobody has said. The one place that answers: today it is
 * the FAIR_ENDS_AT setting; organiser settings will answer here later.
 */
export function fairEndsAt(config: Pick<Config, 'fairEndsAt'>): Date | null {
  return config.fairEndsAt;
}
