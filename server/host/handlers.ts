import type { Booth } from '../../shared/booths.js';
import type { Capability } from '../../shared/roles.js';
import type { AuthUser } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import type { Result } from '../http/errors.js';
import type { AuditLog, AuditRecord } from '../moderation/audit.js';
import type { CommandTable } from '../realtime/commands.js';
import { rooms, type FairServer } from '../realtime/types.js';

export interface HostDeps {
  io: FairServer;
  booths: BoothService;
  audit: AuditLog;
}

/**
 * What staff change on a booth: profile, schedule, pin, slow mode, lock and status. Every change
 * is audited and reaches everyone at once (the lobby shows it too), as `booth:updated`.
 */
export function hostCommands({ io, booths, audit }: HostDeps): Pick<CommandTable, 'booth:update' | 'booth:edit' | 'chat:pin' | 'schedule:add' | 'schedule:remove'> {
  async function apply(
    actor: AuthUser,
    boothId: number,
    change: () => Promise<Result<Booth>>,
    record: Omit<AuditRecord, 'actorId' | 'boothId'>,
  ): Promise<Result<Booth>> {
    const result = await audit.together(change, (changed: Result<Booth>) => (changed.ok ? { actorId: actor.id, boothId, ...record } : null));
    if (!result.ok) return result;
    io.to(rooms.lobby).emit('booth:updated', result.data);
    return result;
  }

  return {
    'booth:update': {
      // Opening and closing is for moderators; slow mode and the lock for the booth's staff too.
      capability: ({ status, boothId: _boothId, ...settings }) => {
        const needs: Capability[] = [];
        if (status !== undefined) needs.push('booth:set-status');
        if (Object.values(settings).some((value) => value !== undefined)) needs.push('booth:configure');
        return needs;
      },
      scope: 'booth',
      handle: ({ user }, update) => {
        const { boothId, status, ...settings } = update;
        return apply(user, boothId, () => booths.configure(update), { action: 'booth:update', details: { status, ...settings } });
      },
    },

    'booth:edit': {
      capability: 'booth:edit-profile',
      scope: 'booth',
      handle: ({ user }, { boothId, ...profile }) =>
        apply(user, boothId, () => booths.editProfile(boothId, profile), { action: 'booth:edit', details: { fields: Object.keys(profile) } }),
    },

    'chat:pin': {
      capability: 'chat:pin',
      scope: 'booth',
      handle: ({ user }, { boothId, messageId }) =>
        apply(user, boothId, () => booths.pin(boothId, messageId), { action: 'chat:pin', messageId, details: { pinned: messageId !== null } }),
    },

    'schedule:add': {
      capability: 'booth:edit-profile',
      scope: 'booth',
      handle: ({ user }, { boothId, session }) =>
        apply(user, boothId, () => booths.addSession(boothId, user.id, session), { action: 'schedule:add', details: { ...session } }),
    },

    'schedule:remove': {
      capability: 'booth:edit-profile',
      scope: 'booth',
      handle: ({ user }, { boothId, sessionId }) => apply(user, boothId, () => booths.removeSession(boothId, sessionId), { action: 'schedule:remove', details: { sessionId } }),
    },
  };
}
