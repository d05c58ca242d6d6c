import type { Logger } from '../logger.js';
import { backToLobby } from '../booths/handlers.js';
import type { BoothService } from '../booths/service.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';

/** The video side (LiveKit RoomService), injected so moderation works with or without it. */
export interface VideoRooms {
  removeParticipant(boothId: number, userId: string): Promise<void>;
}

export type Enforcer = ReturnType<typeof createEnforcer>;

/**
 * Makes removals stick at once: presence, the Socket.IO rooms of every tab, and the video room.
 * Video failures are logged and never undo the rest: the token route refuses them anyway.
 *
 * With several nodes, the person's connections may be on any of them. The adapter takes them
 * out of the booth's rooms (a kick) or closes them (a ban) on every node at once, and every
 * other node is told (`moderation:removed`) so that it tidies its own connections' bookkeeping
 * and presence: `socket.data` of a connection on another node cannot be changed from here,
 * and what `fetchSockets()` brings back of it is a copy (its Set of booths arrives as `{}`).
 */
export function createEnforcer(deps: {
  io: FairServer;
  /** Announces the departures itself (its listener, in app.ts). */
  presence: PresenceStore;
  /** The lobby's counts, for a connection sent back to the lobby. */
  booths: Pick<BoothService, 'occupancy'>;
  videoRooms?: VideoRooms;
  logger: Logger;
  /** Other nodes serve this fair too (scaled mode): they are told of each removal. */
  clustered?: boolean;
}) {
  const { io, presence, booths, videoRooms, logger, clustered = false } = deps;

  async function removeFromVideo(boothId: number, userId: string): Promise<void> {
    if (!videoRooms) return;
    try {
      await videoRooms.removeParticipant(boothId, userId);
    } catch (err) {
      logger.warn({ err, boothId, userId }, 'could not remove participant from video room');
    }
  }

  /** This node's own connections of a person (real sockets, whose `data` this node keeps). */
  function socketsHere(userId: string): FairSocket[] {
    const ids = [...(io.sockets.adapter.rooms.get(rooms.user(userId)) ?? [])];
    return ids.map((id) => io.sockets.sockets.get(id)).filter((socket) => socket !== undefined);
  }

  /**
   * This node's part of a removal from one booth (a kick) or from the fair (`boothId` null, a
   * ban): presence, then its own connections of the person, taken out of the booth (back to
   * the lobby if it was their last) or closed. Answers the booths presence was removed from.
   */
  async function removeHere(userId: string, boothId: number | null): Promise<number[]> {
    const removed: number[] = [];
    // Presence that cannot say where they are: their sockets still go, and each booth they were
    // in lets them go when its grace period ends.
    const boothIds =
      boothId !== null
        ? [boothId]
        : await presence.boothsOf(userId).catch((err: unknown) => {
            logger.warn({ err, userId }, 'could not read the booths of a person removed from the fair');
            return [];
          });
    // Presence announces each departure itself (its listener, in app.ts). In the scaled mode
    // the first node to remove the person finds them; the others find nobody left to remove.
    for (const id of boothIds) if (await presence.remove(id, userId)) removed.push(id);
    for (const socket of socketsHere(userId)) {
      if (boothId === null) {
        socket.disconnect(true);
        continue;
      }
      if (!socket.data.booths.delete(boothId)) continue;
      await socket.leave(rooms.booth(boothId));
      await socket.leave(rooms.staff(boothId));
      if (socket.data.booths.size === 0) await backToLobby(socket, booths);
    }
    return removed;
  }

  if (clustered) {
    // Another node's kick or ban: this node's connections and presence. Bans also leave the
    // video rooms of the booths this node still counted the person in (kicks: the kicking node did).
    io.on('moderation:removed', (userId, boothId) => {
      removeHere(userId, boothId)
        .then((removed) => (boothId === null ? Promise.all(removed.map((id) => removeFromVideo(id, userId))) : undefined))
        .catch((err: unknown) => logger.warn({ err, userId, boothId }, 'could not apply a removal made on another node'));
    });
  }

  return {
    async removeFromBooth(userId: string, boothId: number): Promise<void> {
      // Every node at once, through the adapter: no broadcast of the booth reaches them any more.
      io.in(rooms.user(userId)).socketsLeave([rooms.booth(boothId), rooms.staff(boothId)]);
      if (clustered) io.serverSideEmit('moderation:removed', userId, boothId);
      await removeHere(userId, boothId);
      await removeFromVideo(boothId, userId);
    },

    /** Out of every booth and every video room, and every live socket closed, on every node. */
    async removeFromFair(userId: string): Promise<void> {
      if (clustered) io.serverSideEmit('moderation:removed', userId, null);
      const boothIds = await removeHere(userId, null);
      io.in(rooms.user(userId)).disconnectSockets(true);
      await Promise.all(boothIds.map((boothId) => removeFromVideo(boothId, userId)));
    },
  };
}
