import type { StateCreator } from 'zustand';
import type { StoreState } from '../app/store.js';
import { readSetting, writeSetting } from './device-storage.js';

/** What the member chose for data saver on this device; 'auto' follows the browser's Save-Data. */
export type DataSaverChoice = 'auto' | 'on' | 'off';

export interface PreferencesSlice {
  dataSaverChoice: DataSaverChoice;
  /** The browser reports Save-Data (navigator.connection.saveData). */
  browserSavesData: boolean;
  setDataSaver: (on: boolean) => void;
  guideDismissed: boolean;
  setGuideDismissed: (dismissed: boolean) => void;
}

const DATA_SAVER_KEY = 'fair.dataSaver';
const GUIDE_KEY = 'fair.guideDismissed';

/** Save-Data as the browser reports it (Chromium-based browsers; absent elsewhere). */
export function browserSavesData(): boolean {
  const connection = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection;
  return connection?.saveData === true;
}

/** Data saver is on when chosen, or when left on auto and the browser asks to save data. */
export function isDataSaverOn(state: Pick<PreferencesSlice, 'dataSaverChoice' | 'browserSavesData'>): boolean {
  return state.dataSaverChoice === 'on' || (state.dataSaverChoice === 'auto' && state.browserSavesData);
}

export const createPreferencesSlice: StateCreator<StoreState, [], [], PreferencesSlice> = (set) => {
  const stored = readSetting(DATA_SAVER_KEY);
  return {
    dataSaverChoice: stored === 'on' || stored === 'off' ? stored : 'auto',
    browserSavesData: browserSavesData(),
    setDataSaver(on) {
      const choice = on ? 'on' : 'off';
      writeSetting(DATA_SAVER_KEY, choice);
      set({ dataSaverChoice: choice });
    },
    guideDismissed: readSetting(GUIDE_KEY) === 'true',
    setGuideDismissed(dismissed) {
      writeSetting(GUIDE_KEY, String(dismissed));
      set({ guideDismissed: dismissed });
    },
  };
};
