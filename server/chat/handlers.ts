import { fail, ok } from '../http/errors.js';
import type { CommandHandlers } from '../realtime/commands.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';
import type { ChatService } from './service.js';

export function chatHandlers(socket: FairSocket, { io, chat }: { io: FairServer; chat: ChatService }): CommandHandlers {
  const user = socket.data.user;
  const notInBooth = () => fail('NOT_IN_BOOTH', 'Enter the booth before chatting in it.');
  return {
    'chat:send': (input) => {
      if (!socket.data.booths.has(input.boothId)) return notInBooth();
      const result = chat.send(user, input);
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
