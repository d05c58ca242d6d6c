import type { ApiError } from '../../../../shared/errors.js';
import type { Conversation, ConversationMessage } from '../../../../shared/conversations.js';

/** A message typed in a conversation and not yet acknowledged; persisted per account, so nothing is lost. */
export interface ConversationOutboxItem {
  clientMsgId: string;
  conversationId: number;
  body: string;
  createdAt: string;
  /** Set when the server refused it for good (not for connection trouble or a storage hiccup). */
  error?: ApiError;
  /** The server could not store it just now; it is being retried ("saving…"). */
  saving?: boolean;
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
