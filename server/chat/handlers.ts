import { can } from '../../shared/roles.js';
import type { BoothService } from '../booths/service.js';
import { fail, ok } from '../http/errors.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { PrivateAliasStore } from './private-aliases.js';
import { maskMessage, viewFor, type ChatService } from './service.js';

export interface ChatDeps {
  io: FairServer;
  chat: ChatService;
  booths: BoothService;
  restrictions: RestrictionStore;
  presence: PresenceStore;
  aliases: PrivateAliasStore;
}

/** Posting and reading a booth's chat; the router has checked that the socket is in the booth. */
export function chatCommands({ io, chat, booths, restrictions, presence, aliases }: ChatDeps): Pick<CommandTable, 'chat:send' | 'chat:history'> {
  return {
    'chat:send': { capability: 'booth:visit', scope: 'booth', inBooth: true, handle: async ({ user }, input) => {
      const staff = can(user, 'booth:staff', { boothId: input.boothId });
      // Decided here from the visit, never from the client: the pseudonym must exist before the message does.
      const privately = await presence.isPrivate(input.boothId, user.id);
      if (privately) await aliases.ensure(input.boothId, user.id);
      const result = await chat.send(user, input, {
        private: privately,
        slowModeSeconds: staff ? 0 : await booths.slowModeSeconds(input.boothId),
        async refuse() {
          const muted = await restrictions.mute(user.id, input.boothId);
          if (muted) return fail('MUTED', 'You are muted and cannot send messages now.', muted);
          // A kicked tab that somehow still holds the booth stays silent (belt and braces).
          const kicked = await restrictions.kick(user.id, input.boothId);
          return kicked ? fail('FORBIDDEN', 'You were removed from this booth.', kicked) : null;
        },
      });
      if (!result.ok) return result;
      // Broadcast only what was newly committed; a resend gets its ack and nothing else.
      const { message: stored, created } = result.data;
      if (created) {
        const { boothId } = input;
        if (stored.maskedAuthor) {
          // Staff and the author's own tabs see who wrote it; every other socket in the booth the pseudonym.
          io.to(rooms.booth(boothId)).except([rooms.staff(boothId), rooms.user(user.id)]).emit('chat:created', maskMessage(stored));
          io.to(rooms.staff(boothId)).to(rooms.user(user.id)).emit('chat:created', stored.message);
        } else io.to(rooms.booth(boothId)).emit('chat:created', stored.message);
      }
      return ok(stored.message);
    } },

    'chat:history': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      handle: async ({ user }, query) => ok({ messages: (await chat.history(query)).map((stored) => viewFor(user, stored)) }),
    },
  };
}
