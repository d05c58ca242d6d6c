import type { Logger } from '../logger.js';
import { backToLobby } from '../booths/handlers.js';
import type { BoothService } from '../booths/service.js';
import type { PresenceBroadcaster } from '../presence/broadcast.js';
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
  presence: PresenceStore;
  presenceBroadcast: PresenceBroadcaster;
  /** The lobby's counts, for a connection sent back to the lobby. */
  booths: Pick<BoothService, 'occupancy'>;
  occupancyChanged: (boothId: number) => void;
  videoRooms?: VideoRooms;
  logger: Logger;
}) {
  const { io, presence, presenceBroadcast, booths, occupancyChanged, videoRooms, logger } = deps;

  async function removeFromVideo(boothId: number, userId: string): Promise<void> {
    if (!videoRooms) return;
    try {
      await videoRooms.removeParticipant(boothId, userId);
    } catch (err) {
      logger.warn({ err, boothId, userId }, 'could not remove participant from video room');
    }
  }

  async function removeFromBooth(userId: string, boothId: number): Promise<void> {
    const entry = presence.remove(boothId, userId);
    if (entry) {
      presenceBroadcast.left(boothId, entry);
      occupancyChanged(boothId);
    }
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
      const boothIds = presence.boothsOf(userId);
      for (const boothId of boothIds) {
        const entry = presence.remove(boothId, userId);
        if (entry) {
          presenceBroadcast.left(boothId, entry);
          occupancyChanged(boothId);
        }
      }
      io.in(rooms.user(userId)).disconnectSockets(true);
      await Promise.all(boothIds.map((boothId) => removeFromVideo(boothId, userId)));
    },
  };
}
