/**
 * Delivering an outbox (booth chat, 1:1 conversations): each message goes with its own
 * clientMsgId until the server has stored it (an `ok` ack), so a resend after a lost ack is
 * stored once. Transient refusals are retried with backoff (send-retry.ts); a message refused
 * for good is marked with its error for the member to see and discard.
 */
import type { ApiError, Result } from '../../../shared/errors.js';
import { classifySendRefusal } from './send-retry.js';
import { getSocket } from './socket.js';

/** With no answer while still connected, ask again after this. */
const RETRY_AFTER_TIMEOUT_MS = 3_000;

/** What every outbox entry carries. */
export interface QueuedMessage {
  clientMsgId: string;
  /** Set when the server refused it for good (not for connection trouble or a storage hiccup). */
  error?: ApiError;
  /** The server could not store it just now; it is being retried ("saving…"). */
  saving?: boolean;
}

export interface DeliveryOptions<I extends QueuedMessage, D> {
  /** The entry as the outbox holds it now; undefined once it has left. */
  find(clientMsgId: string): I | undefined;
  /** Whether it may go on this connection now (booth chat: the booth is joined). */
  ready(item: I): boolean;
  /** Sends it; null when there was no answer (offline, timed out). */
  send(item: I): Promise<Result<D> | null>;
  /** Stored: take it out of the outbox and show the stored message. */
  stored(item: I, data: D): void;
  /** Marks the entry ("saving…", or the error that stopped it). */
  mark(clientMsgId: string, change: Pick<QueuedMessage, 'error' | 'saving'>): void;
}

/** One delivery loop per outbox: `deliver` is safe to call again at any time (reconnects, timers). */
export function createDelivery<I extends QueuedMessage, D>(options: DeliveryOptions<I, D>) {
  const inFlight = new Set<string>();
  /** Transient failures so far, per message, for the backoff; and the retry each one waits for. */
  const failedAttempts = new Map<string, number>();
  const retryTimers = new Map<string, ReturnType<typeof setTimeout>>();

  function forget(clientMsgId: string): void {
    clearTimeout(retryTimers.get(clientMsgId));
    retryTimers.delete(clientMsgId);
    failedAttempts.delete(clientMsgId);
  }

  /** One pending retry per message: a reconnect's flush and a backoff timer do not pile up. */
  function retryLater(clientMsgId: string, delayMs: number): void {
    clearTimeout(retryTimers.get(clientMsgId));
    retryTimers.set(
      clientMsgId,
      setTimeout(() => {
        retryTimers.delete(clientMsgId);
        void deliver(clientMsgId);
      }, delayMs),
    );
  }

  async function deliver(clientMsgId: string): Promise<void> {
    const item = options.find(clientMsgId);
    if (!item || item.error || inFlight.has(clientMsgId) || !options.ready(item)) return;
    inFlight.add(clientMsgId);
    const ack = await options.send(item);
    inFlight.delete(clientMsgId);
    if (ack === null) {
      // No answer: resent after the next (re)connect, or shortly if we are still connected.
      if (getSocket()?.connected) retryLater(clientMsgId, RETRY_AFTER_TIMEOUT_MS);
      return;
    }
    if (ack.ok) {
      forget(clientMsgId);
      options.stored(item, ack.data);
      return;
    }
    const attempt = failedAttempts.get(clientMsgId) ?? 0;
    const refusal = classifySendRefusal(ack.error, attempt);
    if (refusal.kind === 'retry') {
      // Not stored (or too fast): it stays in the persisted outbox and goes again after a backoff.
      if (refusal.saving) {
        failedAttempts.set(clientMsgId, attempt + 1);
        options.mark(clientMsgId, { saving: true });
      }
      retryLater(clientMsgId, refusal.delayMs);
    } else if (refusal.kind === 'final') {
      forget(clientMsgId);
      options.mark(clientMsgId, { error: ack.error, saving: false });
    }
    // 'rejoin': the next successful join flushes the outbox.
  }

  return { deliver, forget };
}
