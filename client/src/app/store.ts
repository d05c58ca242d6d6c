import { create } from 'zustand';
import { createBoothSlice, type BoothSlice } from '../features/booth/booth-slice.js';
import { createConnectionSlice, type ConnectionSlice } from '../features/connection/connection-slice.js';
import { createPreferencesSlice, type PreferencesSlice } from '../lib/preferences-slice.js';
import { createSessionSlice, type SessionSlice } from '../features/auth/session-slice.js';
import { createLobbySlice, type LobbySlice } from '../features/lobby/lobby-slice.js';
import { createVideoSlice, type VideoSlice } from '../features/video/video-slice.js';
import { createLocaleSlice, type LocaleSlice } from '../i18n/locale-slice.js';
import { createModerationSlice, type ModerationSlice } from '../features/moderation/moderation-slice.js';
import type { InboxSlice } from '../features/inbox/inbox-slice.js';
import type { ConversationsSlice } from '../features/conversations/conversation-slice.js';

/** The one client store, built from feature slices (zustand's slices pattern). */
export type StoreState = SessionSlice & LocaleSlice & LobbySlice & ConnectionSlice & BoothSlice & PreferencesSlice & VideoSlice & ModerationSlice & InboxSlice & ConversationsSlice;

export const useStore = create<StoreState>()((...args) => ({
  ...createSessionSlice(...args),
  ...createLocaleSlice(...args),
  ...createLobbySlice(...args),
  ...createConnectionSlice(...args),
  ...createBoothSlice(...args),
  ...createPreferencesSlice(...args),
  ...createVideoSlice(...args),
  ...createModerationSlice(...args),
}));
