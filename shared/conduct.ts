import { z } from 'zod';
import { CONDUCT_TEXT_MAX_CHARS, LANGUAGES, type Language } from './limits.js';

/**
 * `PUT /api/admin/conduct`: the code of conduct's text per language. A change publishes a new
 * version, which every member accepts again before entering a booth.
 */
export const conductInputSchema = z.strictObject({
  /** The version the organiser was editing (0: none yet): another published meanwhile is a CONFLICT, not a silent overwrite. */
  baseVersion: z.number().int().min(0).max(2 ** 31 - 1),
  text: z
    .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(CONDUCT_TEXT_MAX_CHARS))
    .refine((text) => Object.keys(text).length > 0, 'the code of conduct needs its text in at least one language'),
});
export type ConductInput = z.infer<typeof conductInputSchema>;

/** `POST /api/conduct/accept`: the version the member read. */
export const conductAcceptSchema = z.strictObject({ version: z.number().int().min(1).max(2 ** 31 - 1) });

/** `GET /api/conduct`: the current version in the reader's language. */
export interface ConductView {
  /** 0 while organisers have published none (then nobody is asked to accept one). */
  version: number;
  text: string;
  /** The language `text` is in (the reader's, else the first the code has). */
  language: Language | null;
  /** Signed in: whether this person has accepted this version. Signed out: false. */
  accepted: boolean;
}

/** `GET /api/admin/conduct`: what organisers edit. */
export interface ConductAdminView {
  version: number;
  text: Partial<Record<Language, string>>;
  publishedAt: string | null;
}
