import type { StateCreator } from 'zustand';
import type { Me } from '../../../../shared/auth.js';
import type { StoreState } from '../../app/store.js';
import { api } from '../../lib/api.js';

export interface SessionSlice {
  /** undefined while we ask the server, null when signed out. */
  me: Me | null | undefined;
  /** The server could not be reached to ask who we are (offline start). */
  meUnreachable: boolean;
  loadMe: () => Promise<void>;
  setMe: (me: Me | null) => void;
  signOut: () => Promise<void>;
}

export const createSessionSlice: StateCreator<StoreState, [], [], SessionSlice> = (set) => ({
  me: undefined,
  meUnreachable: false,
  async loadMe() {
    const result = await api<{ user: Me }>('/api/me');
    if (result.ok) set({ me: result.data.user, meUnreachable: false });
    // Only "not signed in" (401 UNAUTHENTICATED) signs the tab out; a busy server (503, 429) or no network leaves it as it was.
    else if (result.error.code === 'UNAUTHENTICATED') set({ me: null, meUnreachable: false });
    else set({ meUnreachable: true });
  },
  setMe(me) {
    set({ me });
  },
  async signOut() {
    await api('/api/auth/logout', { method: 'POST' });
    set({ me: null });
  },
});
