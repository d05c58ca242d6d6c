import type { StateCreator } from 'zustand';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import type { ChatMessage, PresenceEntry } from '../../../../shared/protocol.js';
import type { StoreState } from '../../app/store.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { mergeBySeq } from '../../lib/merge-by-seq.js';

/** A message typed but not yet acknowledged by the server; persisted so nothing is lost. */
export interface OutboxItem {
  clientMsgId: string;
  boothId: number;
  body: string;
  createdAt: string;
  /** Set when the server refused it for good (not for connection trouble or a storage hiccup). */
  error?: ApiError;
  /** The server could not store it just now; it is being retried ("saving…"). */
  saving?: boolean;
}

/** The booth on screen. */
export interface BoothView {
  boothId: number;
  booth: Booth;
  /**
   * Who is here, bounded (bounded-presence.ts): staff, me and a capped number of others. Not
   * everyone in a crowded booth: count with `presenceTotal`, page with `presence:list`.
   */
  presence: PresenceEntry[];
  /** How many people I may see in the booth, from the server (join ack, then presence:changed). */
  presenceTotal: number;
  /** Confirmed messages, by sequence number, each exactly once. */
  messages: ChatMessage[];
  /** The server has acknowledged our booth:join on the current connection. */
  joined: boolean;
  /** When a booth:join first succeeded on this page (Date.now()), else 0: only then may messages be queued here, and leaving after a real stay asks for a rating. */
  entered: number;
  /** The last booth:join was refused for a reason retrying alone does not cure (full, locked, closed, banned…). */
  refusal: ApiError | null;
  hasEarlier: boolean;
  loadingEarlier: boolean;
  /** On a private visit, the pseudonym others see on my messages here (from the join ack). */
  privateAlias: { id: string; displayName: string } | null;
}

export interface BoothSlice {
  boothView: BoothView | null;
  boothError: ApiError | null;
  outbox: OutboxItem[];
  visitPrivately: boolean;
  setVisitPrivately: (visitPrivately: boolean) => void;
}

export const VISIT_PRIVATELY_KEY = 'fair.visitPrivately';

export const createBoothSlice: StateCreator<StoreState, [], [], BoothSlice> = (set) => ({
  boothView: null,
  boothError: null,
  outbox: [],
  visitPrivately: readSetting(VISIT_PRIVATELY_KEY) === 'true',
  setVisitPrivately(visitPrivately) {
    writeSetting(VISIT_PRIVATELY_KEY, String(visitPrivately));
    set({ visitPrivately });
  },
});

/** Adds messages keeping sequence order and one copy per sequence number. */
export function mergeMessages(existing: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  return mergeBySeq(existing, incoming);
}
