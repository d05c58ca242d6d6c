/**
 * The display-name rule both sides apply: what a name becomes (NFKC, trimmed, single spaces)
 * and which characters it may not hold. Names are shown to everyone, so nothing invisible,
 * nothing that reorders text (bidi controls) and nothing that only looks like a letter in a
 * compatibility form may pass. Role words and look-alikes of staff names need the confusables
 * table, which stays on the server (server/auth/name-guard.ts).
 */
import { DISPLAY_NAME_MAX_CHARS } from './limits.js';

/** Why a normalised name is refused; the client translates these, the server sends the message. */
export const DISPLAY_NAME_PROBLEMS = ['empty', 'too-long', 'control', 'bidi', 'invisible', 'marks'] as const;
export type DisplayNameProblem = (typeof DISPLAY_NAME_PROBLEMS)[number];

/**
 * Every reason a name may be refused: the character rules here, plus the two the server adds
 * (a role word; a look-alike of a staff member's name). Sent as `details.reason`.
 */
export type DisplayNameRefusal = DisplayNameProblem | 'role-word' | 'staff-lookalike';

/** English messages for INVALID_PAYLOAD (field `displayName`). */
export const DISPLAY_NAME_PROBLEM_MESSAGES: Readonly<Record<DisplayNameProblem, string>> = {
  empty: 'a display name cannot be blank',
  'too-long': `a display name has at most ${DISPLAY_NAME_MAX_CHARS} characters`,
  control: 'a display name cannot contain control characters or line breaks',
  bidi: 'a display name cannot contain text-direction controls (such as U+202E)',
  invisible: 'a display name cannot contain invisible characters (zero-width, soft hyphen, variation selectors, fillers)',
  marks: 'a display name cannot stack more than 4 accents on one letter',
};

/** A raw name longer than this is refused before it is normalised (NFKC can expand text). */
export const DISPLAY_NAME_RAW_MAX_CHARS = DISPLAY_NAME_MAX_CHARS * 4;

/** Most accents any script stacks on one letter (Vietnamese uses two). Zalgo text uses dozens. */
const MAX_STACKED_MARKS = 4;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/**
 * Format characters (Cf: zero-width spaces and joiners, U+2060, U+FEFF, soft hyphen, tags),
 * variation selectors, the combining grapheme joiner, blank "letters" (Hangul fillers,
 * braille blank, U+3164), private-use, surrogate and unassigned code points.
 */
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cs}\p{Cn}\u115f\u1160\u2800\u3164\uffa0]/u;
/** Invisible combining marks, tested by code point (a regex class of marks reads ambiguously). */
function isInvisibleMark(codePoint: number): boolean {
  return (
    codePoint === 0x034f ||
    codePoint === 0x17b4 ||
    codePoint === 0x17b5 ||
    (codePoint >= 0x180b && codePoint <= 0x180f) || (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef)
  );
}
const STACKED_MARKS = new RegExp(`\\p{M}{${MAX_STACKED_MARKS + 1},}`, 'u');

/** NFKC ("Ｋｏｆｉ" → "Kofi"), trimmed, every run of white space made one plain space. */
export function normaliseDisplayName(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** What is wrong with an already normalised name, or null when it may be used. */
export function displayNameProblem(name: string): DisplayNameProblem | null {
  if (name.length === 0) return 'empty';
  if ([...name].length > DISPLAY_NAME_MAX_CHARS) return 'too-long';
  const characters = characterProblem(name);
  if (characters) return characters;
  if (STACKED_MARKS.test(name)) return 'marks';
  return null;
}

/**
 * Normalises and checks a name in one step: the name to store, or the problem. Characters
 * are checked in the raw text too, so a line break is refused rather than folded to a space.
 */
export function checkDisplayName(raw: string): { ok: true; name: string } | { ok: false; problem: DisplayNameProblem } {
  if (raw.length > DISPLAY_NAME_RAW_MAX_CHARS) return { ok: false, problem: 'too-long' };
  const name = normaliseDisplayName(raw);
  // Only ordinary white space may be trimmed away unseen (String.trim would drop U+FEFF too).
  const problem = characterProblem(raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')) ?? displayNameProblem(name);
  return problem ? { ok: false, problem } : { ok: true, name };
}

function characterProblem(text: string): DisplayNameProblem | null {
  if (CONTROL.test(text)) return 'control';
  if (BIDI.test(text)) return 'bidi';
  if (INVISIBLE.test(text) || [...text].some((char) => isInvisibleMark(char.codePointAt(0)!))) return 'invisible';
  return null;
}
