/**
 * What the booth page does: enter, (re)join after every reconnect, catch up by sequence
 * number, and deliver the persisted outbox. Called from components and socket listeners;
 * reads and writes the store with getState/setState.
 */
import type { Booth } from '../../../../shared/booths.js';
import { BOOTH_FEEDBACK_MIN_STAY_MS, CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE, CHAT_HISTORY_SAVER_PAGE } from '../../../../shared/limits.js';
import type { ChatMessage } from '../../../../shared/protocol.js';
import { useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';
import { navigate } from '../../lib/router.js';
import { command, getSocket, type FairClientSocket } from '../../lib/socket.js';
import { mergeMessages, type BoothView, type OutboxItem } from './booth-slice.js';
import { applyPresenceChange, presenceFromSnapshot } from './bounded-presence.js';
import { createDelivery } from '../../lib/outbox-delivery.js';
import { isTransientSendError, retryDelayMs } from '../../lib/send-retry.js';

const OUTBOX_KEY_PREFIX = 'fair.outbox.v1.';
const get = useStore.getState;
const set = useStore.setState;
let joinAttempts = 0;
let joinRetryTimer: ReturnType<typeof setTimeout> | undefined;

function updateView(boothId: number, change: (view: BoothView) => Partial<BoothView>): void {
  set((state) => (state.boothView?.boothId === boothId ? { boothView: { ...state.boothView, ...change(state.boothView) } } : {}));
}

function addMessages(boothId: number, messages: ChatMessage[]): void {
  updateView(boothId, (view) => ({ messages: mergeMessages(view.messages, messages) }));
}

function setOutbox(change: (outbox: OutboxItem[]) => OutboxItem[]): void {
  set((state) => ({ outbox: change(state.outbox) }));
}

// ---- Outbox persistence ---------------------------------------------------------------------

export function loadOutbox(userId: string): void {
  let items: OutboxItem[] = [];
  try {
    const parsed: unknown = JSON.parse(readSetting(OUTBOX_KEY_PREFIX + userId) ?? '[]');
    // An older version marked storage hiccups as final; those messages are simply retried.
    if (Array.isArray(parsed)) items = (parsed as OutboxItem[]).map(({ error, ...item }) => (error && !isTransientSendError(error) ? { ...item, error } : item));
  } catch {
    items = []; // a damaged entry is dropped rather than breaking the booth
  }
  set({ outbox: items });
}

export function persistOutbox(userId: string, outbox: OutboxItem[]): void {
  // Storage full or blocked: the outbox still lives in memory for this visit.
  writeSetting(OUTBOX_KEY_PREFIX + userId, JSON.stringify(outbox));
}

// ---- Delivery ---------------------------------------------------------------------------------

function updateItem(clientMsgId: string, change: Partial<OutboxItem>): void {
  setOutbox((outbox) => outbox.map((queued) => (queued.clientMsgId === clientMsgId ? { ...queued, ...change } : queued)));
}

const delivery = createDelivery<OutboxItem, ChatMessage>({
  find: (clientMsgId) => get().outbox.find((queued) => queued.clientMsgId === clientMsgId),
  // Only into the booth on screen, once joined on this connection.
  ready: (item) => {
    const view = get().boothView;
    return !!view?.joined && view.boothId === item.boothId;
  },
  send: (item) => command('chat:send', { boothId: item.boothId, clientMsgId: item.clientMsgId, body: item.body }),
  stored(item, message) {
    setOutbox((outbox) => outbox.filter((queued) => queued.clientMsgId !== item.clientMsgId));
    addMessages(item.boothId, [message]);
  },
  mark: updateItem,
});

function flushOutbox(boothId: number): void {
  for (const item of get().outbox) if (item.boothId === boothId) void delivery.deliver(item.clientMsgId);
}

export function sendMessage(body: string): void {
  const view = get().boothView;
  // Never queue for a booth the member has not entered: it could wait there for ever.
  if (!view?.entered || view.refusal) return;
  const item: OutboxItem = { clientMsgId: crypto.randomUUID(), boothId: view.boothId, body, createdAt: new Date().toISOString() };
  setOutbox((outbox) => [...outbox, item]);
  void delivery.deliver(item.clientMsgId);
}

export function discardMessage(clientMsgId: string): void {
  delivery.forget(clientMsgId);
  setOutbox((outbox) => outbox.filter((item) => item.clientMsgId !== clientMsgId));
}

// ---- Joining and catching up -----------------------------------------------------------------

/**
 * Joins the booth on screen on the current connection. After a reconnect it sends the last
 * sequence number it holds (`sinceSeq`), so the ack carries only newer messages, and pages
 * through any gap beyond the ack's page with chat:history.
 */
export async function joinCurrentBooth(): Promise<void> {
  const view = get().boothView;
  if (!view) return;
  const historyLimit = isDataSaverOn(get()) ? CHAT_HISTORY_SAVER_PAGE : undefined;
  const sinceSeq = view.messages.at(-1)?.seq;
  const ack = await command('booth:join', { boothId: view.boothId, private: get().visitPrivately, historyLimit, sinceSeq });
  clearTimeout(joinRetryTimer);
  if (ack === null) {
    // Not connected: the next 'connect' joins again. Connected, but no answer in time (a slow
    // link, a server taking in a crowd): ask again, with the same backoff, rather than leave
    // the member in a booth that shows no messages.
    if (getSocket()?.connected) retryJoinLater(view.boothId);
    return;
  }
  if (!ack.ok) {
    // Storage busy, or over the command budget: the error says we keep trying, and we do,
    // with the same backoff as chat, never sooner than the server asked.
    const { code, details } = ack.error;
    if (code === 'UNAVAILABLE' || code === 'RATE_LIMITED') {
      set({ boothError: ack.error });
      retryJoinLater(view.boothId, code === 'UNAVAILABLE' ? details?.retryAfterMs : (details?.retryAfterSeconds ?? 0) * 1000);
      return;
    }
    // The code of conduct changed (or was never accepted): the app shows it in place of the
    // booth; once accepted, the booth's page opens again and joins.
    const me = get().me;
    if (code === 'CONDUCT_NOT_ACCEPTED' && me && details?.version) {
      set({ me: { ...me, conductPending: details.version } });
      return;
    }
    // Refused (full, locked, closed, barred): the page says why and offers to try again.
    updateView(view.boothId, () => ({ refusal: ack.error, joined: false }));
    set({ boothError: null });
    return;
  }
  joinAttempts = 0;
  const { booth, presence, presenceTotal, messages, lastSeq, removedSeqs = [], privateAlias = null } = ack.data;
  const removed = new Set(removedSeqs);
  updateView(view.boothId, (current) => {
    // Messages removed while we were away lose their bodies here, as on chat:deleted.
    const held = removed.size === 0 ? current.messages : current.messages.map((m) => (removed.has(m.seq) ? { ...m, body: '', deleted: true as const } : m));
    const merged = mergeMessages(held, messages);
    return { booth, ...presenceFromSnapshot(presence, presenceTotal, get().me?.id), messages: merged, joined: true, entered: current.entered || Date.now(), refusal: null, hasEarlier: (merged[0]?.seq ?? 1) > 1, privateAlias };
  });
  set({ boothError: null });

  // Catch up from what we held: the join ack carries at most one page after sinceSeq, so fetch
  // any gap between our last message and that page (messages sent while we were away).
  const pageStart = messages[0]?.seq ?? lastSeq + 1;
  let afterSeq = sinceSeq;
  while (afterSeq !== undefined && afterSeq + 1 < pageStart) {
    const page = await command('chat:history', { boothId: view.boothId, afterSeq, limit: CHAT_HISTORY_MAX_PAGE });
    if (!page?.ok || page.data.messages.length === 0) break;
    addMessages(view.boothId, page.data.messages);
    afterSeq = page.data.messages.at(-1)!.seq;
  }
  flushOutbox(view.boothId);
}

/** Joins the booth again after the backoff (never sooner than `askedMs`), if it is still the one on screen. */
function retryJoinLater(boothId: number, askedMs?: number): void {
  joinRetryTimer = setTimeout(() => {
    if (get().boothView?.boothId === boothId) void joinCurrentBooth();
  }, retryDelayMs(joinAttempts++, askedMs));
}

export async function enterBooth(slug: string): Promise<void> {
  set({ boothView: null, boothError: null });
  const result = await api<Booth>(`/api/booths/${encodeURIComponent(slug)}`);
  if (!result.ok) {
    set({ boothError: result.error });
    return;
  }
  set({
    boothView: { boothId: result.data.id, booth: result.data, presence: [], presenceTotal: 0, messages: [], joined: false, entered: 0, refusal: null, hasEarlier: false, loadingEarlier: false, privateAlias: null },
  });
  await joinCurrentBooth();
}

export function leaveBooth(): void {
  clearTimeout(joinRetryTimer);
  joinAttempts = 0;
  const view = get().boothView;
  if (view) void command('booth:leave', { boothId: view.boothId });
  set({ boothView: null, boothError: null });
  // A real stay: the rating prompt (its own chunk) asks once in the lobby.
  if (view?.entered && Date.now() - view.entered >= BOOTH_FEEDBACK_MIN_STAY_MS) void import('../feedback/rate-booth.js').then((m) => m.default(view));
}

export async function loadEarlier(): Promise<void> {
  const view = get().boothView;
  const first = view?.messages[0];
  if (!view || !first || view.loadingEarlier) return;
  updateView(view.boothId, () => ({ loadingEarlier: true }));
  const limit = isDataSaverOn(get()) ? CHAT_HISTORY_SAVER_PAGE : CHAT_HISTORY_PAGE;
  const page = await command('chat:history', { boothId: view.boothId, beforeSeq: first.seq, limit });
  updateView(view.boothId, (current) => {
    if (!page?.ok) return { loadingEarlier: false };
    const merged = mergeMessages(current.messages, page.data.messages);
    return { loadingEarlier: false, messages: merged, hasEarlier: (merged[0]?.seq ?? 1) > 1 && page.data.messages.length > 0 };
  });
}


// ---- Server events -------------------------------------------------------------------------------

export function registerBoothListeners(socket: FairClientSocket): void {
  socket.on('chat:created', (message) => {
    addMessages(message.boothId, [message]);
    if (message.author.id === get().me?.id) {
      setOutbox((outbox) => (outbox.some((i) => i.clientMsgId === message.clientMsgId) ? outbox.filter((i) => i.clientMsgId !== message.clientMsgId) : outbox));
    }
  });
  socket.on('presence:changed', (change) => {
    updateView(change.boothId, (view) => applyPresenceChange(view, change, get().me?.id));
  });
  socket.on('video:count', ({ boothId, count }) => {
    updateView(boothId, (view) => ({ booth: { ...view.booth, videoParticipants: count } }));
  });
  socket.on('chat:deleted', ({ boothId, seq }) => {
    updateView(boothId, (view) => ({ messages: view.messages.map((m) => (m.seq === seq ? { ...m, body: '', deleted: true as const } : m)) }));
  });
  socket.on('booth:updated', (booth) => {
    updateView(booth.id, (view) => ({ booth: { ...booth, occupancy: view.booth.occupancy } }));
  });
  // Removed from the booth on screen: back to the lobby at once. The notice (moderation
  // listeners) stays on screen there, with the reason and the time they may return.
  socket.on('moderation:notice', (notice) => {
    const view = get().boothView;
    if (notice.kind !== 'kicked' || !view || view.boothId !== notice.boothId) return;
    updateView(view.boothId, () => ({ joined: false, presence: [], presenceTotal: 0 }));
    navigate('/');
  });
  // A new connection has joined nothing yet.
  socket.on('disconnect', () => {
    const view = get().boothView;
    if (view) updateView(view.boothId, () => ({ joined: false }));
  });
}
