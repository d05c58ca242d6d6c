import type { InboxPage } from '../../../../shared/inbox.js';
import { useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import type { FairClientSocket } from '../../lib/socket.js';

/**
 * Keeps the header's unread count right: asked for on every (re)connection, so what arrived
 * while the member was offline or before a reload is counted, then one more per live notice.
 */
export function registerInboxListeners(socket: FairClientSocket): void {
  socket.on('connect', () => {
    void api<InboxPage>('/api/inbox?limit=1').then((page) => page.ok && useStore.setState({ inboxUnread: page.data.unread }));
  });
  socket.on('inbox:notice', () => useStore.setState((state) => ({ inboxUnread: (state.inboxUnread ?? 0) + 1 })));
  socket.on('inbox:read', ({ unread }) => useStore.setState({ inboxUnread: unread }));
}
