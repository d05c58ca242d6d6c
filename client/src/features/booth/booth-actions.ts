/**
 * What the booth page does: enter, (re)join after every reconnect, catch up by sequence
 * number, and deliver the persisted outbox. Called from components and socket listeners;
 * reads and writes the store with getState/setState.
 */
import type { Booth } from '../../../../shared/booths.js';
import { CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE, CHAT_HISTORY_SAVER_PAGE } from '../../../../shared/limits.js';
import type { ChatMessage } from '../../../../shared/protocol.js';
import { useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';
import { command, getSocket, type FairClientSocket } from '../../lib/socket.js';
import { mergeMessages, type BoothView, type OutboxItem } from './booth-slice.js';

const OUTBOX_KEY_PREFIX = 'fair.outbox.v1.';
const RETRY_AFTER_TIMEOUT_MS = 3_000;
const get = useStore.getState;
const set = useStore.setState;
const inFlight = new Set<string>();

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
    if (Array.isArray(parsed)) items = parsed as OutboxItem[];
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

async function deliver(item: OutboxItem): Promise<void> {
  const view = get().boothView;
  if (inFlight.has(item.clientMsgId) || item.error || !view?.joined || view.boothId !== item.boothId) return;
  inFlight.add(item.clientMsgId);
  const ack = await command('chat:send', { boothId: item.boothId, clientMsgId: item.clientMsgId, body: item.body });
  inFlight.delete(item.clientMsgId);
  if (ack === null) {
    // No answer: resent after the next (re)connect, or shortly if we are still connected.
    if (getSocket()?.connected) setTimeout(() => void deliver(item), RETRY_AFTER_TIMEOUT_MS);
    return;
  }
  if (ack.ok) {
    setOutbox((outbox) => outbox.filter((queued) => queued.clientMsgId !== item.clientMsgId));
    addMessages(item.boothId, [ack.data]);
    return;
  }
  if (ack.error.code === 'RATE_LIMITED') {
    setTimeout(() => void deliver(item), (ack.error.details?.retryAfterSeconds ?? 2) * 1000);
  } else if (ack.error.code !== 'NOT_IN_BOOTH') {
    setOutbox((outbox) => outbox.map((queued) => (queued.clientMsgId === item.clientMsgId ? { ...queued, error: ack.error } : queued)));
  }
}

function flushOutbox(boothId: number): void {
  for (const item of get().outbox) if (item.boothId === boothId) void deliver(item);
}

export function sendMessage(body: string): void {
  const view = get().boothView;
  if (!view) return;
  const item: OutboxItem = { clientMsgId: crypto.randomUUID(), boothId: view.boothId, body, createdAt: new Date().toISOString() };
  setOutbox((outbox) => [...outbox, item]);
  void deliver(item);
}

export function discardMessage(clientMsgId: string): void {
  setOutbox((outbox) => outbox.filter((item) => item.clientMsgId !== clientMsgId));
}

// ---- Joining and catching up -----------------------------------------------------------------

/** Joins the booth on screen on the current connection; after a reconnect, catches up by seq. */
export async function joinCurrentBooth(): Promise<void> {
  const view = get().boothView;
  if (!view) return;
  const historyLimit = isDataSaverOn(get()) ? CHAT_HISTORY_SAVER_PAGE : undefined;
  const ack = await command('booth:join', { boothId: view.boothId, private: get().visitPrivately, historyLimit });
  if (ack === null) return; // the next 'connect' tries again
  if (!ack.ok) {
    set({ boothError: ack.error });
    return;
  }
  const heldLastSeq = get().boothView?.messages.at(-1)?.seq;
  const { booth, presence, messages, lastSeq } = ack.data;
  updateView(view.boothId, (current) => {
    const merged = mergeMessages(current.messages, messages);
    return { booth, presence, messages: merged, joined: true, hasEarlier: (merged[0]?.seq ?? 1) > 1 };
  });
  set({ boothError: null });

  // Catch up from what we held: the join ack carries only the latest page, so fetch any gap
  // between our last message and that page (messages sent while we were away).
  const pageStart = messages[0]?.seq ?? lastSeq + 1;
  let afterSeq = heldLastSeq;
  while (afterSeq !== undefined && afterSeq + 1 < pageStart) {
    const page = await command('chat:history', { boothId: view.boothId, afterSeq, limit: CHAT_HISTORY_MAX_PAGE });
    if (!page?.ok || page.data.messages.length === 0) break;
    addMessages(view.boothId, page.data.messages);
    afterSeq = page.data.messages.at(-1)!.seq;
  }
  flushOutbox(view.boothId);
}

export async function enterBooth(slug: string): Promise<void> {
  set({ boothView: null, boothError: null });
  const result = await api<Booth>(`/api/booths/${encodeURIComponent(slug)}`);
  if (!result.ok) {
    set({ boothError: result.error });
    return;
  }
  set({
    boothView: { boothId: result.data.id, booth: result.data, presence: [], messages: [], joined: false, hasEarlier: false, loadingEarlier: false },
  });
  await joinCurrentBooth();
}

export function leaveBooth(): void {
  const view = get().boothView;
  if (view) void command('booth:leave', { boothId: view.boothId });
  set({ boothView: null, boothError: null });
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
  socket.on('presence:joined', ({ boothId, entry }) => {
    updateView(boothId, (view) => ({ presence: [...view.presence.filter((p) => p.userId !== entry.userId), entry] }));
  });
  socket.on('presence:left', ({ boothId, userId }) => {
    updateView(boothId, (view) => ({ presence: view.presence.filter((p) => p.userId !== userId) }));
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
  // Removed from the booth on screen: out at once, with the reason and the time they may return.
  socket.on('moderation:notice', (notice) => {
    const view = get().boothView;
    if (notice.kind !== 'kicked' || !view || view.boothId !== notice.boothId) return;
    updateView(view.boothId, () => ({ joined: false, presence: [] }));
    set({ boothError: { code: 'FORBIDDEN', message: 'kicked', details: { until: notice.until } } });
  });
  // A new connection has joined nothing yet.
  socket.on('disconnect', () => {
    const view = get().boothView;
    if (view) updateView(view.boothId, () => ({ joined: false }));
  });
}
