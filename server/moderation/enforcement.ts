import type { Logger } from '../logger.js';
import { backToLobby } from '../booths/handlers.js';
import type { BoothService } from '../booths/service.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { rooms, type FairServer } from '../realtime/types.js';

/** The video side (LiveKit RoomService), injected so moderation works with or without it. */
export interface VideoRooms {
  removeParticipant(boothId: number, userId: string): Promise<void>;
}

export type Enforcer = ReturnType<typeof createEnforcer>;

/**
 * Makes removals stick at once: presence, the Socket.IO rooms of every tab, and the video room.
 * Video failures are logged and never undo the rest: the token route refuses them anyway.
 */
export function createEnforcer(deps: {
  io: FairServer;
  /** Announces the departures itself (its listener, in app.ts). */
  presence: PresenceStore;
  /** The lobby's counts, for a connection sent back to the lobby. */
  booths: Pick<BoothService, 'occupancy'>;
  videoRooms?: VideoRooms;
  logger: Logger;
}) {
  const { io, presence, booths, videoRooms, logger } = deps;

  async function removeFromVideo(boothId: number, userId: string): Promise<void> {
    if (!videoRooms) return;
    try {
      await videoRooms.removeParticipant(boothId, userId);
    } catch (err) {
      logger.warn({ err, boothId, userId }, 'could not remove participant from video room');
    }
  }

  async function removeFromBooth(userId: string, boothId: number): Promise<void> {
    // A departure never fails: presence applies it as soon as it can.
    await presence.remove(boothId, userId);
    // In-process sockets: the RemoteSocket wrappers share `data` with the real sockets.
    for (const socket of await io.in(rooms.user(userId)).fetchSockets()) {
      socket.leave(rooms.booth(boothId));
      socket.leave(rooms.staff(boothId));
      socket.data.booths?.delete(boothId);
      if (socket.data.booths?.size === 0) await backToLobby(socket, booths);
    }
    await removeFromVideo(boothId, userId);
  }

  return {
    removeFromBooth,

    /** Out of every booth and every video room, and every live socket closed. */
    async removeFromFair(userId: string): Promise<void> {
      // Presence that cannot say where they are: their sockets still close, and each booth they
      // were in lets them go when its grace period ends.
      const boothIds = await presence.boothsOf(userId).catch((err: unknown) => {
        logger.warn({ err, userId }, 'could not read the booths of a person removed from the fair');
        return [];
      });
      await Promise.all(boothIds.map((boothId) => presence.remove(boothId, userId)));
      io.in(rooms.user(userId)).disconnectSockets(true);
      await Promise.all(boothIds.map((boothId) => removeFromVideo(boothId, userId)));
    },
  };
}
