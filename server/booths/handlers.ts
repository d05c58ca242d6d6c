import { can } from '../../shared/roles.js';
import { PRESENCE_LIST_PAGE, PRESENCE_SNAPSHOT_OTHERS_MAX } from '../../shared/limits.js';
import type { PrivateAliasStore } from '../chat/private-aliases.js';
import { viewFor, type ChatService } from '../chat/service.js';
import { privateAuthor } from '../../shared/private-visit.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import { conductNotAccepted, type ConductStore } from '../conduct/service.js';
import { fail, ok } from '../http/errors.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { RecordingPresence } from '../host/visits.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairSocket } from '../realtime/types.js';
import type { BoothService } from './service.js';
import type { BoothQueue } from '../queue/service.js';

export interface BoothHandlerDeps {
  booths: BoothService;
  /** Announces arrivals and departures itself, to the booth and the lobby (its listener, in app.ts). */
  presence: RecordingPresence;
  chat: ChatService;
  aliases: PrivateAliasStore;
  restrictions: RestrictionStore;
  conduct: ConductStore;
  /** The queue at full booths: seats on offer are kept for the people offered them (server/queue). */
  queue: Pick<BoothQueue, 'gate' | 'entered'>;
}

/** Entering and leaving booths, and who is there. */
export function boothCommands({ booths, presence, chat, aliases, restrictions, conduct, queue }: BoothHandlerDeps): Pick<CommandTable, 'booth:join' | 'booth:leave' | 'presence:list'> {
  return {
    'booth:join': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ socket, user }, { boothId, private: privately = false, historyLimit, sinceSeq }) {
        // Its occupancy comes from the join itself, below.
        const booth = await booths.recentById(boothId, { occupancy: false });
        if (!booth) return fail('NOT_FOUND', 'There is no such booth.');
        // Everyone, staff too, has accepted the code of conduct's current version before entering.
        const pending = await conduct.pendingFor(user.id);
        if (pending !== null) return conductNotAccepted(pending);
        const restrictionsBefore = restrictions.addedCount();
        const barred = await restrictions.barredFrom(user.id, boothId);
        if (barred) return barred;
        const staff = can(user, 'booth:staff', { boothId });
        if (booth.status === 'closed' && !staff) return fail('BOOTH_CLOSED', 'This booth is closed at the moment.');
        const [present, count] = await Promise.all([presence.has(boothId, user.id), presence.count(boothId)]);
        if (booth.locked && !staff && !present) {
          return fail('BOOTH_CLOSED', 'This booth is not taking new visitors at the moment.', { locked: true });
        }
        // Staff and people already present are let in however full it is (presence checks it
        // again, in one step with the join: other joins, on any node, may fill it meanwhile).
        const full = () => fail('BOOTH_FULL', 'This booth is full right now. Try again in a few minutes.');
        // The queue (server/queue): while people wait, only the one offered a seat takes it;
        // seats on offer count as taken for everyone else; staff may have let this one in ahead.
        const gate = staff || present ? null : await queue.gate(user.id, booth, count);
        if (gate && !gate.ok) return full();
        const capacity = gate ? gate.max : booth.capacity;
        if (capacity !== null && !staff && !present && count >= capacity) return full();
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
          const alias = privately || (present && (await presence.isPrivate(boothId, user.id))) ? await aliases.ensure(boothId, user.id) : null;
          // Last: it writes the visit before changing presence, and changes nothing if that throws.
          // The reads above and the write may take a while (the group commit waits a few
          // milliseconds): what was checked above is checked again before the person is added.
          const recorded = await presence.joinRecorded(boothId, user, socket.id, privately, {
            // A restriction added meanwhile is read from the database; none added, nothing read.
            recheck: async () => (restrictions.addedCount() === restrictionsBefore ? null : await restrictions.barredFrom(user.id, boothId)),
            // Asked right before the person is added with no await in between: a disconnection
            // or a leave after it reaches presence after the join.
            stillWanted: () => (!socket.connected || !socket.data.booths.has(boothId) ? fail('NOT_IN_BOOTH', 'You left the booth before entering it.') : null),
            ...(staff || capacity === null ? {} : { capacity: { max: capacity, refusal: full } }),
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
        const { messages, lastSeq, removedSeqs, outcome } = joined;
        // In from the queue: the place is used up, and those behind move up.
        if (gate?.ok && gate.fromQueue) queue.entered(user.id, boothId);
        // Made private meanwhile by another of their devices, which stored the pseudonym: read it.
        const alias = joined.alias ?? (outcome.entry.private ? await aliases.ensure(boothId, user.id) : null);
        // Inside a booth, the lobby's live counts are not shown: they come back on leaving.
        await socket.leave(rooms.browsing);
        const { counts } = outcome;
        return ok({
          booth: { ...booth, occupancy: counts.count },
          // Capped: a booth of thousands costs the newcomer the same as a booth of ten.
          presence: await presence.snapshot(boothId, user.id, staff, PRESENCE_SNAPSHOT_OTHERS_MAX),
          presenceTotal: staff ? counts.count : counts.publicCount + (outcome.entry.private ? 1 : 0),
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
        // Leaving does not depend on the disk: presence first (it never fails), then the lobby's snapshot (a read).
        await presence.leave(boothId, user.id, socket.id);
        if (socket.data.booths.size === 0) await backToLobby(socket, booths);
        return ok({ boothId });
      },
    },

    'presence:list': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      async handle({ user }, { boothId, cursor }) {
        const staff = can(user, 'booth:staff', { boothId });
        const [{ entries, more }, total] = await Promise.all([
          presence.page(boothId, user.id, staff, cursor, PRESENCE_LIST_PAGE),
          staff ? presence.count(boothId) : visibleCount(presence, boothId, user.id),
        ]);
        return ok({ boothId, entries, nextCursor: more ? entries.at(-1)!.userId : null, total });
      },
    },
  };
}

/** How many people a member sees in a booth: the public ones, and themselves if private. */
async function visibleCount(presence: PresenceStore, boothId: number, viewerId: string): Promise<number> {
  const [publicCount, isPrivate] = await Promise.all([presence.publicCount(boothId), presence.isPrivate(boothId, viewerId)]);
  return publicCount + (isPrivate ? 1 : 0);
}

/**
 * A connection that left its last booth sees the lobby again: live counts, from a full snapshot.
 * It joins the lobby's room first, so no change is missed while the snapshot is read.
 */
export async function backToLobby(socket: Pick<FairSocket, 'join' | 'emit'>, booths: Pick<BoothService, 'occupancy'>): Promise<void> {
  void socket.join(rooms.browsing);
  socket.emit('lobby:occupancy', await booths.occupancy());
}

/**
 * A dropped connection: each booth it was in starts the grace period for this person. The drops
 * are sent at once, in order, after anything this socket sent before (a join in flight lands
 * first); they never fail (presence keeps them until it can apply them).
 */
export function dropFromBooths(socket: FairSocket, presence: PresenceStore): void {
  for (const boothId of socket.data.booths) void presence.drop(boothId, socket.data.user.id, socket.id);
  socket.data.booths.clear();
}
