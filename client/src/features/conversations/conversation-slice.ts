import type { Conversation, ConversationMessage } from '../../../../shared/conversations.js';
import type { QueuedMessage } from '../../lib/outbox-delivery.js';

/** A message typed in a conversation and not yet acknowledged; persisted per account, so nothing is lost. */
export interface ConversationOutboxItem extends QueuedMessage {
  conversationId: number;
  body: string;
  createdAt: string;
}

/**
 * 1:1 conversations in the one store. No creator: the entry carries only these types; the
 * (lazy) conversations chunk fills them in (conversation-actions.ts) once the member opens it.
 */
export interface ConversationsSlice {
  /** The "Conversations" list; undefined until loaded. */
  conversationList?: Conversation[];
  /** Confirmed messages per conversation, by sequence number, each exactly once. */
  conversationMessages?: Record<number, ConversationMessage[]>;
  conversationOutbox?: ConversationOutboxItem[];
}
