/**
 * Raised hands over the socket: listeners that keep the slice current, and the commands the
 * video panel sends. Reads and writes the store with getState/setState.
 */
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { command, type FairClientSocket } from '../../lib/socket.js';

const get = useStore.getState;
const NO_ANSWER: ApiError = { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' };
const onScreen = (boothId: number) => get().boothView?.boothId === boothId;

export function registerVideoListeners(socket: FairClientSocket): void {
  socket.on('hand:queue', ({ boothId, queue }) => {
    if (onScreen(boothId)) get().setHandQueue(queue);
  });
  socket.on('hand:granted', ({ boothId }) => {
    if (onScreen(boothId)) get().setHand('granted');
  });
  socket.on('hand:revoked', ({ boothId }) => {
    if (onScreen(boothId)) get().setHand('none');
  });
}

/** After (re)joining: my own hand, or the whole queue for staff. */
export async function refreshHands(boothId: number, isStaff: boolean): Promise<void> {
  const ack = await command('hand:list', { boothId });
  if (!ack?.ok || !onScreen(boothId)) return;
  const mine = ack.data.queue.find((entry) => entry.userId === get().me?.id);
  get().setHand(mine ? (mine.granted ? 'granted' : 'raised') : 'none');
  if (isStaff) get().setHandQueue(ack.data.queue);
}

export async function raiseHand(boothId: number): Promise<ApiError | null> {
  const ack = await command('hand:raise', { boothId });
  if (ack?.ok) get().setHand(ack.data.granted ? 'granted' : 'raised');
  return ack === null ? NO_ANSWER : ack.ok ? null : ack.error;
}

export async function lowerHand(boothId: number): Promise<void> {
  const ack = await command('hand:lower', { boothId });
  if (ack?.ok) get().setHand('none');
}

/** Accept (grant) or take back (revoke) someone's raised hand; null on success. */
export async function decideHand(boothId: number, userId: string, decision: 'grant' | 'revoke'): Promise<ApiError | null> {
  const ack = decision === 'grant' ? await command('hand:grant', { boothId, userId }) : await command('hand:revoke', { boothId, userId });
  return ack === null ? NO_ANSWER : ack.ok ? null : ack.error;
}
