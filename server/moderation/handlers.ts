import { KICK_COOLDOWN_MS } from '../../shared/limits.js';
import type { ModerationNotice as LiveNotice, Restriction, RestrictionKind } from '../../shared/moderation.js';
import { mayActOn } from '../../shared/roles.js';
import type { AuthService, AuthUser, Clock } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { ChatService } from '../chat/service.js';
import { fail, ok, type Result } from '../http/errors.js';
import type { Inbox } from '../inbox/service.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { AuditLog } from './audit.js';
import type { Enforcer } from './enforcement.js';
import type { ReportStore } from './reports.js';
import type { RestrictionStore } from './restrictions.js';

export interface ModerationDeps {
  io: FairServer;
  auth: AuthService;
  booths: BoothService;
  chat: ChatService;
  restrictions: RestrictionStore;
  reports: ReportStore;
  audit: AuditLog;
  enforcer: Enforcer;
  clock: Clock;
  presence: PresenceStore;
  inbox: Inbox;
}

export const forbidden = () => fail('FORBIDDEN', 'You do not have permission to do that.');

/**
 * The person an action is about, if the actor may act on them: the person, then rank. Nobody
 * acts on themselves. (The router has checked the capability first, so a member cannot probe
 * who exists.)
 */
async function targetOf(actor: AuthUser, userId: string, auth: AuthService): Promise<Result<AuthUser>> {
  const target = await auth.loadUser(userId);
  if (!target) return fail('NOT_FOUND', 'There is no such person.');
  if (target.id === actor.id) return fail('FORBIDDEN', 'You cannot do that to yourself.');
  if (!mayActOn(actor, target)) return fail('FORBIDDEN', 'You cannot act on someone with a higher role than yours.');
  return ok(target);
}

interface ModerationNotice {
  userId: string;
  live: LiveNotice;
}

type ModerationCommands =
  | 'chat:delete'
  | 'moderation:mute'
  | 'moderation:unmute'
  | 'moderation:kick'
  | 'moderation:ban'
  | 'moderation:unban'
  | 'report:create'
  | 'report:resolve'
  | 'announcement:create';

export function moderationCommands(deps: ModerationDeps): Pick<CommandTable, ModerationCommands> {
  const { io, auth, booths, chat, restrictions, reports, audit, enforcer, clock, presence, inbox } = deps;
  const minutesFromNow = (minutes: number) => new Date(clock.now() + minutes * 60_000);
  const boothName = async (boothId: number | null | undefined) => (boothId == null ? null : ((await booths.byId(boothId))?.name ?? null));

  /**
   * Every notice also lands in the person's inbox. Order: the action and its audit line are
   * committed, the live event has gone out, then the inbox write; it never rejects (a storage
   * failure is logged), so the command's answer stays the truth about what it did.
   */
  async function toInbox(notice: ModerationNotice): Promise<void> {
    await inbox.deliverAfter('moderation', async () => ({ to: notice.userId, payload: { ...notice.live, boothName: await boothName(notice.live.boothId) } }));
  }

  /** Records a new restriction and its audit line, tells moderators' panels, and answers it. */
  async function restrict(actor: AuthUser, kind: RestrictionKind, target: AuthUser, boothId: number | null, reason: string, expiresAt: Date | null): Promise<Restriction> {
    const id = await audit.together(
      () => restrictions.add({ kind, userId: target.id, boothId, reason, createdBy: actor.id, expiresAt }),
      () => ({ actorId: actor.id, action: `moderation:${kind}`, targetUserId: target.id, boothId, reason, expiresAt }),
    );
    io.to(rooms.moderators).emit('moderation:changed', { kind, userId: target.id });
    return (await restrictions.byId(id))!;
  }

  async function lift(actor: AuthUser, kind: RestrictionKind, userId: string, boothId: number | undefined, reason?: string): Promise<{ lifted: number }> {
    const action = kind === 'mute' ? 'moderation:unmute' : 'moderation:unban';
    const lifted = await audit.together(
      () => restrictions.lift(userId, kind, actor.id, boothId),
      (count) => ({ actorId: actor.id, action, targetUserId: userId, boothId: boothId ?? null, reason: reason ?? null, details: { lifted: count } }),
    );
    io.to(rooms.moderators).emit('moderation:changed', { kind, userId });
    return { lifted };
  }

  return {
    'chat:delete': {
      capability: 'chat:delete',
      // Hosts delete in their own booths: the message says which booth that is.
      scope: async ({ messageId }) => ({ boothId: (await chat.byId(messageId))?.boothId }),
      async handle({ user: actor }, { messageId, reason }) {
        const message = await chat.byId(messageId);
        if (!message || message.deleted) return fail('NOT_FOUND', message ? 'This message has already been removed.' : 'There is no such message.');
        if (!mayActOn(actor, message.author)) return fail('FORBIDDEN', 'You cannot act on someone with a higher role than yours.');
        await audit.together(
          () => chat.softDelete(messageId, actor.id, reason),
          () => ({ actorId: actor.id, action: 'chat:delete', targetUserId: message.author.id, boothId: message.boothId, messageId, reason: reason ?? null }),
        );
        io.to(rooms.booth(message.boothId)).emit('chat:deleted', { boothId: message.boothId, messageId, seq: message.seq });
        const unpinned = await booths.unpinMessage(messageId);
        if (unpinned !== null) io.to(rooms.lobby).emit('booth:updated', (await booths.byId(unpinned))!);
        return ok({ messageId, boothId: message.boothId });
      },
    },

    'moderation:mute': {
      capability: 'moderation:mute',
      scope: 'booth',
      async handle({ user: actor }, { userId, boothId, minutes, reason }) {
        const target = await targetOf(actor, userId, auth);
        if (!target.ok) return target;
        if (boothId !== undefined && !(await booths.byId(boothId))) return fail('NOT_FOUND', 'There is no such booth.');
        const restriction = await restrict(actor, 'mute', target.data, boothId ?? null, reason, minutesFromNow(minutes));
        const live: LiveNotice = { kind: 'muted', boothId: boothId ?? null, until: restriction.expiresAt, reason };
        io.to(rooms.user(userId)).emit('moderation:notice', live);
        await toInbox({ userId, live });
        return ok(restriction);
      },
    },

    'moderation:unmute': {
      capability: 'moderation:mute',
      scope: 'booth',
      async handle({ user: actor }, { userId, boothId }) {
        const target = await targetOf(actor, userId, auth);
        if (!target.ok) return target;
        const result = await lift(actor, 'mute', userId, boothId);
        if (result.lifted > 0) {
          const live: LiveNotice = { kind: 'unmuted', boothId: boothId ?? null, until: null, reason: null };
          io.to(rooms.user(userId)).emit('moderation:notice', live);
          await toInbox({ userId, live });
        }
        return ok(result);
      },
    },

    'moderation:kick': {
      capability: 'moderation:kick',
      scope: 'booth',
      async handle({ user: actor }, { userId, boothId, reason }) {
        const target = await targetOf(actor, userId, auth);
        if (!target.ok) return target;
        if (!(await booths.byId(boothId))) return fail('NOT_FOUND', 'There is no such booth.');
        const restriction = await restrict(actor, 'kick', target.data, boothId, reason, new Date(clock.now() + KICK_COOLDOWN_MS));
        // Tell them before their sockets leave the booth room, so every tab gets it.
        const live: LiveNotice = { kind: 'kicked', boothId, until: restriction.expiresAt, reason };
        io.to(rooms.user(userId)).emit('moderation:notice', live);
        await enforcer.removeFromBooth(userId, boothId);
        await toInbox({ userId, live });
        return ok(restriction);
      },
    },

    'moderation:ban': {
      capability: 'moderation:ban',
      scope: 'fair',
      async handle({ user: actor }, { userId, minutes, reason }) {
        const target = await targetOf(actor, userId, auth);
        if (!target.ok) return target;
        const restriction = await restrict(actor, 'ban', target.data, null, reason, minutes === undefined ? null : minutesFromNow(minutes));
        const live: LiveNotice = { kind: 'banned', boothId: null, until: restriction.expiresAt, reason };
        io.to(rooms.user(userId)).emit('moderation:notice', live);
        await auth.endAllSessions(userId);
        await enforcer.removeFromFair(userId);
        // Read when the ban ends and they sign in again.
        await toInbox({ userId, live });
        return ok(restriction);
      },
    },

    'moderation:unban': {
      capability: 'moderation:ban',
      scope: 'fair',
      async handle({ user: actor }, { userId, reason }) {
        const target = await targetOf(actor, userId, auth);
        if (!target.ok) return target;
        return ok(await lift(actor, 'ban', userId, undefined, reason));
      },
    },

    'report:create': {
      capability: 'booth:visit',
      scope: 'fair',
      async handle({ socket, user: actor }, { messageId, reason, note }) {
        const message = await chat.byId(messageId);
        if (!message || message.deleted) return fail('NOT_FOUND', 'There is no such message.');
        if (!socket.data.booths.has(message.boothId)) return fail('NOT_IN_BOOTH', 'Enter the booth before reporting a message in it.');
        const report = await reports.create(actor.id, messageId, reason, note);
        if (!report.ok) return report;
        io.to(rooms.moderators).emit('report:created', report.data);
        return ok({ reportId: report.data.id });
      },
    },

    'report:resolve': {
      capability: 'moderation:review',
      scope: 'fair',
      async handle({ user: actor }, { reportId, outcome, note }) {
        const result = await audit.together(
          () => reports.resolve(reportId, actor.id, outcome, note),
          (resolved) =>
            resolved.ok
              ? {
                  actorId: actor.id,
                  action: 'report:resolve',
                  targetUserId: resolved.data.message.author.id,
                  boothId: resolved.data.boothId,
                  messageId: resolved.data.messageId,
                  reason: note,
                  details: { reportId, outcome, reportReason: resolved.data.reason },
                }
              : null,
        );
        if (!result.ok) return result;
        const report = result.data;
        io.to(rooms.moderators).emit('report:updated', report);
        io.to(rooms.user(report.reporter.id)).emit('report:outcome', { reportId, messageId: report.messageId, outcome, note });
        await inbox.deliverAfter('report_outcome', async () => ({
          to: report.reporter.id,
          payload: { reportId, messageId: report.messageId, reason: report.reason, outcome, note, boothId: report.boothId, boothName: await boothName(report.boothId) },
        }));
        return ok(report);
      },
    },

    'announcement:create': {
      capability: 'announcement:create',
      // Hosts announce in their own booth; without a booth it is fair-wide (moderators).
      scope: 'booth',
      async handle({ user: actor }, { text, boothId }) {
        if (boothId !== undefined && !(await booths.byId(boothId))) return fail('NOT_FOUND', 'There is no such booth.');
        const { id, createdAt } = await audit.record({ actorId: actor.id, action: 'announcement:create', boothId: boothId ?? null, details: { text } });
        const announcement = { id, text, boothId: boothId ?? null, author: { id: actor.id, displayName: actor.displayName, role: actor.role }, createdAt: createdAt.toISOString() };
        io.to(boothId === undefined ? rooms.lobby : rooms.booth(boothId)).emit('announcement:created', announcement);
        // A booth's announcement is for those in it at the time: each of them gets it in their inbox.
        await inbox.deliverAfter('announcement', async () => ({
          to: boothId === undefined ? null : (await presence.list(boothId)).map((entry) => entry.userId),
          payload: { announcementId: id, text, boothId: boothId ?? null, boothName: await boothName(boothId), author: { displayName: actor.displayName, role: actor.role } },
        }));
        return ok(announcement);
      },
    },
  };
}
