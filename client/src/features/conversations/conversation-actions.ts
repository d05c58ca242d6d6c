/**
 * What the conversations chunk does: keep the list, hold each open conversation's messages, catch
 * up by sequence number after every reconnect, and deliver the persisted outbox with the same
 * clientMsgId until the server has stored each message. Booth chat's rules (booth-actions.ts),
 * with the conversation in place of the booth; delivery and its retries are the shared ones (lib/outbox-delivery.ts).
 */
import type { Conversation, ConversationList, ConversationMessage } from '../../../../shared/conversations.js';
import type { ApiError } from '../../../../shared/errors.js';
import { CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE } from '../../../../shared/limits.js';
import type { ReportReason } from '../../../../shared/moderation.js';
import { useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { mergeBySeq } from '../../lib/merge-by-seq.js';
import { createDelivery } from '../../lib/outbox-delivery.js';
import { isTransientSendError } from '../../lib/send-retry.js';
import { command, getSocket, type FairClientSocket } from '../../lib/socket.js';
import type { ConversationOutboxItem } from './conversation-slice.js';

const OUTBOX_KEY_PREFIX = 'fair.conversationOutbox.v1.';
const get = useStore.getState;
const set = useStore.setState;

const outboxOf = () => get().conversationOutbox ?? [];
const heldOf = (conversationId: number) => get().conversationMessages?.[conversationId] ?? [];

function addMessages(conversationId: number, incoming: ConversationMessage[]): void {
  set((state) => {
    const held = state.conversationMessages?.[conversationId] ?? [];
    const merged = mergeBySeq(held, incoming);
    const lastSeq = merged.at(-1)?.seq ?? 0;
    return {
      conversationMessages: { ...state.conversationMessages, [conversationId]: merged },
      conversationList: state.conversationList?.map((c) => (c.id === conversationId && c.lastSeq < lastSeq ? { ...c, lastSeq } : c)),
    };
  });
}

function setOutbox(change: (outbox: ConversationOutboxItem[]) => ConversationOutboxItem[]): void {
  set((state) => ({ conversationOutbox: change(state.conversationOutbox ?? []) }));
}

function dropFromOutbox(clientMsgId: string): void {
  delivery.forget(clientMsgId);
  setOutbox((outbox) => (outbox.some((item) => item.clientMsgId === clientMsgId) ? outbox.filter((item) => item.clientMsgId !== clientMsgId) : outbox));
}

// ---- Starting (once per page load) -------------------------------------------------------------

let listening: FairClientSocket | null = null;
/** Whose outbox, list and messages the store holds: another account signing in on this page starts afresh. */
let loadedFor: string | undefined;
let watching = false;

/**
 * Loads this account's outbox and listens to the connection. Idempotent: the page calls it on
 * every render of its effect. Messages typed on an earlier visit (or before a reload) go out as
 * soon as the connection is up.
 */
export function startConversations(userId: string): void {
  if (!watching) {
    watching = true;
    useStore.subscribe((state, previous) => {
      if (state.me?.id !== loadedFor) {
        // Signed out, or someone else signed in: nothing of the previous account stays in memory.
        if (loadedFor !== undefined) {
          loadedFor = undefined;
          set({ conversationOutbox: undefined, conversationList: undefined, conversationMessages: undefined });
        }
        return;
      }
      if (state.conversationOutbox !== previous.conversationOutbox) writeSetting(OUTBOX_KEY_PREFIX + loadedFor, JSON.stringify(state.conversationOutbox ?? []));
    });
  }
  if (loadedFor !== userId) {
    loadedFor = userId;
    loadOutbox(userId);
  }
  const socket = getSocket();
  if (!socket || socket === listening) return;
  listening = socket;
  socket.on('conversation:message', (message) => {
    addMessages(message.conversationId, [message]);
    if (message.author.id === get().me?.id) dropFromOutbox(message.clientMsgId);
  });
  socket.on('conversation:deleted', ({ conversationId, seq }) => {
    set((state) => {
      const held = state.conversationMessages?.[conversationId];
      if (!held) return {};
      return { conversationMessages: { ...state.conversationMessages, [conversationId]: held.map((m) => (m.seq === seq ? { ...m, body: '', deleted: true as const } : m)) } };
    });
  });
  socket.on('conversation:created', (conversation: Conversation) => {
    set((state) => (state.conversationList && !state.conversationList.some((c) => c.id === conversation.id) ? { conversationList: [conversation, ...state.conversationList] } : {}));
  });
  // Back online: what the other person wrote meanwhile, then what waited in the outbox.
  socket.on('connect', () => void reconnected());
  if (socket.connected) flushOutbox();
}

function loadOutbox(userId: string): void {
  let items: ConversationOutboxItem[] = [];
  try {
    const parsed: unknown = JSON.parse(readSetting(OUTBOX_KEY_PREFIX + userId) ?? '[]');
    if (Array.isArray(parsed)) items = (parsed as ConversationOutboxItem[]).map(({ error, ...item }) => (error && !isTransientSendError(error) ? { ...item, error } : item));
  } catch {
    items = []; // a damaged entry is dropped rather than breaking the page
  }
  set({ conversationOutbox: items });
}

async function reconnected(): Promise<void> {
  if (get().conversationList) void loadList();
  for (const id of Object.keys(get().conversationMessages ?? {})) await catchUp(Number(id));
  flushOutbox();
}

// ---- Reading ------------------------------------------------------------------------------------

/** The "Conversations" list; an error value when it could not be fetched. */
export async function loadList(): Promise<ApiError | null> {
  const result = await api<ConversationList>('/api/conversations');
  if (!result.ok) return result.error;
  set({ conversationList: result.data.conversations });
  return null;
}

/**
 * Opens one conversation: the latest page (which also carries removals made while away), then
 * everything after what was held before. Null when not connected: the next connect catches up.
 */
export async function openConversation(conversationId: number): Promise<ApiError | null> {
  const page = await command('conversation:history', { conversationId, limit: CHAT_HISTORY_PAGE });
  if (page === null) return null;
  if (!page.ok) return page.error;
  const held = heldOf(conversationId);
  addMessages(conversationId, page.data.messages);
  if (held.length > 0) await catchUp(conversationId, held.at(-1)!.seq);
  flushOutbox();
  return null;
}

/** Pages forward with afterSeq from the last message held until nothing is missing. */
async function catchUp(conversationId: number, fromSeq = heldOf(conversationId).at(-1)?.seq ?? 0): Promise<void> {
  let afterSeq = fromSeq;
  for (;;) {
    const page = await command('conversation:history', { conversationId, afterSeq, limit: CHAT_HISTORY_MAX_PAGE });
    if (!page?.ok || page.data.messages.length === 0) return;
    addMessages(conversationId, page.data.messages);
    afterSeq = page.data.messages.at(-1)!.seq;
    if (page.data.messages.length < CHAT_HISTORY_MAX_PAGE) return;
  }
}

/** The page before the first message held; false when there was nothing more. */
export async function loadEarlier(conversationId: number): Promise<boolean> {
  const first = heldOf(conversationId)[0];
  if (!first || first.seq <= 1) return false;
  const page = await command('conversation:history', { conversationId, beforeSeq: first.seq, limit: CHAT_HISTORY_PAGE });
  if (!page?.ok) return true;
  addMessages(conversationId, page.data.messages);
  return page.data.messages.length > 0;
}

// ---- Writing ------------------------------------------------------------------------------------

function updateItem(clientMsgId: string, change: Partial<ConversationOutboxItem>): void {
  setOutbox((outbox) => outbox.map((queued) => (queued.clientMsgId === clientMsgId ? { ...queued, ...change } : queued)));
}

/** Sends each outbox message (again, with its clientMsgId: the server stores it once). */
const delivery = createDelivery<ConversationOutboxItem, ConversationMessage>({
  find: (clientMsgId) => outboxOf().find((queued) => queued.clientMsgId === clientMsgId),
  ready: () => true,
  send: (item) => command('conversation:send', { conversationId: item.conversationId, clientMsgId: item.clientMsgId, body: item.body }),
  stored(item, message) {
    dropFromOutbox(item.clientMsgId);
    addMessages(item.conversationId, [message]);
  },
  mark: updateItem,
});

function flushOutbox(): void {
  for (const item of outboxOf()) void delivery.deliver(item.clientMsgId);
}

/** Queues a message (kept through offline spells and reloads) and sends it when it can. */
export function sendConversationMessage(conversationId: number, body: string): void {
  const item: ConversationOutboxItem = { clientMsgId: crypto.randomUUID(), conversationId, body, createdAt: new Date().toISOString() };
  setOutbox((outbox) => [...outbox, item]);
  void delivery.deliver(item.clientMsgId);
}

export function discardConversationMessage(clientMsgId: string): void {
  dropFromOutbox(clientMsgId);
}

/** Reports the other person's message to the moderators; null when offline. */
export async function reportConversationMessage(messageId: number, reason: ReportReason, note: string): Promise<ApiError | null> {
  const ack = await command('conversation:report', { messageId, reason, ...(note.trim() ? { note: note.trim() } : {}) });
  if (ack === null) return { code: 'UPSTREAM_UNAVAILABLE', message: 'offline' };
  return ack.ok ? null : ack.error;
}
