/**
 * Private 1:1 conversations between a member and one staff member of a booth (issue 16),
 * opened when the staff member accepts the member's contact request.
 */
import { z } from 'zod';
import { MODERATION_REASON_MAX_CHARS, REPORT_REASONS } from './limits.js';
import { REPORT_STATUSES } from './moderation.js';
import { ROLES } from './roles.js';

const DB_INT_MAX = 2 ** 31 - 1;

/** One side of a conversation, as the other side sees them. */
export const conversationPartySchema = z.object({ id: z.string(), displayName: z.string() });

/**
 * A conversation: the `conversation:created` event (to both people, all their tabs) and an entry
 * of their "Conversations" list. `lastSeq` is its highest message sequence number (0 when empty).
 */
export const conversationSchema = z.object({
  id: z.number().int().positive().max(DB_INT_MAX),
  boothId: z.number().int().positive().max(DB_INT_MAX),
  boothName: z.string(),
  /** The contact request it answered (null once that request is gone). */
  requestId: z.number().int().positive().max(DB_INT_MAX).nullable(),
  member: conversationPartySchema,
  staff: conversationPartySchema,
  lastSeq: z.number().int().min(0).max(DB_INT_MAX),
  createdAt: z.string(),
});
export type Conversation = z.infer<typeof conversationSchema>;

// ---- Messages, history and reports (the conversation's own protocol; payloads that take a
// message body are in protocol.ts beside chat's, so both use one body schema) ---------------

const id = z.number().int().positive().max(DB_INT_MAX);
const seq = z.number().int().min(0).max(DB_INT_MAX);

/** The author of a conversation message; an erased account's is `DELETED_AUTHOR` (shared/deleted-account.ts). */
export const conversationAuthorSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/**
 * A stored message of a conversation: the `conversation:send` ack, the `conversation:message`
 * event (to both people, all their tabs) and a `conversation:history` entry. A message removed by a
 * moderator (or whose author erased their account) comes with `deleted: true` and an empty body.
 */
export const conversationMessageSchema = z.object({
  id: z.number().int(),
  conversationId: id,
  seq,
  clientMsgId: z.string(),
  author: conversationAuthorSchema,
  body: z.string(),
  createdAt: z.string(),
  deleted: z.literal(true).optional(),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

/** The `conversation:history` ack: messages in sequence order. */
export const conversationHistoryDataSchema = z.object({ messages: z.array(conversationMessageSchema) });

/** `GET /api/conversations`: one's conversations, the latest first. */
export const conversationListSchema = z.object({ conversations: z.array(conversationSchema) });
export type ConversationList = z.infer<typeof conversationListSchema>;

/** `conversation:deleted`: a moderator removed a message; drop its body, keep its place. */
export const conversationDeletedSchema = z.object({ conversationId: id, messageId: z.number().int(), seq });
export type ConversationDeleted = z.infer<typeof conversationDeletedSchema>;

/** A reason or note: trimmed, 1–500 characters, newlines allowed, no other control characters. */
const note = z
  .string()
  .trim()
  .min(1)
  .max(MODERATION_REASON_MAX_CHARS)
  // eslint-disable-next-line no-control-regex
  .refine((text) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text), 'must not contain control characters');

/** `conversation:report`: one of the two people reports a message the other wrote, once per message. */
export const conversationReportCreateSchema = z.strictObject({ messageId: id, reason: z.enum(REPORT_REASONS), note: note.optional() });
/** The `conversation:report` ack. */
export const conversationReportCreateDataSchema = z.object({ reportId: z.number().int() });
/** `conversation:delete`: a moderator removes a reported message (soft: the row stays for the record). */
export const conversationDeleteSchema = z.strictObject({ messageId: id, reason: note.optional() });
/** The `conversation:delete` ack. */
export const conversationDeleteDataSchema = z.object({ messageId: z.number().int(), conversationId: z.number().int() });
/** `conversation:resolve`: a moderator closes a report with a note the reporter reads in their inbox. */
export const conversationResolveSchema = z.strictObject({ reportId: id, outcome: z.enum(['resolved', 'dismissed']), note });

const person = z.object({ id: z.string(), displayName: z.string() });
/** One line of the context a moderator sees around a reported message. */
const contextLineSchema = z.object({ seq, author: conversationAuthorSchema, body: z.string(), deleted: z.boolean() });

/**
 * A report of a conversation message, as moderators see it (`GET /api/moderation/conversation-reports`,
 * the `conversation:report-created` / `conversation:report-updated` events to the `moderators` room):
 * the message as written (kept after a removal) and the few messages before it.
 */
export const conversationReportSchema = z.object({
  id: z.number().int(),
  messageId: z.number().int(),
  conversationId: z.number().int(),
  boothId: z.number().int(),
  boothName: z.string(),
  reason: z.enum(REPORT_REASONS),
  note: z.string().nullable(),
  status: z.enum(REPORT_STATUSES),
  reporter: conversationAuthorSchema,
  message: z.object({ seq, body: z.string(), author: conversationAuthorSchema, deleted: z.boolean() }),
  /** Up to CONVERSATION_REPORT_CONTEXT messages before the reported one, in order, as written. */
  context: z.array(contextLineSchema),
  resolution: z.object({ note: z.string(), by: person, at: z.string() }).nullable(),
  createdAt: z.string(),
});
export type ConversationReport = z.infer<typeof conversationReportSchema>;

/** How many earlier messages a moderator sees around a reported one. */
export const CONVERSATION_REPORT_CONTEXT = 5;
