import { mayActOn } from '../../shared/roles.js';
import { fail, ok } from '../http/errors.js';
import type { Inbox } from '../inbox/service.js';
import type { AuditLog } from '../moderation/audit.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { ConversationReportStore } from './reports.js';
import { isParty, noSuchConversation, type ConversationParties, type ConversationService } from './service.js';

export interface ConversationDeps {
  io: FairServer;
  conversations: ConversationService;
  conversationReports: ConversationReportStore;
  restrictions: RestrictionStore;
  audit: AuditLog;
  inbox: Inbox;
}

type ConversationCommands = 'conversation:send' | 'conversation:history' | 'conversation:report' | 'conversation:delete' | 'conversation:resolve';

/** Both people's tabs, on every node: one room set, so a socket in both rooms gets one frame. */
const bothOf = (io: FairServer, conversation: ConversationParties) => io.to(rooms.user(conversation.memberId)).to(rooms.user(conversation.staffId));

/**
 * 1:1 conversations: the two people write and read; anyone may hold the command's capability, so
 * each handler checks that the sender is one of the two (a third person gets NOT_FOUND, as for a
 * conversation that does not exist). Moderators read a conversation only through a report.
 */
export function conversationCommands({ io, conversations, conversationReports, restrictions, audit, inbox }: ConversationDeps): Pick<CommandTable, ConversationCommands> {
  return {
    'conversation:send': {
      capability: 'booth:visit',
      scope: 'fair',
      async handle({ user }, input) {
        const conversation = await conversations.parties(input.conversationId);
        if (!conversation || !isParty(conversation, user.id)) return noSuchConversation();
        // A mute (fair-wide, or in the conversation's booth) silences here too.
        const muted = await restrictions.mute(user.id, conversation.boothId);
        if (muted) return fail('MUTED', 'You are muted and cannot send messages now.', muted);
        const result = await conversations.send(user, input);
        if (!result.ok) return result;
        // Broadcast only what was newly committed; a resend gets its ack and nothing else.
        if (result.data.created) bothOf(io, conversation).emit('conversation:message', result.data.message);
        return ok(result.data.message);
      },
    },

    'conversation:history': {
      capability: 'booth:visit',
      scope: 'fair',
      async handle({ user }, query) {
        const conversation = await conversations.parties(query.conversationId);
        if (!conversation || !isParty(conversation, user.id)) return noSuchConversation();
        return ok({ messages: await conversations.history(query) });
      },
    },

    'conversation:report': {
      capability: 'booth:visit',
      scope: 'fair',
      async handle({ user }, { messageId, reason, note }) {
        const found = await conversations.messageById(messageId);
        if (!found || !isParty(found.conversation, user.id) || found.message.deleted) return fail('NOT_FOUND', 'There is no such message.');
        if (found.authorId === user.id) return fail('FORBIDDEN', 'You can only report the other person’s messages.');
        const report = await conversationReports.create(user.id, messageId, reason, note);
        if (!report.ok) return report;
        io.to(rooms.moderators).emit('conversation:report-created', report.data);
        return ok({ reportId: report.data.id });
      },
    },

    'conversation:delete': {
      capability: 'moderation:review',
      scope: 'fair',
      async handle({ user: actor }, { messageId, reason }) {
        const found = await conversations.messageById(messageId);
        if (!found || found.message.deleted) return fail('NOT_FOUND', found ? 'This message has already been removed.' : 'There is no such message.');
        // Moderators act on a conversation only once one of its people reported something in it.
        if (!(await conversationReports.anyIn(found.conversation.id))) {
          return fail('FORBIDDEN', 'Only reported conversations can be moderated.');
        }
        if (!mayActOn(actor, { role: found.authorRole })) return fail('FORBIDDEN', 'You cannot act on someone with a higher role than yours.');
        const { conversation } = found;
        await audit.together(
          () => conversations.softDelete(messageId, actor.id),
          () => ({
            actorId: actor.id,
            action: 'conversation:delete',
            targetUserId: found.authorId,
            boothId: conversation.boothId,
            reason: reason ?? null,
            // audit_log.message_id names booth chat messages; a conversation message is named here.
            details: { conversationId: conversation.id, conversationMessageId: messageId },
          }),
        );
        bothOf(io, conversation).emit('conversation:deleted', { conversationId: conversation.id, messageId, seq: found.message.seq });
        return ok({ messageId, conversationId: conversation.id });
      },
    },

    'conversation:resolve': {
      capability: 'moderation:review',
      scope: 'fair',
      async handle({ user: actor }, { reportId, outcome, note }) {
        const result = await audit.together(
          () => conversationReports.resolve(reportId, actor.id, outcome, note),
          (resolved) =>
            resolved.ok
              ? {
                  actorId: actor.id,
                  action: 'conversation:resolve',
                  targetUserId: resolved.data.message.author.id === 'deleted' ? null : resolved.data.message.author.id,
                  boothId: resolved.data.boothId,
                  reason: note,
                  details: { reportId, outcome, reportReason: resolved.data.reason, conversationId: resolved.data.conversationId, conversationMessageId: resolved.data.messageId },
                }
              : null,
        );
        if (!result.ok) return result;
        const report = result.data;
        io.to(rooms.moderators).emit('conversation:report-updated', report);
        // The reporter learns the outcome and the note (never who decided), in their inbox, live too.
        await inbox.deliverAfter('report_outcome', () =>
          Promise.resolve({
            to: report.reporter.id,
            payload: { reportId, messageId: report.messageId, reason: report.reason, outcome, note, boothId: report.boothId, boothName: report.boothName, conversationId: report.conversationId },
          }),
        );
        return ok(report);
      },
    },
  };
}
