import { ok } from '../http/errors.js';
import type { CommandTable } from '../realtime/commands.js';
import type { ContactService } from './service.js';

/**
 * `contact:request` (any visitor, from inside the booth) and `contact:answer` (the booth's staff:
 * its hosts, moderators and admins, through `booth:staff` in the request's booth).
 */
export function contactCommands({ contacts }: { contacts: ContactService }): Pick<CommandTable, 'contact:request' | 'contact:answer'> {
  return {
    'contact:request': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      handle: async ({ user }, input) => {
        const result = await contacts.request(user, input);
        return result.ok ? ok({ requestId: result.data.id }) : result;
      },
    },

    'contact:answer': {
      capability: 'booth:staff',
      // The request says which booth; an unknown one is checked fair-wide (then NOT_FOUND for those who may know).
      scope: async ({ requestId }) => ({ boothId: await contacts.boothOf(requestId) }),
      handle: async ({ user }, input) => {
        const result = await contacts.answer(user, input);
        if (!result.ok) return result;
        const { view, conversation } = result.data;
        return ok({ requestId: view.id, status: view.status, ...(conversation ? { conversationId: conversation.id } : {}) });
      },
    },
  };
}
