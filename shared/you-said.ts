import { z } from 'zod';
import { LANGUAGES, RESPONSE_BODY_MAX_CHARS, RESPONSE_TITLE_MAX_CHARS } from './limits.js';

const perLanguage = (max: number) =>
  z
    .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(max))
    .refine((text) => Object.keys(text).length > 0, 'needs a text in at least one language');

/** A complaint category or a feedback theme: a short lowercase tag. */
const tag = z.string().trim().toLowerCase().regex(/^[\p{L}\p{N}_ -]{1,40}$/u, 'a short tag (letters, digits, spaces, - or _)');

/**
 * `POST /api/responses` ("You said, we did"): what the organisers changed, per language, and
 * what it answers. Members whose named complaint is in a linked category are told in their inbox.
 */
export const responseInputSchema = z.strictObject({
  title: perLanguage(RESPONSE_TITLE_MAX_CHARS),
  body: perLanguage(RESPONSE_BODY_MAX_CHARS),
  links: z
    .strictObject({
      complaintCategories: z.array(tag).max(20).optional(),
      themes: z.array(tag).max(20).optional(),
      surveyId: z.number().int().positive().max(2 ** 31 - 1).optional(),
    })
    .optional(),
});
export type ResponseInput = z.infer<typeof responseInputSchema>;

/** What a response links to. */
export interface ResponseLinks {
  complaintCategories: string[];
  themes: string[];
  surveyId: number | null;
}

/** `GET /api/responses`: newest first, each in the reader's language (else another it has). */
export interface ResponseView {
  id: number;
  title: string;
  body: string;
  links: ResponseLinks;
  publishedAt: string;
}
