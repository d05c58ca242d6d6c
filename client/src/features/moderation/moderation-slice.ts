import type { StateCreator } from 'zustand';
import type { Announcement, ModerationNotice, Report, ReportOutcome } from '../../../../shared/moderation.js';
import type { StoreState } from '../../app/store.js';

/** Something the member should read: an announcement, a restriction about them, a report's outcome. */
export type Notice =
  | { id: string; type: 'announcement'; announcement: Announcement }
  | { id: string; type: 'moderation'; notice: ModerationNotice }
  | { id: string; type: 'report'; outcome: ReportOutcome };

export interface ModerationSlice {
  notices: Notice[];
  dismissNotice: (id: string) => void;
  /** The open report queue, live for moderators (undefined until the panel loads it). */
  reportQueue: Report[] | undefined;
  /** Bumped when a restriction changes anywhere, so the panel reloads its list. */
  restrictionsVersion: number;
}

export const createModerationSlice: StateCreator<StoreState, [], [], ModerationSlice> = (set) => ({
  notices: [],
  dismissNotice(id) {
    set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
  },
  reportQueue: undefined,
  restrictionsVersion: 0,
});
