import type { StateCreator } from 'zustand';
import type { StoreState } from '../../app/store.js';

/**
 * - busy: the server refused us for load (SERVER_BUSY); we connect again at `reconnectAt`.
 * - updating: the server speaks a newer protocol; the tab is reloading into the new build.
 * - outdated: the same, but a reload just now did not help: the member is asked to reload.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'busy' | 'updating' | 'outdated';

export interface ConnectionSlice {
  connection: ConnectionStatus;
  /** While busy: when (epoch ms) the next attempt is due; null otherwise. */
  reconnectAt: number | null;
  setConnection: (status: ConnectionStatus, reconnectAt?: number) => void;
}

export const createConnectionSlice: StateCreator<StoreState, [], [], ConnectionSlice> = (set) => ({
  connection: 'connecting',
  reconnectAt: null,
  setConnection: (connection, reconnectAt) => set({ connection, reconnectAt: reconnectAt ?? null }),
});
