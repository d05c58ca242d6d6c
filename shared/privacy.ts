import { z } from 'zod';
import { CONTACT_SHARES, CONTACT_STATUSES } from './contacts.js';
import { LANGUAGES, PASSWORD_MAX_CHARS, REPORT_REASONS } from './limits.js';
import { INBOX_KINDS } from './inbox.js';
import { REPORT_STATUSES, RESTRICTION_KINDS } from './moderation.js';
import { ROLES } from './roles.js';

/**
 * `DELETE /api/me` body: the password again, so a session left open on a shared computer
 * cannot delete the account (replaced by the shared re-authentication guard once it lands).
 */
export const deleteAccountBodySchema = z.strictObject({ password: z.string().min(1).max(PASSWORD_MAX_CHARS) });
export type DeleteAccountBody = z.infer<typeof deleteAccountBodySchema>;

const time = z.string();
const nullableTime = time.nullable();

/**
 * `GET /api/me/export`: everything the fair holds about the member who asks. No token
 * hashes, no public keys, and nothing that identifies the staff who acted on them (their
 * role only): staff identities are staff data, while what was done and why is the member's.
 */
export const accountExportSchema = z.object({
  exportedAt: time,
  account: z.object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    verifiedName: z.string().nullable(),
    role: z.enum(ROLES),
    /** The language of the fair's emails to this person; null: English. */
    locale: z.enum(LANGUAGES).nullable(),
    createdAt: time,
    /** The code of conduct's version they accepted, and when; null: none yet. */
    conductVersionAccepted: z.number().int().nullable(),
    conductAcceptedAt: nullableTime,
    /** Their member organisation (from the roster, or set by them); null: none given. */
    organisation: z.string().nullable(),
  }),
  hostedBooths: z.array(z.object({ id: z.number().int(), slug: z.string(), name: z.string() })),
  sessions: z.array(z.object({ createdAt: time, lastSeenAt: nullableTime, expiresAt: time, browser: z.string().nullable(), method: z.string().nullable() })),
  passkeys: z.array(z.object({ name: z.string(), createdAt: time, lastUsedAt: nullableTime })),
  invites: z.array(z.object({ role: z.enum(ROLES), boothId: z.number().int().nullable(), createdAt: time, expiresAt: time, usedAt: nullableTime })),
  messages: z.array(
    z.object({ boothId: z.number().int(), booth: z.string(), seq: z.number().int(), body: z.string(), createdAt: time, deleted: z.boolean(), private: z.boolean() }),
  ),
  /** What they wrote in 1:1 conversations (issue 16); the other person's messages are theirs, not in here. */
  conversationMessages: z.array(
    z.object({ conversationId: z.number().int(), boothId: z.number().int(), booth: z.string(), seq: z.number().int(), body: z.string(), createdAt: time, deleted: z.boolean() }),
  ),
  visits: z.array(z.object({ boothId: z.number().int(), booth: z.string(), joinedAt: time, leftAt: nullableTime, private: z.boolean() })),
  privateAliases: z.array(z.object({ boothId: z.number().int(), number: z.number().int() })),
  /** Their ratings of booths (hosts see them without names). */
  boothFeedback: z.array(z.object({ boothId: z.number().int(), booth: z.string(), rating: z.number().int(), comment: z.string().nullable(), createdAt: time })),
  /** Their questions to booths (issue 16), removed ones too (staff removal keeps the text for the record), and the questions they upvoted. */
  questionsAsked: z.array(
    z.object({ id: z.number().int(), boothId: z.number().int(), booth: z.string(), body: z.string(), anonymous: z.boolean(), votes: z.number().int(), createdAt: time, answeredAt: nullableTime, removed: z.boolean() }),
  ),
  questionVotes: z.array(z.object({ questionId: z.number().int(), boothId: z.number().int(), booth: z.string(), createdAt: time })),
  reportsFiled: z.array(
    z.object({
      messageId: z.number().int(),
      boothId: z.number().int(),
      reason: z.enum(REPORT_REASONS),
      note: z.string().nullable(),
      status: z.enum(REPORT_STATUSES),
      createdAt: time,
      resolvedAt: nullableTime,
    }),
  ),
  restrictions: z.array(
    z.object({ kind: z.enum(RESTRICTION_KINDS), boothId: z.number().int().nullable(), reason: z.string(), createdAt: time, expiresAt: nullableTime, liftedAt: nullableTime }),
  ),
  /** Complaints filed under their name (anonymous ones hold nothing that links them to anyone). */
  complaintsFiled: z.array(
    z.object({ id: z.number().int(), category: z.string(), body: z.string(), status: z.string(), createdAt: time, steps: z.array(z.object({ status: z.string(), reply: z.string().nullable(), at: time })) }),
  ),
  /** Permissions granted to them beyond their role (such as handling complaints). */
  grants: z.array(z.object({ capability: z.string(), createdAt: time })),
  actionsOnMe: z.array(
    z.object({ action: z.string(), byRole: z.enum(ROLES).nullable(), boothId: z.number().int().nullable(), reason: z.string().nullable(), expiresAt: nullableTime, createdAt: time }),
  ),
  /** Their contact requests to booths (issue 16): what they wrote, what they agreed to share, and the answer. */
  contactRequests: z.array(
    z.object({
      boothId: z.number().int(),
      booth: z.string(),
      message: z.string(),
      share: z.array(z.enum(CONTACT_SHARES)),
      status: z.enum(CONTACT_STATUSES),
      note: z.string().nullable(),
      createdAt: time,
      answeredAt: nullableTime,
    }),
  ),
  /** Their answers to the fair's surveys (issue 15). */
  surveyAnswers: z.array(z.object({ surveyId: z.number().int(), answers: z.record(z.string(), z.unknown()), language: z.string(), answeredAt: time, changedAt: time })),
  /** Their inbox: the notices for them, and those for everyone they could see, each with when they read it. */
  inbox: z.array(
    z.object({ kind: z.enum(INBOX_KINDS), payload: z.record(z.string(), z.unknown()), forEveryone: z.boolean(), createdAt: time, readAt: nullableTime }),
  ),
});
export type AccountExport = z.infer<typeof accountExportSchema>;
