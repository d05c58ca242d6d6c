/**
 * Refuses display names that pass for staff: role words in English, Spanish and French
 * ("Kofi (moderator)", "M0derator", "mоderator" with a Cyrillic о) and look-alikes of a staff
 * member's name ("Аmara Host" beside "Amara Host"). Both compare UTS #39-style skeletons, so
 * homoglyphs, accents, case, digits-for-letters and punctuation do not get a name through.
 * Staff are not checked: their role shows as a badge, and they keep their own names.
 */
import { remove as foldConfusables } from 'confusables';
import { ROLE_RANK, type Role } from '../../shared/roles.js';

/**
 * Words that claim a role or official standing, in the fair's three languages. Matched as
 * whole words (plurals too) on skeletons; the long ones also inside run-together names.
 */
export const RESERVED_ROLE_WORDS = [
  // moderator
  'moderator', 'moderadora', 'moderador', 'moderateur', 'moderatrice', 'mod', 'modo',
  // admin
  'admin', 'administrator', 'administrador', 'administradora', 'administrateur', 'administratrice', 'sysop',
  // host
  'host', 'hostess', 'anfitrion', 'anfitriona', 'hote', 'hotesse', 'animateur', 'animatrice',
  // staff, team, organiser
  'staff', 'personal', 'equipe', 'team', 'equipo', 'crew',
  'organiser', 'organizer', 'organizador', 'organizadora', 'organisateur', 'organisatrice', 'organizacion', 'organisation', 'organization',
  // support, official, security
  'support', 'soporte', 'official', 'oficial', 'officiel', 'officielle', 'security', 'seguridad', 'securite',
  // the pseudonym members see for a private visitor ("Private visitor 4"), so no one can pose as one
  'private', 'privado', 'privada', 'prive', 'privee',
] as const;

/** Long words are unlikely inside real names, so "KofiModeratorTeam" and "m o d e r a t o r" hit too. */
const RUN_TOGETHER_MIN_CHARS = 7;

/**
 * Characters people type for letters. Applied after the confusables table, which maps
 * letter look-alikes across scripts but leaves digits alone.
 */
const LETTER_LOOKALIKES: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', '$': 's', '|': 'l', '!': 'i', '€': 'e',
};

/**
 * The skeleton of a text: NFKC, cross-script look-alikes folded to their Latin prototypes
 * (the `confusables` table), accents stripped (NFKD without combining marks), lower case,
 * digits read as letters, "rn" read as "m", l and I read as i, and everything but letters and
 * digits dropped. Two names with the same skeleton look the same on screen.
 */
export function nameSkeleton(text: string): string {
  const folded = foldConfusables(text.normalize('NFKC'))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
  let skeleton = '';
  for (const char of folded) {
    const letter = LETTER_LOOKALIKES[char] ?? char;
    if (/[\p{L}\p{N}]/u.test(letter)) skeleton += letter;
  }
  // Capital I and small l are one glyph in many fonts: both become i (so does 1).
  return skeleton.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/l/g, 'i');
}

const RESERVED_SKELETONS = new Map<string, string>(RESERVED_ROLE_WORDS.map((word) => [nameSkeleton(word), word]));
const RUN_TOGETHER_SKELETONS = [...RESERVED_SKELETONS].filter(([skeleton]) => skeleton.length >= RUN_TOGETHER_MIN_CHARS);

/** The words of a name: split at spaces and punctuation, and where lower case meets capital. */
function wordsOf(name: string): string[] {
  const spaced = foldConfusables(name.normalize('NFKC')).replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
  const words = spaced.split(/[^\p{L}\p{M}\p{N}@$|!€]+/u).filter(Boolean);
  // "M o d" spelt out: runs of one-letter words count as one word.
  const joined: string[] = [];
  let run = '';
  for (const word of words) {
    if ([...word].length === 1) run += word;
    else {
      if (run.length > 1) joined.push(run);
      run = '';
    }
  }
  if (run.length > 1) joined.push(run);
  return [...words, ...joined];
}

/** The reserved role word a name uses, or null. */
export function reservedWordIn(name: string): string | null {
  for (const word of wordsOf(name)) {
    const skeleton = nameSkeleton(word);
    for (const candidate of [skeleton, skeleton.replace(/e?s$/, '')]) {
      const reserved = RESERVED_SKELETONS.get(candidate);
      if (reserved) return reserved;
    }
  }
  const whole = nameSkeleton(name);
  for (const [skeleton, word] of RUN_TOGETHER_SKELETONS) if (whole.includes(skeleton)) return word;
  return null;
}

/** Whether someone with this fair role is staff (hosts, moderators, organisers). */
export function isStaffRole(role: Role): boolean {
  return ROLE_RANK[role] > ROLE_RANK.member;
}

export type NameVerdict = { ok: true } | { ok: false; reason: 'role-word' | 'staff-lookalike'; message: string };

/**
 * Checks a normalised display name for someone who will hold `role`, against the skeletons
 * of staff names (`staffSkeletons`, built with {@link staffSkeletonsOf}).
 */
export function checkNameClaim(name: string, role: Role, staffSkeletons: ReadonlySet<string>): NameVerdict {
  if (isStaffRole(role)) return { ok: true };
  const word = reservedWordIn(name);
  if (word) {
    return { ok: false, reason: 'role-word', message: `"${word}" is kept for staff, whose role shows as a badge next to their name; please choose another name` };
  }
  if (staffSkeletons.has(nameSkeleton(name))) {
    return { ok: false, reason: 'staff-lookalike', message: 'this name looks like the name of a host, moderator or organiser; please choose another name' };
  }
  return { ok: true };
}

/** The skeletons of staff names, ready for {@link checkNameClaim}. */
export function staffSkeletonsOf(staffNames: Iterable<string>): Set<string> {
  const skeletons = new Set<string>();
  for (const name of staffNames) {
    const skeleton = nameSkeleton(name);
    if (skeleton) skeletons.add(skeleton);
  }
  return skeletons;
}
