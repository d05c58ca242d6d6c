import { can } from '../../shared/roles.js';
import type { BoothService } from '../booths/service.js';
import { fail, ok } from '../http/errors.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import type { CommandHandlers } from '../realtime/commands.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';
import type { ChatService } from './service.js';

export interface ChatDeps {
  io: FairServer;
  chat: ChatService;
  booths: BoothService;
  restrictions: RestrictionStore;
}

export function chatHandlers(socket: FairSocket, { io, chat, booths, restrictions }: ChatDeps): CommandHandlers {
  const user = socket.data.user;
  const notInBooth = () => fail('NOT_IN_BOOTH', 'Enter the booth before chatting in it.');
  return {
    'chat:send': (input) => {
      if (!socket.data.booths.has(input.boothId)) return notInBooth();
      const staff = can(user, 'booth:staff', { boothId: input.boothId });
      const result = chat.send(user, input, {
        slowModeSeconds: staff ? 0 : booths.slowModeSeconds(input.boothId),
        refuse() {
          const muted = restrictions.mute(user.id, input.boothId);
          if (muted) return fail('MUTED', 'You are muted and cannot send messages now.', muted);
          // A kicked tab that somehow still holds the booth stays silent (belt and braces).
          const kicked = restrictions.kick(user.id, input.boothId);
          return kicked ? fail('FORBIDDEN', 'You were removed from this booth.', kicked) : null;
        },
      });
      if (!result.ok) return result;
      // Broadcast only what was newly committed; a resend gets its ack and nothing else.
      if (result.data.created) io.to(rooms.booth(input.boothId)).emit('chat:created', result.data.message);
      return ok(result.data.message);
    },

    'chat:history': (query) => {
      if (!socket.data.booths.has(query.boothId)) return notInBooth();
      return ok({ messages: chat.history(query) });
    },
  };
}
