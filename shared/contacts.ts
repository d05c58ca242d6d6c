/**
 * Contact requests and 1:1 conversations (issue 16): the values both sides agree on.
 * The contact commands' schemas are here; protocol.ts registers them with the others.
 */
import { z } from 'zod';

/** What a member may agree to share with a booth's staff; the display name is always shown. */
export const CONTACT_SHARES = ['name', 'organisation', 'email'] as const;
export type ContactShare = (typeof CONTACT_SHARES)[number];

/** open → accepted | declined | email (answered by staff) | closed (the fair ended unanswered). */
export const CONTACT_STATUSES = ['open', 'accepted', 'declined', 'email', 'closed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** How staff answer a request: `contact:answer { answer }`. */
export const CONTACT_ANSWERS = ['accept', 'decline', 'email'] as const;
export type ContactAnswer = (typeof CONTACT_ANSWERS)[number];


const DB_INT_MAX = 2 ** 31 - 1;
const id = z.number().int().positive().max(DB_INT_MAX);

/** The longest message a member sends with a contact request. */
export const CONTACT_MESSAGE_MAX_CHARS = 500;
/** The longest note staff send with a decline or "we will email you". */
export const CONTACT_NOTE_MAX_CHARS = 500;
/** Contact requests one member may send in CONTACT_REQUEST_WINDOW_MS (all booths together). */
export const CONTACT_REQUESTS_PER_WINDOW = 5;
export const CONTACT_REQUEST_WINDOW_MS = 10 * 60_000;
/** How often each node looks for open requests of a fair that has ended (the sweep is idempotent). */
export const CONTACT_SWEEP_MS = 60_000;

/** Plain text: CRLF becomes LF, trimmed, no control characters but newline. */
function plainText(max: number, what: string) {
  return z
    .string()
    .max(max * 2)
    .transform((text) => text.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, `${what} is empty`)
        .max(max, `${what} is longer than ${max} characters`)
        // eslint-disable-next-line no-control-regex
        .refine((text) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text), `${what} contains control characters`),
    );
}

/**
 * `contact:request`: ask a booth's staff for a follow-up. `share` is what the member agrees to
 * let staff see; the display name is always shown (so 'name' is implied), organisation and
 * email only when listed.
 */
export const contactRequestSchema = z.strictObject({
  boothId: id,
  message: plainText(CONTACT_MESSAGE_MAX_CHARS, 'message'),
  share: z
    .array(z.enum(CONTACT_SHARES))
    .max(CONTACT_SHARES.length)
    .refine((share) => new Set(share).size === share.length, 'share lists a choice twice')
    .transform((share): ContactShare[] => CONTACT_SHARES.filter((choice) => choice === 'name' || share.includes(choice))),
});

/**
 * `contact:answer`: a staff member of the booth answers an open request. A note goes with a
 * decline (required) or "we will email you" (optional), never with an accept.
 */
export const contactAnswerSchema = z
  .strictObject({ requestId: id, answer: z.enum(CONTACT_ANSWERS), note: plainText(CONTACT_NOTE_MAX_CHARS, 'note').optional() })
  .refine((body) => body.answer !== 'decline' || body.note !== undefined, { message: 'a decline needs a note', path: ['note'] })
  .refine((body) => body.answer !== 'accept' || body.note === undefined, { message: 'a note goes with a decline or an email answer, not an accept', path: ['note'] });

/** The `contact:request` ack. */
export const contactRequestedDataSchema = z.object({ requestId: id });
/** The `contact:answer` ack: the request's new status, and on accept the conversation it opened. */
export const contactAnsweredDataSchema = z.object({ requestId: id, status: z.enum(CONTACT_STATUSES), conversationId: id.optional() });

/** A person as a contact request shows them: organisation and email only when the member shared them. */
export const contactMemberSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  organisation: z.string().nullable().optional(),
  email: z.string().optional(),
});

/**
 * One contact request: the staff list, the member's own list, and the live events
 * `contact:requested` / `contact:updated`. `member` holds only what the member agreed to share.
 */
export const contactRequestViewSchema = z.object({
  id,
  boothId: id,
  boothName: z.string(),
  boothSlug: z.string(),
  message: z.string(),
  share: z.array(z.enum(CONTACT_SHARES)),
  status: z.enum(CONTACT_STATUSES),
  member: contactMemberSchema,
  /** The staff member who answered (null while open, and for a request closed by the fair's end). */
  answeredBy: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  answeredAt: z.string().nullable(),
  note: z.string().nullable(),
  /** The conversation an accept opened (only to the member and the staff member in it). */
  conversationId: id.nullable(),
  createdAt: z.string(),
});
export type ContactRequestView = z.infer<typeof contactRequestViewSchema>;

/** `GET /api/contacts/summary`: open requests in the booths this person hosts (the header's count). */
export interface ContactSummary {
  open: number;
  booths: { boothId: number; slug: string; open: number }[];
}
