import type { ReactNode } from 'react';
import type { StateCreator } from 'zustand';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import type { StoreState } from '../../app/store.js';
import { api } from '../../lib/api.js';

export interface LobbySlice {
  booths: Booth[] | undefined;
  boothsError: ApiError | null;
  loadBooths: () => Promise<void>;
  /** A lazily loaded prompt the lobby shows above the booths (the booth rating after a visit), or nothing. */
  lobbyPrompt?: ReactNode;
}

export const createLobbySlice: StateCreator<StoreState, [], [], LobbySlice> = (set) => ({
  booths: undefined,
  boothsError: null,
  async loadBooths() {
    const result = await api<Booth[]>('/api/booths');
    if (result.ok) set({ booths: result.data, boothsError: null });
    else set({ boothsError: result.error });
  },
});
