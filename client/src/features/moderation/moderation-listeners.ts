import { useStore } from '../../app/store.js';
import type { FairClientSocket } from '../../lib/socket.js';
import type { Notice } from './moderation-slice.js';

const MAX_NOTICES = 5;
const set = useStore.setState;

function addNotice(notice: Notice): void {
  set((state) => ({ notices: [...state.notices, notice].slice(-MAX_NOTICES) }));
}

/** Announcements, notices about oneself, report outcomes, and (for moderators) the live queue. */
export function registerModerationListeners(socket: FairClientSocket): void {
  socket.on('announcement:created', (announcement) => addNotice({ id: `a${announcement.id}`, type: 'announcement', announcement }));
  socket.on('moderation:notice', (notice) => addNotice({ id: `m${Date.now()}-${notice.kind}`, type: 'moderation', notice }));
  socket.on('report:outcome', (outcome) => addNotice({ id: `r${outcome.reportId}`, type: 'report', outcome }));
  socket.on('report:created', (report) => {
    set((state) => (state.reportQueue ? { reportQueue: [report, ...state.reportQueue.filter((r) => r.id !== report.id)] } : {}));
  });
  socket.on('report:updated', (report) => {
    set((state) => (state.reportQueue ? { reportQueue: state.reportQueue.filter((r) => r.id !== report.id || report.status === 'open') } : {}));
  });
  socket.on('moderation:changed', () => set((state) => ({ restrictionsVersion: state.restrictionsVersion + 1 })));
  // The server ends the connection itself only for a ban: the session is gone, so sign out here.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') void useStore.getState().loadMe();
  });
}
