/**
 * Private 1:1 conversations between a member and one staff member of a booth (issue 16),
 * opened when the staff member accepts the member's contact request.
 */
import { z } from 'zod';

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
