import type { PresenceEntry } from '../../shared/protocol.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';
import type { JoinOutcome } from './presence-store.js';

/**
 * Tells the booth who arrived. A private visitor is announced only to the booth's staff;
 * everyone else never learns they are there.
 */
export function announceJoin(socket: FairSocket, boothId: number, outcome: JoinOutcome): void {
  const { entry } = outcome;
  if (outcome.visibilityChanged && entry.private) {
    // Was public: everyone drops them, then staff see them again as private.
    socket.to(rooms.booth(boothId)).emit('presence:left', { boothId, userId: entry.userId });
  }
  if (!outcome.arrived && !outcome.visibilityChanged) return;
  const room = entry.private ? rooms.staff(boothId) : rooms.booth(boothId);
  socket.to(room).emit('presence:joined', { boothId, entry });
}

/** Tells the booth who left, with the same visibility rule as joins. */
export function announceLeave(io: FairServer, boothId: number, entry: PresenceEntry): void {
  const room = entry.private ? rooms.staff(boothId) : rooms.booth(boothId);
  io.to(room).emit('presence:left', { boothId, userId: entry.userId });
}
