/**
 * The header's unread count: absent until the server said. No creator: the entry carries only
 * the count, set by inbox-listeners.ts and the (lazy) inbox page; the page keeps its own list.
 */
export interface InboxSlice {
  inboxUnread?: number;
}
