// The complaint values without zod, so the client's lazy chunks can use them without it.

/**
 * Complaints to the organisers (issue 15). The identifiers below are part of the public API:
 * `conduct_safety` (conduct or safety; alerts online moderators at once), `booth`,
 * `accessibility`, `technical`, `organisers`, `other`.
 */
export const COMPLAINT_CATEGORIES = ['conduct_safety', 'booth', 'accessibility', 'technical', 'organisers', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** received → acknowledged → in_progress → resolved | declined. */
export const COMPLAINT_STATUSES = ['received', 'acknowledged', 'in_progress', 'resolved', 'declined'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/**
 * Where each status may go next. A complaint may be declined at any open step, and resolved
 * once acknowledged (a quick fix needs no separate "in progress"); closed ones stay closed.
 */
export const COMPLAINT_NEXT: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  received: ['acknowledged', 'declined'],
  acknowledged: ['in_progress', 'resolved', 'declined'],
  in_progress: ['resolved', 'declined'],
  resolved: [],
  declined: [],
};

/** True when a complaint may move from `from` to `to`. */
export function mayMoveComplaint(from: string, to: ComplaintStatus): boolean {
  return Object.hasOwn(COMPLAINT_NEXT, from) && COMPLAINT_NEXT[from as ComplaintStatus].includes(to);
}

export const COMPLAINT_BODY_MAX_CHARS = 4000;
export const COMPLAINT_REPLY_MAX_CHARS = 2000;
/** How much of a message the complaint form shows when a complaint is about it (characters). */
export const COMPLAINT_MESSAGE_EXCERPT_MAX_CHARS = 160;

/**
 * A tracking code: 20 characters of Crockford's base32 (100 random bits), shown in groups of
 * four ("7KQ2-…"). Typing it back ignores case, spaces and dashes.
 */
export const TRACKING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_CHARS = 20;

/** The code as stored for lookup (before hashing): upper case, no separators; null when it cannot be one. */
export function normaliseTrackingCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== TRACKING_CODE_CHARS) return null;
  for (const char of compact) if (!TRACKING_CODE_ALPHABET.includes(char)) return null;
  return compact;
}
