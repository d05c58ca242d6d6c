import type { StateCreator } from 'zustand';

/** The header's unread count: null until the server said (or signed out). The inbox page itself is lazy. */
export interface InboxSlice {
  inboxUnread: number | null;
}

export const createInboxSlice: StateCreator<InboxSlice, [], [], InboxSlice> = () => ({ inboxUnread: null });
