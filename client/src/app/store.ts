import { create } from 'zustand';
import { createSessionSlice, type SessionSlice } from '../features/auth/session-slice.js';
import { createLobbySlice, type LobbySlice } from '../features/lobby/lobby-slice.js';
import { createLocaleSlice, type LocaleSlice } from '../i18n/locale-slice.js';

/** The one client store, built from feature slices (zustand's slices pattern). */
export type StoreState = SessionSlice & LocaleSlice & LobbySlice;

export const useStore = create<StoreState>()((...args) => ({
  ...createSessionSlice(...args),
  ...createLocaleSlice(...args),
  ...createLobbySlice(...args),
}));
