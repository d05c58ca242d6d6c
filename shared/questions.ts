/**
 * Questions to a booth (issue 16): the text-mode way to raise a hand. Members ask, optionally
 * without their name shown to other members, and upvote; the booth's staff mark questions
 * answered (or answer in chat, linked back) and remove them. Reference: docs/PROTOCOL.md.
 */
import { z } from 'zod';
import { MODERATION_REASON_MAX_CHARS } from './limits.js';
import { ROLES } from './roles.js';

/** Longest question, in characters (after trimming). */
export const QUESTION_BODY_MAX_CHARS = 500;
/** Questions `question:list` returns at most: the open ones with the most votes, then the latest answered. */
export const QUESTION_LIST_MAX = 200;
/** New questions per person, fair-wide, per QUESTION_RATE_WINDOW_MS. */
export const QUESTION_RATE_MAX_ASKS = 5;
/** Votes and withdrawn votes per person, fair-wide, per QUESTION_RATE_WINDOW_MS: each one is a frame to the whole booth. */
export const QUESTION_RATE_MAX_VOTES = 20;
export const QUESTION_RATE_WINDOW_MS = 60_000;
/** The same question from the same person in the same booth within this is a resend: it answers the stored one. */
export const QUESTION_RESEND_WINDOW_MS = 10 * 60_000;

/** The fragment a chat message carries to link back to a question (`#question-12`). */
export const questionAnchor = (questionId: number): string => `question-${questionId}`;

/** Ids are 32-bit integer columns in PostgreSQL: anything larger names nothing. */
const id = z.number().int().positive().max(2 ** 31 - 1);

/**
 * A question's text: CRLF becomes LF, then trimmed; 1–500 characters; no control characters
 * except newline (the chat body's rules, shorter).
 */
export const questionBodySchema = z
  .string()
  .max(QUESTION_BODY_MAX_CHARS * 2)
  .transform((body) => body.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1, 'question is empty')
      .max(QUESTION_BODY_MAX_CHARS, `question is longer than ${QUESTION_BODY_MAX_CHARS} characters`)
      // eslint-disable-next-line no-control-regex
      .refine((body) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(body), 'question contains control characters'),
  );

// ---- Client → server payloads -------------------------------------------------------------

/** `question:ask`: ask the booth a question; `anonymous` hides your name from other members (never from staff). */
export const questionAskSchema = z.strictObject({ boothId: id, body: questionBodySchema, anonymous: z.boolean().optional() });
/** `question:list`: the booth's questions as you may see them. */
export const questionListSchema = z.strictObject({ boothId: id });
/** `question:vote` / `question:unvote`: add your vote to a question, or take it back. */
export const questionVoteSchema = z.strictObject({ questionId: id });
/** `question:answer`: staff mark a question answered; `messageId` links the chat message (same booth) that answers it. */
export const questionAnswerSchema = z.strictObject({ questionId: id, messageId: id.optional() });
/** `question:remove`: staff take a question down (audited); `reason` goes to the audit log. */
export const questionRemoveSchema = z.strictObject({
  questionId: id,
  reason: z.string().trim().max(MODERATION_REASON_MAX_CHARS).optional(),
});

export type QuestionAsk = z.input<typeof questionAskSchema>;

// ---- Server → client payloads -------------------------------------------------------------

const personSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/**
 * A question as one viewer may see it. `asker` is null when it is hidden from you: a question
 * asked anonymously, or during a private visit (always stored anonymous), seen by a member who
 * is neither its asker nor the booth's staff. Staff (hosts of the booth, moderators, admins)
 * always get the asker, with `anonymous` saying what members see.
 */
export const questionSchema = z.object({
  id,
  boothId: id,
  /** Empty once removed. */
  body: z.string(),
  /** How many members upvoted it (each once). */
  votes: z.number().int().min(0),
  asker: personSchema.nullable(),
  anonymous: z.boolean(),
  /** Only to its asker: this is your question (you cannot vote for it). */
  mine: z.literal(true).optional(),
  /**
   * Whether you upvoted it: in lists and acks, and in the event sent to the person whose vote
   * changed; absent in events to everyone else (keep what you had).
   */
  votedByMe: z.boolean().optional(),
  /** Null while open. `messageId`: the chat message that answers it, if staff linked one. */
  answered: z
    .object({ at: z.string(), by: personSchema.nullable(), messageId: z.number().int().nullable() })
    .nullable(),
  /** Taken down by staff: drop it (only ever in `question:updated`; lists leave removed questions out). */
  removed: z.literal(true).optional(),
  createdAt: z.string(),
});
export type Question = z.infer<typeof questionSchema>;

/** The `question:ask` ack: the new question's id, and the question as you see it. */
export const questionAskDataSchema = z.object({ questionId: id, question: questionSchema });
/** The `question:list` ack: open questions (most votes first, then the earliest asked), then answered ones (latest answered first). */
export const questionListDataSchema = z.object({ boothId: id, questions: z.array(questionSchema) });

/**
 * The order of a booth's questions, for the server's list and the client's live updates alike:
 * open before answered; open ones by votes (most first), then the earliest asked; answered ones
 * latest answered first.
 */
export function compareQuestions(a: Question, b: Question): number {
  if (!a.answered !== !b.answered) return a.answered ? 1 : -1;
  if (a.answered && b.answered) return b.answered.at.localeCompare(a.answered.at) || a.id - b.id;
  return b.votes - a.votes || a.id - b.id;
}
