import { can } from '../../shared/roles.js';
import type { PresenceEntry } from '../../shared/protocol.js';
import type { PrivateAliasStore } from '../chat/private-aliases.js';
import { viewFor, type ChatService } from '../chat/service.js';
import { privateAuthor } from '../../shared/private-visit.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import { fail, ok } from '../http/errors.js';
import { announceJoin, announceLeave } from '../presence/broadcast.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CommandHandlers } from '../realtime/commands.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';
import type { BoothService } from './service.js';

export interface BoothHandlerDeps {
  io: FairServer;
  booths: BoothService;
  presence: PresenceStore;
  chat: ChatService;
  aliases: PrivateAliasStore;
  restrictions: RestrictionStore;
  occupancyChanged: (boothId: number) => void;
}

/** The presence list as one viewer may see it: private visitors only for staff (and themselves). */
export function visiblePresence(entries: PresenceEntry[], viewerId: string, viewerIsStaff: boolean): PresenceEntry[] {
  return viewerIsStaff ? entries : entries.filter((entry) => !entry.private || entry.userId === viewerId);
}

export function boothHandlers(socket: FairSocket, { io, booths, presence, chat, aliases, restrictions, occupancyChanged }: BoothHandlerDeps): CommandHandlers {
  const user = socket.data.user;
  return {
    'booth:join': async ({ boothId, private: privately = false, historyLimit }) => {
      const booth = booths.byId(boothId);
      if (!booth) return fail('NOT_FOUND', 'There is no such booth.');
      const barred = restrictions.barredFrom(user.id, boothId);
      if (barred) return barred;
      const staff = can(user, 'booth:staff', { boothId });
      if (booth.status === 'closed' && !staff) return fail('BOOTH_CLOSED', 'This booth is closed at the moment.');
      if (booth.locked && !staff && !presence.has(boothId, user.id)) {
        return fail('BOOTH_CLOSED', 'This booth is not taking new visitors at the moment.', { locked: true });
      }
      if (!staff && !presence.has(boothId, user.id) && presence.count(boothId) >= booth.capacity) {
        return fail('BOOTH_FULL', 'This booth is full right now. Try again in a few minutes.');
      }
      // Rooms first, so no message sent from here on is missed between history and broadcasts.
      // Then the fallible work (reads, the visit record); on a storage failure the socket is
      // taken out again, so a failed join leaves no trace (no rooms, no presence).
      const wasIn = socket.data.booths.has(boothId);
      const boothRooms = staff ? [rooms.booth(boothId), rooms.staff(boothId)] : [rooms.booth(boothId)];
      await socket.join(boothRooms);
      socket.data.booths.add(boothId);
      let joined;
      try {
        const messages = chat.history({ boothId, limit: historyLimit });
        const lastSeq = chat.lastSeq(boothId);
        // A private visit (this join's choice, or the visit's from another device) gets its
        // stored pseudonym before the person is shown anywhere, so the ack can tell them.
        const alias = privately || presence.isPrivate(boothId, user.id) ? aliases.ensure(boothId, user.id) : null;
        // Last: it writes the visit before changing presence, and changes nothing if that throws.
        const outcome = presence.join(boothId, user, socket.id, privately);
        joined = { messages, lastSeq, outcome, alias };
      } catch (err) {
        if (!wasIn) {
          socket.data.booths.delete(boothId);
          for (const room of boothRooms) await socket.leave(room);
        }
        throw err;
      }
      const { messages, lastSeq, outcome, alias } = joined;
      announceJoin(socket, boothId, outcome);
      if (outcome.arrived) occupancyChanged(boothId);
      return ok({
        booth: { ...booth, occupancy: presence.count(boothId) },
        presence: visiblePresence(presence.list(boothId), user.id, staff),
        presenceTotal: visiblePresence(presence.list(boothId), user.id, staff).length,
        messages: messages.map((stored) => viewFor(user, stored)),
        lastSeq,
        privateAlias: alias ? (({ id, displayName }) => ({ id, displayName }))(privateAuthor(alias)) : null,
      });
    },

    'booth:leave': async ({ boothId }) => {
      if (!socket.data.booths.delete(boothId)) return ok({ boothId });
      await socket.leave(rooms.booth(boothId));
      await socket.leave(rooms.staff(boothId));
      const gone = presence.leave(boothId, user.id, socket.id);
      if (gone) {
        announceLeave(io, boothId, gone);
        occupancyChanged(boothId);
      }
      return ok({ boothId });
    },
  };
}

/** A dropped connection: each booth it was in starts the grace period for this person. */
export function dropFromBooths(socket: FairSocket, presence: PresenceStore): void {
  for (const boothId of socket.data.booths) presence.drop(boothId, socket.data.user.id, socket.id);
  socket.data.booths.clear();
}
