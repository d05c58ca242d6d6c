import { can } from '../../shared/roles.js';
import { PRESENCE_LIST_PAGE, PRESENCE_SNAPSHOT_OTHERS_MAX } from '../../shared/limits.js';
import type { PrivateAliasStore } from '../chat/private-aliases.js';
import { viewFor, type ChatService } from '../chat/service.js';
import { privateAuthor } from '../../shared/private-visit.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import { fail, ok } from '../http/errors.js';
import type { PresenceBroadcaster } from '../presence/broadcast.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { RecordingPresence } from '../host/visits.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairSocket } from '../realtime/types.js';
import type { BoothService } from './service.js';

export interface BoothHandlerDeps {
  booths: BoothService;
  presence: RecordingPresence;
  presenceBroadcast: PresenceBroadcaster;
  chat: ChatService;
  aliases: PrivateAliasStore;
  restrictions: RestrictionStore;
  occupancyChanged: (boothId: number) => void;
}

/** Entering and leaving booths, and who is there. */
export function boothCommands({ booths, presence, presenceBroadcast, chat, aliases, restrictions, occupancyChanged }: BoothHandlerDeps): Pick<CommandTable, 'booth:join' | 'booth:leave' | 'presence:list'> {
  return {
    'booth:join': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ socket, user }, { boothId, private: privately = false, historyLimit, sinceSeq }) {
        const booth = await booths.recentById(boothId);
        if (!booth) return fail('NOT_FOUND', 'There is no such booth.');
        const restrictionsBefore = restrictions.addedCount();
        const barred = await restrictions.barredFrom(user.id, boothId);
        if (barred) return barred;
        const staff = can(user, 'booth:staff', { boothId });
        if (booth.status === 'closed' && !staff) return fail('BOOTH_CLOSED', 'This booth is closed at the moment.');
        const present = presence.has(boothId, user.id);
        if (booth.locked && !staff && !present) {
          return fail('BOOTH_CLOSED', 'This booth is not taking new visitors at the moment.', { locked: true });
        }
        // Staff and people already present are let in however full it is.
        const full = () =>
          !staff && !presence.has(boothId, user.id) && presence.count(boothId) >= booth.capacity
            ? fail('BOOTH_FULL', 'This booth is full right now. Try again in a few minutes.')
            : null;
        const fullNow = full();
        if (fullNow) return fullNow;
        // Rooms first, so no message sent from here on is missed between history and broadcasts.
        // Then the fallible work (reads, the visit record); on a storage failure the socket is
        // taken out again, so a failed join leaves no trace (no rooms, no presence).
        const wasIn = socket.data.booths.has(boothId);
        const boothRooms = staff ? [rooms.booth(boothId), rooms.staff(boothId)] : [rooms.booth(boothId)];
        await socket.join(boothRooms);
        socket.data.booths.add(boothId);
        /** A failed join leaves no trace: out of the booth's rooms again, and back to the lobby if in no booth. */
        const undo = async () => {
          if (wasIn) return;
          socket.data.booths.delete(boothId);
          for (const room of boothRooms) await socket.leave(room);
          if (socket.data.booths.size === 0 && !socket.rooms.has(rooms.browsing)) await backToLobby(socket, booths);
        };
        let joined;
        try {
          // A client that holds messages up to sinceSeq gets only what is newer; nothing is read
          // when there is nothing newer (an empty booth, a client that is up to date).
          const lastSeq = await chat.lastSeq(boothId);
          const messages =
            lastSeq <= (sinceSeq ?? 0)
              ? []
              : sinceSeq === undefined
                ? await chat.history({ boothId, limit: historyLimit })
                : await chat.latestSince(boothId, sinceSeq, historyLimit);
          const removedSeqs = sinceSeq === undefined ? undefined : await chat.removedUpTo(boothId, sinceSeq);
          // A private visit (this join's choice, or the visit's from another device) gets its
          // stored pseudonym before the person is shown anywhere, so the ack can tell them.
          const alias = privately || presence.isPrivate(boothId, user.id) ? await aliases.ensure(boothId, user.id) : null;
          // Last: it writes the visit before changing presence, and changes nothing if that throws.
          // The reads above and the write may take a while (the group commit waits a few
          // milliseconds): what was checked above is checked again before the person is added.
          const recorded = await presence.joinRecorded(boothId, user, socket.id, privately, {
            // A restriction added meanwhile is read from the database; none added, nothing read.
            recheck: async () => (restrictions.addedCount() === restrictionsBefore ? null : await restrictions.barredFrom(user.id, boothId)),
            // In memory, asked right before the person is added with no await in between.
            stillWanted: () => (!socket.connected || !socket.data.booths.has(boothId) ? fail('NOT_IN_BOOTH', 'You left the booth before entering it.') : full()),
          });
          if (!recorded.ok) {
            await undo();
            return recorded;
          }
          joined = { messages, lastSeq, removedSeqs, outcome: recorded.data, alias };
        } catch (err) {
          await undo();
          throw err;
        }
        const { messages, lastSeq, removedSeqs, outcome, alias } = joined;
        // Inside a booth, the lobby's live counts are not shown: they come back on leaving.
        await socket.leave(rooms.browsing);
        presenceBroadcast.joined(boothId, outcome);
        if (outcome.arrived) occupancyChanged(boothId);
        return ok({
          booth: { ...booth, occupancy: presence.count(boothId) },
          // Capped: a booth of thousands costs the newcomer the same as a booth of ten.
          presence: presence.snapshot(boothId, user.id, staff, PRESENCE_SNAPSHOT_OTHERS_MAX),
          presenceTotal: staff ? presence.count(boothId) : visibleCount(presence, boothId, user.id),
          messages: messages.map((stored) => viewFor(user, stored)),
          lastSeq,
          ...(removedSeqs ? { removedSeqs } : {}),
          privateAlias: alias ? (({ id, displayName }) => ({ id, displayName }))(privateAuthor(alias)) : null,
        });
      },
    },

    'booth:leave': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ socket, user }, { boothId }) {
        if (!socket.data.booths.delete(boothId)) return ok({ boothId });
        await socket.leave(rooms.booth(boothId));
        await socket.leave(rooms.staff(boothId));
        // Leaving does not depend on the disk: presence first, then the lobby's snapshot (a read).
        const gone = presence.leave(boothId, user.id, socket.id);
        if (gone) {
          presenceBroadcast.left(boothId, gone);
          occupancyChanged(boothId);
        }
        if (socket.data.booths.size === 0) await backToLobby(socket, booths);
        return ok({ boothId });
      },
    },

    'presence:list': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      handle({ user }, { boothId, cursor }) {
        const staff = can(user, 'booth:staff', { boothId });
        const { entries, more } = presence.page(boothId, user.id, staff, cursor, PRESENCE_LIST_PAGE);
        return ok({
          boothId,
          entries,
          nextCursor: more ? entries.at(-1)!.userId : null,
          total: staff ? presence.count(boothId) : visibleCount(presence, boothId, user.id),
        });
      },
    },
  };
}

/** How many people a member sees in a booth: the public ones, and themselves if private. */
function visibleCount(presence: PresenceStore, boothId: number, viewerId: string): number {
  return presence.publicCount(boothId) + (presence.isPrivate(boothId, viewerId) ? 1 : 0);
}

/**
 * A connection that left its last booth sees the lobby again: live counts, from a full snapshot.
 * It joins the lobby's room first, so no change is missed while the snapshot is read.
 */
export async function backToLobby(socket: Pick<FairSocket, 'join' | 'emit'>, booths: Pick<BoothService, 'occupancy'>): Promise<void> {
  void socket.join(rooms.browsing);
  socket.emit('lobby:occupancy', await booths.occupancy());
}

/** A dropped connection: each booth it was in starts the grace period for this person. */
export function dropFromBooths(socket: FairSocket, presence: PresenceStore): void {
  for (const boothId of socket.data.booths) presence.drop(boothId, socket.data.user.id, socket.id);
  socket.data.booths.clear();
}
