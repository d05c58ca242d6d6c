import { can, mayActOn } from '../../shared/roles.js';
import type { BoothService } from '../booths/service.js';
import type { ChatService } from '../chat/service.js';
import { fail, ok, type Failure } from '../http/errors.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CommandContext, CommandTable } from '../realtime/commands.js';
import { rooms, type FairServer } from '../realtime/types.js';
import { publicView, viewOf, type QuestionService, type StoredQuestion } from './service.js';

export interface QuestionDeps {
  io: FairServer;
  questions: QuestionService;
  booths: BoothService;
  chat: ChatService;
  restrictions: RestrictionStore;
  presence: PresenceStore;
}

type QuestionCommands = 'question:ask' | 'question:list' | 'question:vote' | 'question:unvote' | 'question:answer' | 'question:remove';

const notInBooth = () => fail('NOT_IN_BOOTH', 'Enter the booth first.');

/**
 * Questions to a booth. Members in the booth ask and vote; its staff answer and remove. Every
 * change goes to the booth's room as `question:updated`, each audience with its own view: the
 * asker's tabs and the booth's staff see who asked, the person whose vote changed sees
 * `votedByMe`, everyone else the public view (no asker when it was asked anonymously).
 */
export function questionCommands({ io, questions, booths, chat, restrictions, presence }: QuestionDeps): Pick<CommandTable, QuestionCommands> {
  /** The booth a question is in, for the capability check; none (fair-wide) when there is no such question. */
  const questionScope = async ({ questionId }: { questionId: number }) => ({ boothId: await questions.boothOf(questionId) });

  /** Muted, or kicked and still holding the booth somehow: no asking, no voting. */
  async function silenced(userId: string, boothId: number): Promise<Failure | null> {
    const muted = await restrictions.mute(userId, boothId);
    if (muted) return fail('MUTED', 'You are muted and cannot ask or vote now.', muted);
    const kicked = await restrictions.kick(userId, boothId);
    return kicked ? fail('FORBIDDEN', 'You were removed from this booth.', kicked) : null;
  }

  function broadcast(stored: StoredQuestion, voter?: { id: string; voted: boolean; staff: boolean }): void {
    const { boothId } = stored.question;
    const asker = rooms.user(stored.askerId);
    const special = [rooms.staff(boothId), asker, ...(voter ? [rooms.user(voter.id)] : [])];
    io.to(rooms.booth(boothId)).except(special).emit('question:updated', publicView(stored));
    const full = { ...stored.question };
    io.to(rooms.staff(boothId)).except([asker, ...(voter ? [rooms.user(voter.id)] : [])]).emit('question:updated', full);
    io.to(asker).emit('question:updated', { ...full, mine: true });
    if (voter) {
      const seen = voter.staff || !stored.question.anonymous ? full : publicView(stored);
      io.to(rooms.user(voter.id)).emit('question:updated', { ...seen, votedByMe: voter.voted });
    }
  }

  async function vote({ socket, user }: CommandContext, questionId: number, on: boolean) {
    const stored = await questions.byId(questionId);
    if (!stored || stored.question.removed) return fail('NOT_FOUND', 'There is no such question.');
    const { boothId } = stored.question;
    if (!socket.data.booths.has(boothId)) return notInBooth();
    const refused = await silenced(user.id, boothId);
    if (refused) return refused;
    const result = await questions.vote(user, questionId, on);
    if (!result.ok) return result;
    const staff = can(user, 'booth:staff', { boothId });
    if (result.data.changed) broadcast(result.data.stored, { id: user.id, voted: on, staff });
    return ok(viewOf(user, result.data.stored, on));
  }

  return {
    'question:list': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      handle: async ({ user }, { boothId }) => ok({ boothId, questions: await questions.list(user, boothId) }),
    },

    'question:ask': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      async handle({ user }, { boothId, body, anonymous = false }) {
        const booth = await booths.recentById(boothId, { occupancy: false });
        if (!booth) return fail('NOT_FOUND', 'There is no such booth.');
        if (!can(user, 'booth:staff', { boothId })) {
          if (booth.status === 'closed') return fail('BOOTH_CLOSED', 'This booth is closed at the moment.');
          if (booth.locked) return fail('BOOTH_CLOSED', 'This booth is not taking new questions at the moment.', { locked: true });
        }
        const refused = await silenced(user.id, boothId);
        if (refused) return refused;
        // Decided here from the visit, never from the client: a private visitor is never named to members.
        const hidden = anonymous || (await presence.isPrivate(boothId, user.id));
        const result = await questions.ask(user, { boothId, body, anonymous: hidden });
        if (!result.ok) return result;
        // A resend gets its ack and nothing else.
        const { stored, created } = result.data;
        if (created) broadcast(stored);
        return ok({ questionId: stored.question.id, question: viewOf(user, stored, false) });
      },
    },

    'question:vote': { capability: 'booth:visit', scope: questionScope, handle: (ctx, { questionId }) => vote(ctx, questionId, true) },
    'question:unvote': { capability: 'booth:visit', scope: questionScope, handle: (ctx, { questionId }) => vote(ctx, questionId, false) },

    'question:answer': {
      capability: 'booth:staff',
      scope: questionScope,
      async handle({ user }, { questionId, messageId }) {
        const stored = await questions.byId(questionId);
        if (!stored || stored.question.removed) return fail('NOT_FOUND', 'There is no such question.');
        if (messageId !== undefined) {
          const message = await chat.byId(messageId);
          if (!message || message.deleted || message.boothId !== stored.question.boothId) {
            return fail('INVALID_PAYLOAD', 'messageId: no message of this booth has that id', { field: 'messageId' });
          }
        }
        const result = await questions.answer(user, questionId, messageId);
        if (!result.ok) return result;
        if (result.data.changed) broadcast(result.data.stored);
        return ok(viewOf(user, result.data.stored));
      },
    },

    'question:remove': {
      // Who may remove a chat message in a booth may remove its questions: its hosts and moderators.
      capability: 'chat:delete',
      scope: questionScope,
      async handle({ user }, { questionId, reason }) {
        // As for chat messages: nobody removes the words of someone with a higher role.
        const asker = (await questions.byId(questionId))?.question.asker;
        if (asker && !mayActOn(user, asker)) return fail('FORBIDDEN', 'You cannot act on someone with a higher role than yours.');
        const result = await questions.remove(user, questionId, reason);
        if (!result.ok) return result;
        broadcast(result.data);
        return ok(viewOf(user, result.data));
      },
    },
  };
}
